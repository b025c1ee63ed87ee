#include "seq2seq/metrics.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <regex>
#include <sstream>

#include "seq2seq/vocabulary.h"

namespace maas::seq2seq {
namespace {

void replace_all(std::string& s, const std::string& from, const std::string& to) {
  for (size_t pos = 0; (pos = s.find(from, pos)) != std::string::npos; pos += to.size()) s.replace(pos, from.size(), to);
}

std::vector<std::string> split_spaces(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

template <class Gram>
std::map<Gram, long long> count_ngrams(const std::vector<std::string>& units, size_t n) {
  std::map<Gram, long long> counts;
  for (size_t i = 0; i + n <= units.size(); ++i) {
    Gram g;
    for (size_t k = 0; k < n; ++k) g += (k ? "\x1f" : "") + units[i + k];
    ++counts[g];
  }
  return counts;
}

struct NgramMatch {
  long long hyp = 0, ref = 0, match = 0;
};

NgramMatch match_ngrams(const std::vector<std::string>& hyp, const std::vector<std::string>& ref, size_t n) {
  NgramMatch m;
  const auto h = count_ngrams<std::string>(hyp, n), r = count_ngrams<std::string>(ref, n);
  for (const auto& [g, c] : h) {
    m.hyp += c;
    if (auto it = r.find(g); it != r.end()) m.match += std::min(c, it->second);
  }
  for (const auto& [g, c] : r) m.ref += c;
  return m;
}

}  // namespace

std::string tokenize_13a(const std::string& input) {
  std::string line = input;
  replace_all(line, "<skipped>", "");
  replace_all(line, "-\n", "");
  replace_all(line, "\n", " ");
  if (line.find('&') != std::string::npos) {
    replace_all(line, "&quot;", "\"");
    replace_all(line, "&amp;", "&");
    replace_all(line, "&lt;", "<");
    replace_all(line, "&gt;", ">");
  }
  line = " " + line + " ";
  static const std::regex kSymbols(R"(([\{-\~\[-\` -\&\(-\+\:-\@\/]))");
  static const std::regex kPeriodCommaUnlessPrecededByDigit(R"(([^0-9])([\.,]))");
  static const std::regex kPeriodCommaUnlessFollowedByDigit(R"(([\.,])([^0-9]))");
  static const std::regex kDashAfterDigit(R"(([0-9])(-))");
  line = std::regex_replace(line, kSymbols, " $1 ");
  line = std::regex_replace(line, kPeriodCommaUnlessPrecededByDigit, "$1 $2 ");
  line = std::regex_replace(line, kPeriodCommaUnlessFollowedByDigit, " $1 $2");
  line = std::regex_replace(line, kDashAfterDigit, "$1 $2 ");
  std::string out;
  for (const std::string& w : split_spaces(line)) out += (out.empty() ? "" : " ") + w;
  return out;
}

BleuStats corpus_bleu(const std::vector<std::string>& hypotheses, const std::vector<std::string>& references) {
  long long correct[4] = {0, 0, 0, 0}, total[4] = {0, 0, 0, 0};
  BleuStats s;
  for (size_t i = 0; i < hypotheses.size() && i < references.size(); ++i) {
    const std::vector<std::string> h = split_spaces(tokenize_13a(hypotheses[i]));
    const std::vector<std::string> r = split_spaces(tokenize_13a(references[i]));
    s.hyp_len += static_cast<long long>(h.size());
    s.ref_len += static_cast<long long>(r.size());
    for (size_t n = 1; n <= 4; ++n) {
      const NgramMatch m = match_ngrams(h, r, n);
      correct[n - 1] += m.match;
      total[n - 1] += m.hyp;
    }
  }
  double smooth = 1.0;
  for (int n = 0; n < 4; ++n) {
    if (total[n] == 0) break;
    if (correct[n] == 0) {
      smooth *= 2;
      s.precisions[n] = 100.0 / (smooth * static_cast<double>(total[n]));
    } else {
      s.precisions[n] = 100.0 * static_cast<double>(correct[n]) / static_cast<double>(total[n]);
    }
  }
  s.brevity_penalty = 1.0;
  if (s.hyp_len < s.ref_len)
    s.brevity_penalty = s.hyp_len > 0 ? std::exp(1.0 - static_cast<double>(s.ref_len) / s.hyp_len) : 0.0;
  double log_sum = 0;
  for (double p : s.precisions) log_sum += p > 0 ? std::log(p) : -9999999999.0;
  s.score = s.brevity_penalty * std::exp(log_sum / 4);
  return s;
}

double corpus_chrf(const std::vector<std::string>& hypotheses, const std::vector<std::string>& references) {
  constexpr size_t kOrder = 6;
  constexpr double kBeta2 = 4.0;  // beta = 2
  NgramMatch stats[kOrder];
  auto chars = [](const std::string& s) {
    std::vector<std::string> out;
    for (std::string_view c : utf8_chars(s))
      if (!(c.size() == 1 && std::isspace(static_cast<unsigned char>(c[0])))) out.emplace_back(c);
    return out;
  };
  for (size_t i = 0; i < hypotheses.size() && i < references.size(); ++i) {
    const std::vector<std::string> h = chars(hypotheses[i]), r = chars(references[i]);
    for (size_t n = 1; n <= kOrder; ++n) {
      const NgramMatch m = match_ngrams(h, r, n);
      stats[n - 1].hyp += m.hyp;
      stats[n - 1].ref += m.ref;
      stats[n - 1].match += m.match;
    }
  }
  double avg_prec = 0, avg_rec = 0;
  int effective = 0;
  for (const NgramMatch& m : stats) {
    if (m.hyp > 0 && m.ref > 0) {
      avg_prec += static_cast<double>(m.match) / static_cast<double>(m.hyp);
      avg_rec += static_cast<double>(m.match) / static_cast<double>(m.ref);
      ++effective;
    }
  }
  if (effective == 0) return 0.0;
  avg_prec /= effective;
  avg_rec /= effective;
  if (avg_prec + avg_rec == 0) return 0.0;
  return 100.0 * (1 + kBeta2) * avg_prec * avg_rec / (kBeta2 * avg_prec + avg_rec);
}

}  // namespace maas::seq2seq

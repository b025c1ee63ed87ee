#include "text/word2vec/evaluate.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <numeric>

#include "core/files.h"

namespace maas::text::word2vec {
namespace {

std::vector<std::string_view> fields_of(std::string_view line) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r')) ++i;
    size_t j = i;
    while (j < line.size() && line[j] != ' ' && line[j] != '\t' && line[j] != '\r') ++j;
    if (j > i) out.push_back(line.substr(i, j - i));
    i = j;
  }
  return out;
}

std::optional<double> number(std::string_view s) {
  double x = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), x);
  if (ec != std::errc() || p != s.data() + s.size() || !std::isfinite(x)) return std::nullopt;
  return x;
}

struct Line {
  int64_t number;
  std::string_view text;
};

std::vector<Line> content_lines(std::string_view text) {
  std::vector<Line> out;
  int64_t no = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    std::string_view line = text.substr(pos, nl - pos);
    pos = nl + 1;
    ++no;
    const size_t first = line.find_first_not_of(" \t\r");
    if (first == std::string_view::npos || line[first] == '#') continue;
    out.push_back({no, line});
  }
  return out;
}

Result<Metrics> evaluate_analogies(const UnitVectors& uv, const std::vector<Line>& lines) {
  const WordVectors& v = uv.vectors();
  int64_t correct = 0, answered = 0, skipped = 0, sections = 0;
  for (const Line& line : lines) {
    std::vector<std::string_view> f = fields_of(line.text);
    if (f[0][0] == ':') {
      ++sections;
      continue;
    }
    if (f.size() != 4)
      return invalid_argument("line {}: an analogy is 4 words 'a b c d', this line has {} fields", line.number,
                              f.size());
    int32_t ids[4];
    bool known = true;
    for (int k = 0; k < 4; ++k) known &= (ids[k] = v.lookup(f[k])) >= 0;
    if (!known) {
      ++skipped;
      continue;
    }
    ++answered;
    auto best = uv.nearest({ids[1], ids[2]}, {ids[0]}, 1);
    if (!best.empty() && best[0].first == ids[3]) ++correct;
  }
  if (answered == 0)
    return invalid_argument("none of the {} analogy questions has all 4 words in the model's vocabulary", skipped);
  Metrics m;
  m.values = {{"analogy_accuracy", static_cast<double>(correct) / static_cast<double>(answered)},
              {"questions", answered + skipped},
              {"answered", answered},
              {"skipped", skipped},
              {"correct", correct}};
  m.higher_is_better = {{"analogy_accuracy", true}};
  return m;
}

Result<Metrics> evaluate_pairs(const UnitVectors& uv, const std::vector<Line>& lines) {
  const WordVectors& v = uv.vectors();
  std::vector<double> cosines, scores;
  int64_t skipped = 0;
  for (const Line& line : lines) {
    std::vector<std::string_view> f = fields_of(line.text);
    std::optional<double> score = f.size() == 3 ? number(f[2]) : std::nullopt;
    if (!score)
      return invalid_argument("line {}: a word pair is 'word1 word2 score' (a number), got '{}'", line.number,
                              std::string(line.text.substr(0, 60)));
    const int32_t a = v.lookup(f[0]), b = v.lookup(f[1]);
    if (a < 0 || b < 0) {
      ++skipped;
      continue;
    }
    cosines.push_back(uv.cosine(a, b));
    scores.push_back(*score);
  }
  if (cosines.size() < 2)
    return invalid_argument("{} of {} word pairs have both words in the model's vocabulary; need at least 2",
                            cosines.size(), cosines.size() + static_cast<size_t>(skipped));
  const double rho = spearman(cosines, scores);
  Metrics m;
  m.values = {{"spearman", std::isfinite(rho) ? rho : 0.0},
              {"pairs", static_cast<int64_t>(cosines.size()) + skipped},
              {"answered", static_cast<int64_t>(cosines.size())},
              {"skipped", skipped}};
  m.higher_is_better = {{"spearman", true}};
  return m;
}

std::vector<double> ranks(const std::vector<double>& x) {
  std::vector<size_t> order(x.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return x[a] < x[b]; });
  std::vector<double> r(x.size());
  for (size_t i = 0; i < order.size();) {
    size_t j = i;
    while (j + 1 < order.size() && x[order[j + 1]] == x[order[i]]) ++j;
    const double avg = (static_cast<double>(i) + static_cast<double>(j)) / 2.0 + 1.0;
    for (size_t k = i; k <= j; ++k) r[order[k]] = avg;
    i = j + 1;
  }
  return r;
}

}  // namespace

double spearman(const std::vector<double>& x, const std::vector<double>& y) {
  const std::vector<double> rx = ranks(x), ry = ranks(y);
  const double n = static_cast<double>(x.size());
  const double mx = std::accumulate(rx.begin(), rx.end(), 0.0) / n, my = std::accumulate(ry.begin(), ry.end(), 0.0) / n;
  double sxy = 0, sxx = 0, syy = 0;
  for (size_t i = 0; i < rx.size(); ++i) {
    sxy += (rx[i] - mx) * (ry[i] - my);
    sxx += (rx[i] - mx) * (rx[i] - mx);
    syy += (ry[i] - my) * (ry[i] - my);
  }
  return sxy / std::sqrt(sxx * syy);
}

Result<Metrics> evaluate_text(const UnitVectors& vectors, const std::string& text) {
  std::vector<Line> lines = content_lines(text);
  if (lines.empty()) return invalid_argument("the evaluation file has no questions or word pairs");
  // Analogy files have ": section" lines or 4 words per line; pair files 3 fields.
  bool analogies = false;
  for (const Line& line : lines) {
    std::vector<std::string_view> f = fields_of(line.text);
    if (f[0][0] == ':' || f.size() == 4) {
      analogies = true;
      break;
    }
  }
  if (!analogies && fields_of(lines[0].text).size() != 3)
    return invalid_argument(
        "line {}: not an analogy file (': section' lines, then 'a b c d') nor a word-pair file ('w1 w2 score')",
        lines[0].number);
  return analogies ? evaluate_analogies(vectors, lines) : evaluate_pairs(vectors, lines);
}

Result<Metrics> evaluate_file(const UnitVectors& vectors, const std::string& path) {
  MAAS_ASSIGN_OR_RETURN(std::string text, read_file(path));
  Result<Metrics> m = evaluate_text(vectors, text);
  if (!m.is_ok()) return m.status().with_context(path);
  return m;
}

}  // namespace maas::text::word2vec

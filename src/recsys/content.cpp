#include "recsys/content.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>

#include "recsys/data.h"

namespace maas::recsys {

namespace {
const char* kStopWords[] = {"the", "a", "an", "of", "and", "in", "on", "to", "for", "with", "at", "by", "from",
                            "la", "le", "les", "de", "el", "der", "die", "das", "und", "is", "it", "ii", "iii"};
}

std::vector<std::string> title_words(const std::string& title) {
  std::vector<std::string> out;
  std::string w;
  auto flush = [&] {
    const bool stop = std::find(std::begin(kStopWords), std::end(kStopWords), w) != std::end(kStopWords);
    if (w.size() >= 2 && !stop) out.push_back(w);
    w.clear();
  };
  for (char ch : title) {
    const auto c = static_cast<unsigned char>(ch);
    if (std::isalnum(c) || c >= 0x80)
      w.push_back(static_cast<char>(std::tolower(c)));
    else
      flush();
  }
  flush();
  return out;
}

ContentIndex build_content_index(const std::vector<std::string>& titles, const std::vector<std::string>& categories) {
  ContentIndex c;
  const int32_t n = static_cast<int32_t>(titles.size());
  std::unordered_map<std::string, int32_t> term_id;
  std::vector<std::map<int32_t, float>> tf(static_cast<size_t>(n));
  auto add = [&](int32_t i, const std::string& term) {
    auto [it, inserted] = term_id.emplace(term, static_cast<int32_t>(c.terms.size()));
    if (inserted) c.terms.push_back(term);
    tf[i][it->second] += 1.0f;
  };
  for (int32_t i = 0; i < n; ++i) {
    for (const std::string& w : title_words(titles[i])) add(i, w);
    for (std::string cat : split_categories(categories[i])) {
      for (char& ch : cat) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      add(i, "c:" + cat);
    }
  }
  std::vector<int32_t> df(c.terms.size(), 0);
  for (const auto& row : tf)
    for (const auto& [t, _] : row) ++df[t];
  std::vector<int32_t> r, col;
  std::vector<float> v;
  for (int32_t i = 0; i < n; ++i) {
    double norm = 0;
    std::vector<std::pair<int32_t, float>> w;
    for (const auto& [t, f] : tf[i]) {
      const float x = f * std::log(static_cast<float>(n) / static_cast<float>(df[t]));
      if (x > 0) w.emplace_back(t, x);
      norm += static_cast<double>(x) * x;
    }
    for (auto [t, x] : w) {
      r.push_back(i);
      col.push_back(t);
      v.push_back(static_cast<float>(x / std::sqrt(norm)));
    }
  }
  c.items = csr_from_triples(n, static_cast<int32_t>(c.terms.size()), r, col, v);
  c.postings = transpose(c.items);
  return c;
}

std::vector<float> user_profile(const ContentIndex& c, std::span<const std::pair<int32_t, float>> liked) {
  std::vector<float> p(c.terms.size(), 0.0f);
  for (auto [i, w] : liked) {
    if (i < 0 || i >= c.items.rows) continue;
    auto idx = c.items.row_index(i);
    auto val = c.items.row_value(i);
    for (size_t k = 0; k < idx.size(); ++k) p[idx[k]] += w * val[k];
  }
  double norm = 0;
  for (float x : p) norm += static_cast<double>(x) * x;
  if (norm > 0)
    for (float& x : p) x = static_cast<float>(x / std::sqrt(norm));
  return p;
}

std::vector<float> content_scores(const ContentIndex& c, const std::vector<float>& profile) {
  std::vector<float> s(static_cast<size_t>(c.items.rows), 0.0f);
  for (int32_t t = 0; t < c.postings.rows; ++t) {
    if (profile[t] == 0) continue;
    auto idx = c.postings.row_index(t);
    auto val = c.postings.row_value(t);
    for (size_t k = 0; k < idx.size(); ++k) s[idx[k]] += profile[t] * val[k];
  }
  return s;
}

std::vector<float> item_content_similarities(const ContentIndex& c, int32_t i) {
  std::vector<float> p(c.terms.size(), 0.0f);
  auto idx = c.items.row_index(i);
  auto val = c.items.row_value(i);
  for (size_t k = 0; k < idx.size(); ++k) p[idx[k]] = val[k];
  return content_scores(c, p);
}

void matching_terms(const ContentIndex& c, const std::vector<float>& profile, int32_t i, size_t max,
                    std::vector<std::string>& categories, std::vector<std::string>& words) {
  std::vector<std::pair<float, int32_t>> hits;
  auto idx = c.items.row_index(i);
  auto val = c.items.row_value(i);
  for (size_t k = 0; k < idx.size(); ++k)
    if (profile[idx[k]] > 0) hits.emplace_back(profile[idx[k]] * val[k], idx[k]);
  std::sort(hits.begin(), hits.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  for (size_t k = 0; k < hits.size() && k < max; ++k) {
    const std::string& t = c.terms[hits[k].second];
    if (t.rfind("c:", 0) == 0)
      categories.push_back(t.substr(2));
    else
      words.push_back(t);
  }
}

}  // namespace maas::recsys

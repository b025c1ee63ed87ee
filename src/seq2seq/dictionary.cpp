#include "seq2seq/dictionary.h"

#include <algorithm>
#include <map>
#include <sstream>

#include "seq2seq/metrics.h"

namespace maas::seq2seq {
namespace {

constexpr size_t kMaxWords = 5000;  // per side
constexpr size_t kMaxSentence = 50;

std::vector<std::string> words_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(tokenize_13a(text));
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

// Word -> id for the most frequent words (ties by spelling), id 0 reserved for NULL.
std::unordered_map<std::string, int32_t> frequent_ids(const std::vector<std::vector<std::string>>& sentences) {
  std::map<std::string, int64_t> counts;
  for (const auto& s : sentences)
    for (const auto& w : s) ++counts[w];
  std::vector<std::pair<std::string, int64_t>> sorted(counts.begin(), counts.end());
  std::stable_sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  std::unordered_map<std::string, int32_t> ids;
  for (size_t i = 0; i < sorted.size() && i < kMaxWords; ++i) ids.emplace(sorted[i].first, static_cast<int32_t>(i + 1));
  return ids;
}

std::vector<int32_t> to_ids(const std::vector<std::string>& words, const std::unordered_map<std::string, int32_t>& ids) {
  std::vector<int32_t> out;
  for (size_t i = 0; i < words.size() && i < kMaxSentence; ++i) {
    auto it = ids.find(words[i]);
    out.push_back(it == ids.end() ? -1 : it->second);
  }
  return out;
}

uint64_t key(int32_t e, int32_t f) { return static_cast<uint64_t>(e) << 32 | static_cast<uint32_t>(f); }

}  // namespace

WordDictionary WordDictionary::learn(const std::vector<std::pair<std::string, std::string>>& pairs, int iterations) {
  std::vector<std::vector<std::string>> src, tgt;
  for (const auto& [s, t] : pairs) {
    src.push_back(words_of(s));
    tgt.push_back(words_of(t));
  }
  const auto src_ids = frequent_ids(src), tgt_ids = frequent_ids(tgt);
  std::vector<std::string> tgt_word(tgt_ids.size() + 1), src_word(src_ids.size() + 1);
  for (const auto& [w, id] : tgt_ids) tgt_word[id] = w;
  for (const auto& [w, id] : src_ids) src_word[id] = w;
  std::vector<std::vector<int32_t>> e_sent, f_sent;
  for (size_t i = 0; i < pairs.size(); ++i) {
    std::vector<int32_t> e = to_ids(src[i], src_ids);
    e.insert(e.begin(), 0);  // NULL
    e_sent.push_back(std::move(e));
    f_sent.push_back(to_ids(tgt[i], tgt_ids));
  }
  // Every co-occurring (e, f) gets a slot in t(f | e); each sentence pair's |f| x |e| table
  // of slots is laid out once, so the EM iterations are array operations.
  std::unordered_map<uint64_t, int32_t> slot_of;
  std::vector<int32_t> slot_e;                 // the source word of each slot
  std::vector<int32_t> table;                  // per pair, per target word, per source word: a slot (-1: none)
  std::vector<size_t> table_start(pairs.size() + 1, 0);
  for (size_t i = 0; i < pairs.size(); ++i) {
    table_start[i] = table.size();
    for (int32_t f : f_sent[i])
      for (int32_t e : e_sent[i]) {
        if (f < 0 || e < 0) {
          table.push_back(-1);
          continue;
        }
        auto [it, fresh] = slot_of.emplace(key(e, f), static_cast<int32_t>(slot_e.size()));
        if (fresh) slot_e.push_back(e);
        table.push_back(it->second);
      }
  }
  table_start[pairs.size()] = table.size();
  std::vector<float> t(slot_e.size(), 1.0f);  // uniform to start
  std::vector<double> count(slot_e.size()), total(src_ids.size() + 1);
  for (int it = 0; it < iterations; ++it) {
    std::fill(count.begin(), count.end(), 0.0);
    std::fill(total.begin(), total.end(), 0.0);
    for (size_t i = 0; i < pairs.size(); ++i) {
      const size_t ne = e_sent[i].size();
      for (size_t j = 0; j < f_sent[i].size(); ++j) {
        const int32_t* row = &table[table_start[i] + j * ne];
        double z = 0;
        for (size_t k = 0; k < ne; ++k)
          if (row[k] >= 0) z += t[row[k]];
        if (z <= 0) continue;
        for (size_t k = 0; k < ne; ++k) {
          if (row[k] < 0) continue;
          const double c = t[row[k]] / z;
          count[row[k]] += c;
          total[slot_e[row[k]]] += c;
        }
      }
    }
    for (size_t k = 0; k < t.size(); ++k) t[k] = static_cast<float>(count[k] / total[slot_e[k]]);
  }
  // Viterbi alignment of each target word; count (source, target) links.
  std::map<std::pair<int32_t, int32_t>, int64_t> links;
  for (size_t i = 0; i < pairs.size(); ++i) {
    const size_t ne = e_sent[i].size();
    for (size_t j = 0; j < f_sent[i].size(); ++j) {
      const int32_t* row = &table[table_start[i] + j * ne];
      int32_t best = -1;
      float best_p = -1;
      for (size_t k = 0; k < ne; ++k) {
        if (row[k] >= 0 && t[row[k]] > best_p) {
          best_p = t[row[k]];
          best = e_sent[i][k];
        }
      }
      if (best > 0) ++links[{best, f_sent[i][j]}];
    }
  }
  WordDictionary d;
  std::vector<int64_t> best_count(src_ids.size() + 1, 0);
  for (const auto& [link, c] : links) {  // ordered: ties keep the smaller target id (more frequent)
    if (c > best_count[link.first]) {
      best_count[link.first] = c;
      d.map_[src_word[link.first]] = tgt_word[link.second];
    }
  }
  return d;
}

WordDictionary WordDictionary::from_entries(const std::vector<std::string>& source, const std::vector<std::string>& target) {
  WordDictionary d;
  for (size_t i = 0; i < source.size() && i < target.size(); ++i) d.map_[source[i]] = target[i];
  return d;
}

std::string WordDictionary::translate(const std::string& text) const {
  std::string out;
  for (const std::string& w : words_of(text)) {
    auto it = map_.find(w);
    out += (out.empty() ? "" : " ") + (it == map_.end() ? w : it->second);
  }
  return out;
}

std::vector<std::string> WordDictionary::sources() const {
  std::vector<std::string> s;
  for (const auto& [k, v] : map_) s.push_back(k);
  std::sort(s.begin(), s.end());
  return s;
}

std::vector<std::string> WordDictionary::targets() const {
  std::vector<std::string> out;
  for (const std::string& s : sources()) out.push_back(map_.at(s));
  return out;
}

}  // namespace maas::seq2seq

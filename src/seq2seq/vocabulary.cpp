#include "seq2seq/vocabulary.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <queue>
#include <set>

namespace maas::seq2seq {
namespace {

constexpr std::string_view kWordMark = "\xE2\x96\x81";  // U+2581 "▁"
const char* const kSpecials[] = {"<pad>", "<unk>", "<s>", "</s>"};
constexpr int32_t kUnkId = 1, kEosId = 3, kFirstPiece = 4;

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }
// Letters, digits and every non-ASCII character form runs; other ASCII marks stand alone.
bool is_word_byte(unsigned char c) { return c >= 0x80 || std::isalnum(c); }
uint64_t pair_key(int32_t a, int32_t b) { return static_cast<uint64_t>(a) << 32 | static_cast<uint32_t>(b); }

}  // namespace

std::vector<std::string_view> utf8_chars(std::string_view s) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < s.size()) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 1;
    if (i + n > s.size()) n = 1;
    for (size_t k = 1; k < n; ++k)
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) n = 1;
    out.push_back(s.substr(i, n));
    i += n;
  }
  return out;
}

std::vector<TextRun> split_runs(std::string_view text) {
  std::vector<TextRun> runs;
  size_t i = 0;
  bool word_start = true;
  while (i < text.size()) {
    if (is_space(text[i])) {
      word_start = true;
      ++i;
      continue;
    }
    size_t j = i + 1;
    if (is_word_byte(static_cast<unsigned char>(text[i])))
      while (j < text.size() && is_word_byte(static_cast<unsigned char>(text[j]))) ++j;
    runs.push_back({text.substr(i, j - i), word_start});
    word_start = false;
    i = j;
  }
  return runs;
}

// A run's characters as strings, the first with the word mark when it starts a word.
static std::vector<std::string> run_symbols(const TextRun& run) {
  std::vector<std::string> out;
  for (std::string_view c : utf8_chars(run.text)) out.emplace_back(c);
  if (run.word_start && !out.empty()) out.insert(out.begin(), std::string(kWordMark));
  return out;
}

Vocabulary Vocabulary::train(const std::vector<std::string>& texts, int64_t size, bool subwords) {
  // Distinct runs with their counts (std::map: a deterministic order).
  std::map<std::pair<std::string, bool>, int64_t> run_counts;
  for (const std::string& t : texts)
    for (const TextRun& r : split_runs(t)) ++run_counts[{std::string(r.text), r.word_start}];
  std::map<std::string, int64_t> char_counts;
  for (const auto& [run, count] : run_counts)
    for (const std::string& c : run_symbols({run.first, run.second})) char_counts[c] += count;

  Vocabulary v;
  for (const char* s : kSpecials) v.pieces_.emplace_back(s);
  std::vector<std::pair<std::string, int64_t>> chars(char_counts.begin(), char_counts.end());
  std::stable_sort(chars.begin(), chars.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  for (const auto& [c, count] : chars) {
    if (v.size() >= size) break;
    v.pieces_.push_back(c);
  }
  v.index();
  if (!subwords) return v;

  // Words as piece-id sequences; pair counts kept up to date as merges are applied.
  std::vector<std::vector<int32_t>> words;
  std::vector<int64_t> counts;
  for (const auto& [run, count] : run_counts) {
    std::vector<int32_t> ids;
    for (const std::string& c : run_symbols({run.first, run.second})) {
      auto it = v.id_of_.find(c);
      ids.push_back(it == v.id_of_.end() ? kUnkId : it->second);
    }
    words.push_back(std::move(ids));
    counts.push_back(count);
  }
  std::unordered_map<uint64_t, int64_t> pair_count;
  std::unordered_map<uint64_t, std::set<size_t>> where;  // pair -> words holding it
  std::set<uint64_t> touched;  // pairs whose count changed during one merge
  auto add_pairs = [&](size_t w, int64_t sign) {
    const std::vector<int32_t>& ids = words[w];
    for (size_t i = 0; i + 1 < ids.size(); ++i) {
      if (ids[i] == kUnkId || ids[i + 1] == kUnkId) continue;
      const uint64_t k = pair_key(ids[i], ids[i + 1]);
      pair_count[k] += sign * counts[w];
      if (sign > 0) where[k].insert(w);
      touched.insert(k);
    }
  };
  for (size_t w = 0; w < words.size(); ++w) add_pairs(w, +1);
  // Max-heap of (count, -key) with lazy deletion: an entry is current if its count matches.
  using Entry = std::pair<int64_t, int64_t>;
  std::priority_queue<Entry> heap;
  for (const auto& [k, c] : pair_count) heap.push({c, -static_cast<int64_t>(k)});
  while (v.size() < size && !heap.empty()) {
    const auto [count, neg_key] = heap.top();
    heap.pop();
    const uint64_t k = static_cast<uint64_t>(-neg_key);
    auto pc = pair_count.find(k);
    if (pc == pair_count.end() || pc->second != count) continue;  // stale
    if (count < 2) break;
    const int32_t a = static_cast<int32_t>(k >> 32), b = static_cast<int32_t>(k & 0xffffffffu);
    const std::string joined = v.pieces_[a] + v.pieces_[b];
    int32_t id;
    if (auto it = v.id_of_.find(joined); it != v.id_of_.end()) {
      id = it->second;  // the same string from another pair: no new piece
    } else {
      id = static_cast<int32_t>(v.pieces_.size());
      v.pieces_.push_back(joined);
      v.id_of_[joined] = id;
    }
    v.left_.push_back(a);
    v.right_.push_back(b);
    v.merge_of_[k] = {static_cast<int32_t>(v.left_.size() - 1), id};
    const std::set<size_t> affected = std::move(where[k]);
    where.erase(k);
    touched.clear();
    for (size_t w : affected) {
      add_pairs(w, -1);
      std::vector<int32_t>& ids = words[w];
      std::vector<int32_t> merged;
      for (size_t i = 0; i < ids.size(); ++i) {
        if (i + 1 < ids.size() && ids[i] == a && ids[i + 1] == b) {
          merged.push_back(id);
          ++i;
        } else {
          merged.push_back(ids[i]);
        }
      }
      ids.swap(merged);
      add_pairs(w, +1);
    }
    pair_count.erase(k);
    for (uint64_t t : touched)
      if (auto it = pair_count.find(t); it != pair_count.end() && it->second > 0)
        heap.push({it->second, -static_cast<int64_t>(t)});
  }
  return v;
}

Result<Vocabulary> Vocabulary::from_parts(std::vector<std::string> pieces, std::vector<int32_t> left,
                                          std::vector<int32_t> right) {
  if (pieces.size() < static_cast<size_t>(kFirstPiece))
    return invalid_argument("vocabulary has {} pieces, fewer than the 4 special ones", pieces.size());
  for (int i = 0; i < kFirstPiece; ++i)
    if (pieces[i] != kSpecials[i]) return invalid_argument("vocabulary piece {} is '{}', want '{}'", i, pieces[i], kSpecials[i]);
  if (left.size() != right.size()) return invalid_argument("vocabulary merges: {} left ids but {} right ids", left.size(), right.size());
  const int64_t n = static_cast<int64_t>(pieces.size());
  for (size_t i = 0; i < left.size(); ++i)
    if (left[i] < kFirstPiece || left[i] >= n || right[i] < kFirstPiece || right[i] >= n)
      return invalid_argument("vocabulary merge {} refers to a piece outside 4..{}", i, n - 1);
  Vocabulary v;
  v.pieces_ = std::move(pieces);
  v.left_ = std::move(left);
  v.right_ = std::move(right);
  v.index();
  for (size_t i = 0; i < v.left_.size(); ++i) {
    auto it = v.id_of_.find(v.pieces_[v.left_[i]] + v.pieces_[v.right_[i]]);
    if (it == v.id_of_.end()) return invalid_argument("vocabulary merge {} makes a piece not in the vocabulary", i);
    v.merge_of_.emplace(pair_key(v.left_[i], v.right_[i]), std::make_pair(static_cast<int32_t>(i), it->second));
  }
  return v;
}

void Vocabulary::index() {
  id_of_.clear();
  for (size_t i = kFirstPiece; i < pieces_.size(); ++i) id_of_.emplace(pieces_[i], static_cast<int32_t>(i));
}

std::vector<int32_t> Vocabulary::encode_run(std::string_view run, bool word_start) const {
  std::vector<int32_t> ids;
  for (const std::string& c : run_symbols({run, word_start})) {
    auto it = id_of_.find(c);
    ids.push_back(it == id_of_.end() ? kUnkId : it->second);
  }
  // Apply the lowest-ranked merge present until none applies.
  for (;;) {
    int32_t best_rank = -1, best_piece = 0;
    for (size_t i = 0; i + 1 < ids.size(); ++i) {
      auto it = merge_of_.find(pair_key(ids[i], ids[i + 1]));
      if (it != merge_of_.end() && (best_rank < 0 || it->second.first < best_rank)) {
        best_rank = it->second.first;
        best_piece = it->second.second;
      }
    }
    if (best_rank < 0) break;
    const int32_t a = left_[best_rank], b = right_[best_rank];
    std::vector<int32_t> merged;
    for (size_t i = 0; i < ids.size(); ++i) {
      if (i + 1 < ids.size() && ids[i] == a && ids[i + 1] == b) {
        merged.push_back(best_piece);
        ++i;
      } else {
        merged.push_back(ids[i]);
      }
    }
    ids.swap(merged);
  }
  return ids;
}

std::vector<int32_t> Vocabulary::encode(std::string_view text) const {
  std::vector<int32_t> out;
  for (const TextRun& r : split_runs(text)) {
    std::vector<int32_t> ids = encode_run(r.text, r.word_start);
    out.insert(out.end(), ids.begin(), ids.end());
  }
  return out;
}

std::string Vocabulary::decode(const std::vector<int32_t>& ids) const {
  std::string out;
  for (int32_t id : ids) {
    if (id == kEosId) break;
    if (id < kFirstPiece || id >= size()) continue;
    out += pieces_[static_cast<size_t>(id)];
  }
  std::string text;
  size_t i = 0;
  while (i < out.size()) {
    if (out.compare(i, kWordMark.size(), kWordMark) == 0) {
      if (!text.empty()) text += ' ';
      i += kWordMark.size();
    } else {
      text += out[i++];
    }
  }
  return text;
}

}  // namespace maas::seq2seq

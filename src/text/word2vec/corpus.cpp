#include "text/word2vec/corpus.h"

#include <algorithm>
#include <numeric>

#include "core/files.h"
#include "text/word2vec/word_vectors.h"

namespace maas::text::word2vec {
namespace {

// The 1-based line of byte offset `pos`.
int64_t line_of(std::string_view text, size_t pos) {
  return 1 + std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(pos), '\n');
}

// Offset of the first byte that does not belong to valid UTF-8, or npos.
size_t first_invalid_utf8(std::string_view text) {
  if (is_valid_utf8(text)) return std::string_view::npos;
  size_t lo = 0, hi = text.size();  // the prefix [0, lo) is valid, [0, hi) is not
  while (hi - lo > 1) {
    const size_t mid = lo + (hi - lo) / 2;
    // A prefix may end inside a character; allow up to 3 bytes of it.
    bool ok = false;
    for (size_t cut = 0; cut <= 3 && cut <= mid && !ok; ++cut) ok = is_valid_utf8(text.substr(0, mid - cut));
    (ok ? lo : hi) = mid;
  }
  return lo;
}

}  // namespace

Result<Corpus> make_corpus(std::string_view raw, const TokenizeRules& rules, int64_t min_count) {
  if (size_t bad = first_invalid_utf8(raw); bad != std::string_view::npos)
    return invalid_argument("line {}: the text is not valid UTF-8", line_of(raw, bad));
  const std::string text = prepare_text(raw, rules);

  // One pass: provisional ids in order of first appearance, their counts, the id stream.
  WordIndex first_seen;
  std::vector<std::string_view> seen_words;
  std::vector<int64_t> seen_counts;
  std::vector<int32_t> stream;
  std::vector<int64_t> line_ends;  // stream positions where lines end
  stream.reserve(text.size() / 5);
  for_each_word(
      text, rules,
      [&](std::string_view w) {
        auto it = first_seen.find(w);
        int32_t id;
        if (it == first_seen.end()) {
          id = static_cast<int32_t>(seen_words.size());
          first_seen.emplace(std::string(w), id);
          seen_words.push_back(w);
          seen_counts.push_back(0);
        } else {
          id = it->second;
        }
        ++seen_counts[static_cast<size_t>(id)];
        stream.push_back(id);
      },
      [&] { line_ends.push_back(static_cast<int64_t>(stream.size())); });

  // The vocabulary: words seen min_count times, most frequent first (ties by word).
  std::vector<int32_t> kept;
  for (size_t i = 0; i < seen_words.size(); ++i)
    if (seen_counts[i] >= min_count) kept.push_back(static_cast<int32_t>(i));
  std::sort(kept.begin(), kept.end(), [&](int32_t a, int32_t b) {
    return seen_counts[a] != seen_counts[b] ? seen_counts[a] > seen_counts[b] : seen_words[a] < seen_words[b];
  });
  std::vector<int32_t> final_id(seen_words.size(), -1);
  Corpus c;
  c.words_read = static_cast<int64_t>(stream.size());
  for (size_t r = 0; r < kept.size(); ++r) {
    final_id[static_cast<size_t>(kept[r])] = static_cast<int32_t>(r);
    c.words.emplace_back(seen_words[static_cast<size_t>(kept[r])]);
    c.counts.push_back(seen_counts[static_cast<size_t>(kept[r])]);
  }

  // The id stream without out-of-vocabulary words, cut into lines.
  c.tokens.reserve(stream.size());
  c.line_starts.push_back(0);
  size_t next_end = 0;
  int64_t line_start = 0;
  for (size_t p = 0; p <= stream.size(); ++p) {
    while (next_end < line_ends.size() && line_ends[next_end] == static_cast<int64_t>(p)) {
      if (static_cast<int64_t>(c.tokens.size()) > line_start) {
        c.line_starts.push_back(static_cast<int64_t>(c.tokens.size()));
        line_start = static_cast<int64_t>(c.tokens.size());
      }
      ++next_end;
    }
    if (p == stream.size()) break;
    const int32_t id = final_id[static_cast<size_t>(stream[p])];
    if (id < 0) continue;
    c.tokens.push_back(id);
    if (static_cast<int64_t>(c.tokens.size()) - line_start == Corpus::kMaxLineWords) {
      c.line_starts.push_back(static_cast<int64_t>(c.tokens.size()));
      line_start = static_cast<int64_t>(c.tokens.size());
    }
  }
  if (c.line_starts.back() != static_cast<int64_t>(c.tokens.size()))
    c.line_starts.push_back(static_cast<int64_t>(c.tokens.size()));
  if (c.words.empty())
    return invalid_argument("no word occurs at least {} times (min_count) in {} words of text", min_count,
                            c.words_read);
  return c;
}

Result<Corpus> read_corpus(const std::string& path, const TokenizeRules& rules, int64_t min_count) {
  MAAS_ASSIGN_OR_RETURN(std::string text, read_file(path));
  Result<Corpus> c = make_corpus(text, rules, min_count);
  if (!c.is_ok()) return c.status().with_context(path);
  return c;
}

}  // namespace maas::text::word2vec

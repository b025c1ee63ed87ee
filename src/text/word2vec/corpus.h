// A training corpus as word ids: the vocabulary (words seen at least min_count times,
// most frequent first), and the text as ids split into lines (a newline ends one; long
// lines are cut every kMaxLineWords words). Words outside the vocabulary are dropped.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"
#include "text/word2vec/tokenize.h"

namespace maas::text::word2vec {

struct Corpus {
  static constexpr int64_t kMaxLineWords = 1024;

  std::vector<std::string> words;   // the vocabulary
  std::vector<int64_t> counts;      // per word
  std::vector<int32_t> tokens;      // the corpus, in-vocabulary words only
  std::vector<int64_t> line_starts; // index into tokens of each line's first word, then tokens.size()
  int64_t words_read = 0;           // every word of the file, in the vocabulary or not

  int64_t lines() const { return static_cast<int64_t>(line_starts.size()) - 1; }
};

// Reads a UTF-8 text file (an error names the first invalid byte's line).
Result<Corpus> read_corpus(const std::string& path, const TokenizeRules& rules, int64_t min_count);
// The same from text in memory.
Result<Corpus> make_corpus(std::string_view text, const TokenizeRules& rules, int64_t min_count);

}  // namespace maas::text::word2vec

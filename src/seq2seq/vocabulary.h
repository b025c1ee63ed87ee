// Subword vocabulary: byte-pair encoding learnt from the training text (Sennrich et al.
// 2016) over UTF-8 characters, with SentencePiece's "▁" marking where a word starts.
// Text is split into units at whitespace, and each unit into runs of letters/digits
// and single punctuation marks; merges never cross a run. With no merges it is a
// character vocabulary. Ids 0..3 are <pad>, <unk>, <s>, </s>.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/status.h"

namespace maas::seq2seq {

class Vocabulary {
 public:
  // The most frequent characters (up to `size` pieces), then merges of the most
  // frequent adjacent pair until there are `size` pieces or no pair occurs twice.
  static Vocabulary train(const std::vector<std::string>& texts, int64_t size, bool subwords);
  // From stored pieces and merges (merge i joins pieces left[i] and right[i]).
  static Result<Vocabulary> from_parts(std::vector<std::string> pieces, std::vector<int32_t> left,
                                       std::vector<int32_t> right);

  std::vector<int32_t> encode(std::string_view text) const;
  std::string decode(const std::vector<int32_t>& ids) const;  // stops at </s>, skips specials
  // A piece as text for display (alignment tokens): "▁" shown as is.
  const std::string& piece(int32_t id) const { return pieces_[static_cast<size_t>(id)]; }
  int64_t size() const { return static_cast<int64_t>(pieces_.size()); }

  const std::vector<std::string>& pieces() const { return pieces_; }
  const std::vector<int32_t>& merge_left() const { return left_; }
  const std::vector<int32_t>& merge_right() const { return right_; }

 private:
  void index();
  std::vector<int32_t> encode_run(std::string_view run, bool word_start) const;

  std::vector<std::string> pieces_;
  std::vector<int32_t> left_, right_;  // merges in the order learnt (rank)
  std::unordered_map<std::string, int32_t> id_of_;
  std::unordered_map<uint64_t, std::pair<int32_t, int32_t>> merge_of_;  // (left,right) -> (rank, piece)
};

// Splits text into runs: {text, starts_word}. Exposed for the tests.
struct TextRun {
  std::string_view text;
  bool word_start = false;
};
std::vector<TextRun> split_runs(std::string_view text);
// UTF-8 characters of s (invalid bytes are single characters).
std::vector<std::string_view> utf8_chars(std::string_view s);

}  // namespace maas::seq2seq

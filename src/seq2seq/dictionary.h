// The word-by-word baseline: each source word's most frequently aligned target word,
// learnt from the training pairs. Words are sacreBLEU 13a tokens; alignments are the
// Viterbi alignments of IBM Model 1 (Brown et al. 1993) after a few EM iterations (the
// 5,000 most frequent words on each side and the first 50 words of a sentence take part;
// others stay unaligned). A word not in the dictionary is copied.
#pragma once

#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace maas::seq2seq {

class WordDictionary {
 public:
  static WordDictionary learn(const std::vector<std::pair<std::string, std::string>>& pairs, int iterations = 4);
  static WordDictionary from_entries(const std::vector<std::string>& source, const std::vector<std::string>& target);

  std::string translate(const std::string& text) const;

  // Entries sorted by source word (for the artifact).
  std::vector<std::string> sources() const;
  std::vector<std::string> targets() const;
  size_t size() const { return map_.size(); }

 private:
  std::unordered_map<std::string, std::string> map_;
};

}  // namespace maas::seq2seq

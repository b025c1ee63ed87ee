// An open-addressing hash index from strings to their positions in a vector of strings
// the caller owns (the vocabulary, the merge list). No per-key allocation: it stores
// only positions and hashes, so building it over 150k strings takes a few milliseconds.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace maas::llm {

class StringIndex {
 public:
  StringIndex() = default;
  explicit StringIndex(size_t expected_keys);

  // Adds keys[pos]; returns the position already holding an equal string (and keeps
  // that one), or -1.
  int32_t add(const std::vector<std::string>& keys, int32_t pos);
  // Position of `key` in `keys`, or -1.
  int32_t find(const std::vector<std::string>& keys, std::string_view key) const;

 private:
  struct Slot {
    uint32_t hash = 0;
    int32_t pos = -1;
  };
  static uint32_t hash_of(std::string_view s);
  void grow();

  std::vector<Slot> slots_;
  size_t used_ = 0;
};

}  // namespace maas::llm

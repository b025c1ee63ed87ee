#include "llm/tokenizer/string_index.h"

namespace maas::llm {
namespace {

size_t capacity_for(size_t keys) {
  size_t cap = 16;
  while (cap < keys * 2) cap *= 2;  // load factor at most 1/2
  return cap;
}

}  // namespace

StringIndex::StringIndex(size_t expected_keys) : slots_(capacity_for(expected_keys)) {}

uint32_t StringIndex::hash_of(std::string_view s) {
  // FNV-1a, 32 bit: short keys (tokens) hash fast and well enough with linear probing.
  uint32_t h = 2166136261u;
  for (unsigned char c : s) h = (h ^ c) * 16777619u;
  // Final avalanche (MurmurHash3's fmix32) so the low bits used for the slot are mixed.
  h ^= h >> 16;
  h *= 0x85ebca6bu;
  h ^= h >> 13;
  h *= 0xc2b2ae35u;
  h ^= h >> 16;
  return h;
}

void StringIndex::grow() {
  std::vector<Slot> old;
  old.swap(slots_);
  slots_.assign(capacity_for(used_ + 1), Slot{});
  const size_t mask = slots_.size() - 1;
  for (const Slot& s : old) {
    if (s.pos < 0) continue;
    size_t i = s.hash & mask;
    while (slots_[i].pos >= 0) i = (i + 1) & mask;
    slots_[i] = s;
  }
}

int32_t StringIndex::add(const std::vector<std::string>& keys, int32_t pos) {
  if (slots_.empty() || (used_ + 1) * 2 > slots_.size()) grow();
  const std::string_view key = keys[static_cast<size_t>(pos)];
  const uint32_t h = hash_of(key);
  const size_t mask = slots_.size() - 1;
  size_t i = h & mask;
  for (; slots_[i].pos >= 0; i = (i + 1) & mask)
    if (slots_[i].hash == h && keys[static_cast<size_t>(slots_[i].pos)] == key) return slots_[i].pos;
  slots_[i] = Slot{h, pos};
  ++used_;
  return -1;
}

int32_t StringIndex::find(const std::vector<std::string>& keys, std::string_view key) const {
  if (slots_.empty()) return -1;
  const uint32_t h = hash_of(key);
  const size_t mask = slots_.size() - 1;
  for (size_t i = h & mask; slots_[i].pos >= 0; i = (i + 1) & mask)
    if (slots_[i].hash == h && keys[static_cast<size_t>(slots_[i].pos)] == key) return slots_[i].pos;
  return -1;
}

}  // namespace maas::llm

#include "tensor/quant/packed.h"

#include <cstring>

#include "tensor/quant/blocks.h"

namespace maas::tensor {

bool has_packed_layout(DType type) { return type == DType::kQ4_0; }

PackedShape packed_shape(DType type, int64_t rows, int64_t cols) {
  if (!has_packed_layout(type)) return {0, 0, 0};
  PackedShape s;
  s.groups = (rows + kPackRows - 1) / kPackRows;
  s.pairs = (cols / kQK + 1) / 2;
  s.group_bytes = size_t(s.pairs) * sizeof(PackedQ4_0Pair);
  return s;
}

size_t packed_bytes(DType type, int64_t rows, int64_t cols) {
  const PackedShape s = packed_shape(type, rows, cols);
  return size_t(s.groups) * s.group_bytes;
}

void pack_groups(const void* w, DType type, int64_t rows, int64_t cols, int64_t g0, int64_t g1, void* out) {
  const PackedShape s = packed_shape(type, rows, cols);
  const int64_t blocks = cols / kQK;
  const auto* src = static_cast<const BlockQ4_0*>(w);
  for (int64_t g = g0; g < g1; ++g) {
    auto* pairs = reinterpret_cast<PackedQ4_0Pair*>(static_cast<uint8_t*>(out) + size_t(g) * s.group_bytes);
    std::memset(pairs, 0, s.group_bytes);
    for (int i = 0; i < kPackRows; ++i) {
      const int64_t r = g * kPackRows + i;
      if (r >= rows) break;
      for (int64_t b = 0; b < blocks; ++b) {
        const BlockQ4_0& blk = src[r * blocks + b];
        PackedQ4_0Pair& p = pairs[b / 2];
        const int h = int(b % 2);
        p.d[h][i] = blk.d;
        for (int k = 0; k < 4; ++k) std::memcpy(&p.qs[h][k][4 * i], blk.qs + 4 * k, 4);
      }
    }
  }
}

}  // namespace maas::tensor

#include "tensor/quant/packed.h"

#include <cstring>

#include "tensor/quant/blocks.h"

namespace maas::tensor {

bool has_packed_layout(DType type) {
  return type == DType::kQ4_0 || type == DType::kQ8_0 || type == DType::kQ4_K;
}

PackedShape packed_shape(DType type, int64_t rows, int64_t cols) {
  if (!has_packed_layout(type)) return {0, 0, 0};
  PackedShape s;
  s.groups = (rows + kPackRows - 1) / kPackRows;
  if (type == DType::kQ4_K) {
    s.units = cols / kQKK;
    s.group_bytes = size_t(s.units) * sizeof(PackedQ4_KBlock);
    return s;
  }
  s.units = (cols / kQK + 1) / 2;
  s.group_bytes = size_t(s.units) * (type == DType::kQ4_0 ? sizeof(PackedQ4_0Pair) : sizeof(PackedQ8_0Pair));
  return s;
}

size_t packed_bytes(DType type, int64_t rows, int64_t cols) {
  const PackedShape s = packed_shape(type, rows, cols);
  return size_t(s.groups) * s.group_bytes;
}

namespace {

// Q4_0: the 16 qs bytes of a block, 4 per vector (each byte two elements).
void pack_block(const BlockQ4_0& blk, int h, int i, PackedQ4_0Pair& p) {
  p.d[h][i] = blk.d;
  for (int k = 0; k < 4; ++k) std::memcpy(&p.qs[h][k][4 * i], blk.qs + 4 * k, 4);
}

// Q8_0: the 32 quants of a block plus 128, 4 per vector.
void pack_block(const BlockQ8_0& blk, int h, int i, PackedQ8_0Pair& p) {
  p.d[h][i] = blk.d;
  for (int k = 0; k < 8; ++k)
    for (int j = 0; j < 4; ++j) p.qs[h][k][4 * i + j] = static_cast<uint8_t>(blk.qs[4 * k + j] + 128);
}

// Q4_K: one super-block of row i (a unit holds one; h is always 0).
void pack_block(const BlockQ4_K& blk, int /*h*/, int i, PackedQ4_KBlock& p) {
  p.d[i] = blk.d;
  p.dmin[i] = blk.dmin;
  for (int s = 0; s < 8; ++s) unpack_q4_k_scale(blk.scales, s, &p.sc[s][i], &p.m[s][i]);
  for (int c = 0; c < 4; ++c)
    for (int k = 0; k < 8; ++k) std::memcpy(&p.qs[c][k][4 * i], blk.qs + 32 * c + 4 * k, 4);
}

// Row groups [g0, g1): each row's blocks go to unit b / kPerUnit, half b % kPerUnit.
template <typename Block, typename Unit, int kPerUnit>
void pack_groups_of(const void* w, int64_t rows, int64_t cols, int64_t block_size, const PackedShape& s, int64_t g0,
                    int64_t g1, void* out) {
  const int64_t blocks = cols / block_size;
  const auto* src = static_cast<const Block*>(w);
  for (int64_t g = g0; g < g1; ++g) {
    auto* units = reinterpret_cast<Unit*>(static_cast<uint8_t*>(out) + size_t(g) * s.group_bytes);
    std::memset(units, 0, s.group_bytes);
    for (int i = 0; i < kPackRows && g * kPackRows + i < rows; ++i) {
      const int64_t r = g * kPackRows + i;
      for (int64_t b = 0; b < blocks; ++b) pack_block(src[r * blocks + b], int(b % kPerUnit), i, units[b / kPerUnit]);
    }
  }
}

}  // namespace

void pack_groups(const void* w, DType type, int64_t rows, int64_t cols, int64_t g0, int64_t g1, void* out) {
  const PackedShape s = packed_shape(type, rows, cols);
  if (type == DType::kQ4_0) pack_groups_of<BlockQ4_0, PackedQ4_0Pair, 2>(w, rows, cols, kQK, s, g0, g1, out);
  if (type == DType::kQ8_0) pack_groups_of<BlockQ8_0, PackedQ8_0Pair, 2>(w, rows, cols, kQK, s, g0, g1, out);
  if (type == DType::kQ4_K) pack_groups_of<BlockQ4_K, PackedQ4_KBlock, 1>(w, rows, cols, kQKK, s, g0, g1, out);
}

}  // namespace maas::tensor

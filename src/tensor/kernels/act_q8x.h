// Q8X: the activation row format of the SIMD Q4_0 / Q8_0 kernels (AVX2 and AVX-512).
// Blocks of 32 int8 quants like Q8_0, but laid out for vector loads: all quants first
// (64-byte aligned, zero padded to whole block pairs), then per block pair 16 floats
// [d_b x8, d_b+1 x8] and 16 int32 [-sum_b x8, -sum_b+1 x8] (sum = sum of the quants),
// so a kernel loads a pair's scales and sum corrections lane-aligned with its int32
// partial sums (8 lanes of 4 products per block). A missing last block of a pair has
// zero quants, d = 0 and sum = 0. The AVX-512 Q4_0 kernels use a variant with the same
// offsets ("split", see quantize_q8x in x86_avx512.cpp): a pair's quants ordered
// [b 0-15, b+1 0-15, b 16-31, b+1 16-31] to match Q4_0's nibbles, its lanes
// [b x4, b+1 x4, b x4, b+1 x4].
#pragma once

#include <cstddef>
#include <cstdint>

namespace maas::tensor {

struct Q8xLayout {
  int64_t blocks;     // cols / 32
  int64_t pairs;      // ceil(blocks / 2)
  size_t d_offset;    // bytes from the row start to the first pair's 16 scales
  size_t sum_offset;  // to the first pair's 16 negated sums
  size_t row_bytes;
};

inline Q8xLayout q8x_layout(int64_t cols) {
  Q8xLayout l;
  l.blocks = cols / 32;
  l.pairs = (l.blocks + 1) / 2;
  l.d_offset = size_t(l.pairs) * 64;
  l.sum_offset = l.d_offset + size_t(l.pairs) * 64;
  l.row_bytes = l.sum_offset + size_t(l.pairs) * 64;
  return l;
}

inline size_t q8x_row_bytes(int64_t cols) { return q8x_layout(cols).row_bytes; }

}  // namespace maas::tensor

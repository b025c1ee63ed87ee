// Packed weights: a second layout of a Q4_0 or Q8_0 matrix, interleaving 16 rows, that
// the matmul kernels read with whole-vector loads for any number of tokens (one vector
// op covers 16 rows x 4 elements). Weights are packed once when a model loads; the
// packed copy has the same size as the original (4.5 / 8.5 bits per weight).
//
// Layout ("Q4_0x16"): row groups of 16 rows (the last one padded with zero rows), each
// a run of block pairs (the last pair padded with a zero block). One pair is 576 bytes,
// 64-byte aligned:
//   qs[h][k][4 i + j]  (h < 2, k < 4, i < 16, j < 4) = byte 4 k + j of the qs of block
//                      2 p + h of row i: its low nibble is element 4 k + j, its high
//                      nibble element 16 + 4 k + j (Q4_0's own nibble order)
//   d[h][i]            = fp16 scale of block 2 p + h of row i
// Padding has zero quants and zero scales, so it adds nothing to a dot product.
//
// "Q4_Kx16" interleaves the 16 rows super-block by super-block (256 elements):
//   qs[c][k][4 i + j]  (c < 4, k < 8) = byte 32 c + 4 k + j of the qs of row i: its low
//                      nibble is element 4 k + j of sub-block 2 c, its high nibble of
//                      sub-block 2 c + 1 (Q4_K's own order)
//   sc[s][i], m[s][i]  = the 6-bit scale and min of sub-block s of row i (unpacked)
//   d[i], dmin[i]      = row i's fp16 super-block scales
// 2368 bytes per 16 x 256 weights (4.6 bits per weight, Q4_K has 4.5); padding rows
// have zero scales.
//
// "Q8_0x16" is the same as Q4_0x16 with whole bytes: qs[h][k][4 i + j] (k < 8) = element 4 k + j
// of block 2 p + h of row i plus 128 (unsigned; the kernels subtract 128 sum x), 1088
// bytes a pair.
#pragma once

#include <cstddef>
#include <cstdint>

#include "tensor/dtype.h"

namespace maas::tensor {

constexpr int kPackRows = 16;

struct PackedQ4_0Pair {
  uint8_t qs[2][4][64];
  uint16_t d[2][16];
};
static_assert(sizeof(PackedQ4_0Pair) == 576);

struct PackedQ4_KBlock {
  uint8_t qs[4][8][64];
  uint8_t sc[8][16];
  uint8_t m[8][16];
  uint16_t d[16];
  uint16_t dmin[16];
};
static_assert(sizeof(PackedQ4_KBlock) == 2368);

struct PackedQ8_0Pair {
  uint8_t qs[2][8][64];
  uint16_t d[2][16];
};
static_assert(sizeof(PackedQ8_0Pair) == 1088);

struct PackedShape {
  int64_t groups;  // ceil(rows / 16)
  int64_t units;   // per group: block pairs (ceil(cols / 64)) or super-blocks (Q4_K)
  size_t group_bytes;
};

// Whether `type` has a packed layout (Q4_0, Q8_0, Q4_K).
bool has_packed_layout(DType type);
PackedShape packed_shape(DType type, int64_t rows, int64_t cols);
// Bytes of the packed copy of a rows x cols matrix of `type` (0: no packed layout).
size_t packed_bytes(DType type, int64_t rows, int64_t cols);
// Packs row groups [g0, g1) of the row-major matrix `w` (rows x cols of `type`) into
// `out`, the start of the whole packed matrix.
void pack_groups(const void* w, DType type, int64_t rows, int64_t cols, int64_t g0, int64_t g1, void* out);

}  // namespace maas::tensor

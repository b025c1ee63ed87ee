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
// "Q8_0x16" is the same with whole bytes: qs[h][k][4 i + j] (k < 8) = element 4 k + j
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

struct PackedQ8_0Pair {
  uint8_t qs[2][8][64];
  uint16_t d[2][16];
};
static_assert(sizeof(PackedQ8_0Pair) == 1088);

struct PackedShape {
  int64_t groups;  // ceil(rows / 16)
  int64_t pairs;   // block pairs per group: ceil(cols / 64)
  size_t group_bytes;
};

// Whether `type` has a packed layout (Q4_0, Q8_0).
bool has_packed_layout(DType type);
PackedShape packed_shape(DType type, int64_t rows, int64_t cols);
// Bytes of the packed copy of a rows x cols matrix of `type` (0: no packed layout).
size_t packed_bytes(DType type, int64_t rows, int64_t cols);
// Packs row groups [g0, g1) of the row-major matrix `w` (rows x cols of `type`) into
// `out`, the start of the whole packed matrix.
void pack_groups(const void* w, DType type, int64_t rows, int64_t cols, int64_t g0, int64_t g1, void* out);

}  // namespace maas::tensor

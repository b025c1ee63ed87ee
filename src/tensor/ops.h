// Numeric kernels the model code calls. Implementations pick the best kernel for the
// CPU once at start-up (tensor/kernels/*); the scalar reference lives beside them.
#pragma once

#include <cstddef>
#include <cstdint>

#include "tensor/dtype.h"

namespace maas::tensor {

class ThreadPool;

// A weight matrix as stored in the file: `rows` rows of `cols` elements each, row-major,
// every row `row_bytes(type, cols)` bytes. (GGUF dims = {cols, rows}.)
struct Matrix {
  const void* data = nullptr;
  DType type = DType::kF32;
  int64_t rows = 0;
  int64_t cols = 0;
  // Optional: the same weights in the packed layout (tensor/quant/packed.h, made by
  // pack_matrix); matmul reads it instead of `data` when the active kernels can.
  const void* packed = nullptr;
};

// y[t][r] = sum_c W[r][c] * x[t][c] for t < n_tokens: x is n_tokens x cols (row-major),
// y is n_tokens x rows. Quantized W is multiplied block by block against x quantized
// on the fly (int8 dot products); it is never dequantized into a float copy.
// Work is split over `pool` by rows.
void matmul(const Matrix& w, const float* x, int64_t n_tokens, float* y, ThreadPool& pool);

// Bytes of the packed copy of `w` that matmul would use with the active kernels, or 0
// when there is none (type without a packed layout, or kernels that do not read it).
size_t matmul_packed_bytes(const Matrix& w);
// Writes the packed copy of `w` to `out` (matmul_packed_bytes(w) bytes, 64-byte aligned).
void pack_matrix(const Matrix& w, void* out, ThreadPool& pool);

// Several matrices applied to the same activations (Q, K and V; gate and up): y_i =
// W_i x for each target, x converted once per activation format and all the rows split
// over the pool in one call. Up to kMaxMatmulTargets matrices with x's width as cols.
struct MatmulTarget {
  const Matrix* w;
  float* y;  // n_tokens x w->rows
};
inline constexpr size_t kMaxMatmulTargets = 4;
void matmul_shared_input(const MatmulTarget* targets, size_t n_targets, const float* x, int64_t n_tokens,
                         ThreadPool& pool);

// Row `row` of `w` as floats (embedding lookup).
void dequantize_row(const Matrix& w, int64_t row, float* out);
// Converts n floats to `type` (n a multiple of its block size); used by `maas quantize`.
void quantize_row(const float* x, DType type, int64_t n, void* out);
void dequantize(const void* src, DType type, int64_t n, float* out);

// Whether matmul has a kernel for weights of `type` (check once when loading a model;
// matmul on an unsupported type is a programming error and aborts).
bool matmul_supports(DType type);

// --- F32 vector helpers of the forward pass (vectorised; `out` may alias an input) ---

// out = x / sqrt(mean(x^2) + eps) * weight (weight may be nullptr: no scaling).
void rmsnorm(const float* x, const float* weight, int64_t n, float eps, float* out);
// x = softmax(x), in place, numerically stable.
void softmax(float* x, int64_t n);
// out = silu(gate) * up (SwiGLU), silu(g) = g / (1 + exp(-g)).
void silu_mul(const float* gate, const float* up, int64_t n, float* out);
void add(const float* a, const float* b, int64_t n, float* out);   // out = a + b
void mul(const float* a, const float* b, int64_t n, float* out);   // out = a * b
void scale(float* x, float s, int64_t n);                          // x *= s
float dot(const float* a, const float* b, int64_t n);
int64_t argmax(const float* x, int64_t n);  // first index of the largest value (n > 0)
void axpy(float a, const float* x, int64_t n, float* y);           // y += a * x
// One attention head: out = softmax(scale * K q) V over n positions whose key and value
// rows (hd floats each) are `stride` floats apart; score: n floats of scratch.
void attend(const float* q, const float* k, const float* v, int64_t n, int64_t hd, int64_t stride, float scale,
            float* score, float* out);

}  // namespace maas::tensor

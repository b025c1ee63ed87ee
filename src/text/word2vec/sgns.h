// The inner loops of skip-gram / CBOW with negative sampling, one table per instruction
// set (sgns_scalar.cpp, sgns_avx2.cpp, sgns_avx512.cpp), chosen with the tensor
// kernels' ISA (MAAS_KERNELS=scalar|avx2|avx512). Rows are `stride` floats, a multiple
// of 16 (word_vectors.h), so no loop has a tail.
#pragma once

#include <cstdint>

namespace maas::text::word2vec {

// sigmoid(x) and log(sigmoid(x)) from tables over [-kMax, kMax] (clamped outside).
struct SigmoidTable {
  static constexpr int kSize = 1024;
  static constexpr float kMax = 8.0f;
  float sigmoid[kSize + 1];
  float log_sigmoid[kSize + 1];

  SigmoidTable();  // out of line: nothing inline here is compiled for a wider ISA
};

struct SgnsKernels {
  // One input against its targets (targets[0] the true word, the rest negatives): for
  // each target row o of `out`: f = h.o, g = lr (label - sigmoid(f)), grad += g o,
  // o += g h. Returns the loss -sum log sigmoid(+-f).
  float (*step)(const float* h, float* grad, float* out, const int32_t* targets, int n_targets, int64_t stride,
                float lr, const SigmoidTable& table);
  // y += x.
  void (*add)(const float* x, float* y, int64_t stride);
  // h = the mean of rows `rows[0..n)` of `in`.
  void (*mean)(const float* in, const int32_t* rows, int n, int64_t stride, float* h);
  const char* isa;
};

// The table for the active tensor kernels' instruction set.
const SgnsKernels& sgns_kernels();

// Tables of each instruction set.
const SgnsKernels& sgns_scalar();
const SgnsKernels& sgns_avx2();
const SgnsKernels& sgns_avx512();

}  // namespace maas::text::word2vec

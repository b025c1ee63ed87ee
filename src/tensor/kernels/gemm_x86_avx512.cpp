// The AVX-512 GEMM micro-kernel: a 12 x 32 tile of C in 24 zmm accumulators; per k
// step two loads of B, twelve broadcasts of A, twenty-four FMAs.
#include <immintrin.h>

#include <cmath>

#include "tensor/kernels/gemm_kernels.h"

#pragma GCC target("avx512f,avx512vl,avx2,fma")

namespace maas::tensor {
namespace {

constexpr int64_t kMr = 12, kNr = 32;

inline __m512 combine(__m512 acc, __m512 alpha, float beta, const float* c) {
  if (beta == 0.0f) return _mm512_mul_ps(alpha, acc);
  return _mm512_fmadd_ps(alpha, acc, _mm512_mul_ps(_mm512_set1_ps(beta), _mm512_loadu_ps(c)));
}

void tile(int64_t kc, const float* ap, const float* bp, float* c, int64_t ldc, float alpha, float beta, int64_t rows,
          int64_t cols) {
  __m512 acc[kMr][2];
  #pragma GCC unroll 12
  for (int i = 0; i < kMr; ++i) acc[i][0] = acc[i][1] = _mm512_setzero_ps();
  for (int64_t p = 0; p < kc; ++p) {
    const __m512 b0 = _mm512_loadu_ps(bp + p * kNr);
    const __m512 b1 = _mm512_loadu_ps(bp + p * kNr + 16);
    #pragma GCC unroll 12
    for (int i = 0; i < kMr; ++i) {
      const __m512 a = _mm512_set1_ps(ap[p * kMr + i]);
      acc[i][0] = _mm512_fmadd_ps(a, b0, acc[i][0]);
      acc[i][1] = _mm512_fmadd_ps(a, b1, acc[i][1]);
    }
  }
  if (rows == kMr && cols == kNr) {
    const __m512 va = _mm512_set1_ps(alpha);
    #pragma GCC unroll 12
    for (int i = 0; i < kMr; ++i) {
      float* ci = c + i * ldc;
      _mm512_storeu_ps(ci, combine(acc[i][0], va, beta, ci));
      _mm512_storeu_ps(ci + 16, combine(acc[i][1], va, beta, ci + 16));
    }
    return;
  }
  // An edge tile: the same arithmetic, element by element.
  alignas(64) float t[kMr][kNr];
  for (int i = 0; i < kMr; ++i) {
    _mm512_store_ps(t[i], acc[i][0]);
    _mm512_store_ps(t[i] + 16, acc[i][1]);
  }
  for (int64_t i = 0; i < rows; ++i)
    for (int64_t j = 0; j < cols; ++j) {
      float& out = c[i * ldc + j];
      out = beta == 0.0f ? alpha * t[i][j] : std::fma(alpha, t[i][j], beta * out);
    }
}

}  // namespace

const GemmKernel& gemm_kernel_avx512() {
  static const GemmKernel k{kMr, kNr, tile};
  return k;
}

}  // namespace maas::tensor

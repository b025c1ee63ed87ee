// AVX2 + FMA sgns kernels (8 floats per register).
#include "text/word2vec/sgns.h"

#if defined(__x86_64__)
#pragma GCC target("avx2,fma")
#include <immintrin.h>
#endif

#include "text/word2vec/sgns_impl.h"

namespace maas::text::word2vec {

#if defined(__x86_64__)
namespace {

struct Avx2V {
  using reg = __m256;
  static constexpr int kWidth = 8;
  static reg load(const float* p) { return _mm256_loadu_ps(p); }
  static void store(float* p, reg v) { _mm256_storeu_ps(p, v); }
  static reg zero() { return _mm256_setzero_ps(); }
  static reg set1(float x) { return _mm256_set1_ps(x); }
  static reg add(reg a, reg b) { return _mm256_add_ps(a, b); }
  static reg mul(reg a, reg b) { return _mm256_mul_ps(a, b); }
  static reg fmadd(reg a, reg b, reg c) { return _mm256_fmadd_ps(a, b, c); }
  static float sum(reg a) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(a), _mm256_extractf128_ps(a, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
  }
};

}  // namespace

const SgnsKernels& sgns_avx2() {
  static const SgnsKernels k = sgns_table<Avx2V>("avx2");
  return k;
}
#else
const SgnsKernels& sgns_avx2() { return sgns_scalar(); }
#endif

}  // namespace maas::text::word2vec

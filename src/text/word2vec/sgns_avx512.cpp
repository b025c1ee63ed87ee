// AVX-512 sgns kernels (16 floats per register: one register per 16 dimensions).
#include "text/word2vec/sgns.h"

#if defined(__x86_64__)
#pragma GCC target("avx512f,avx2,fma")
#include <immintrin.h>
#endif

#include "text/word2vec/sgns_impl.h"

namespace maas::text::word2vec {

#if defined(__x86_64__)
namespace {

struct Avx512V {
  using reg = __m512;
  static constexpr int kWidth = 16;
  static reg load(const float* p) { return _mm512_loadu_ps(p); }
  static void store(float* p, reg v) { _mm512_storeu_ps(p, v); }
  static reg zero() { return _mm512_setzero_ps(); }
  static reg set1(float x) { return _mm512_set1_ps(x); }
  static reg add(reg a, reg b) { return _mm512_add_ps(a, b); }
  static reg mul(reg a, reg b) { return _mm512_mul_ps(a, b); }
  static reg fmadd(reg a, reg b, reg c) { return _mm512_fmadd_ps(a, b, c); }
  static float sum(reg a) {
    // The masked extracts: GCC 12's unmasked ones warn about their undefined fill.
    const __m512d d = _mm512_castps_pd(a);
    const __m256 s8 = _mm256_add_ps(_mm256_castpd_ps(_mm512_maskz_extractf64x4_pd(0xFF, d, 0)),
                                    _mm256_castpd_ps(_mm512_maskz_extractf64x4_pd(0xFF, d, 1)));
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(s8), _mm256_extractf128_ps(s8, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
  }
};

}  // namespace

const SgnsKernels& sgns_avx512() {
  static const SgnsKernels k = sgns_table<Avx512V>("avx512");
  return k;
}
#else
const SgnsKernels& sgns_avx512() { return sgns_scalar(); }
#endif

}  // namespace maas::text::word2vec

// AVX2 + FMA + F16C kernels (the fallback for x86 CPUs without AVX-512). Everything
// this file includes comes before the target pragma, so only the functions defined
// here use AVX2 instructions. Q4_K / Q6_K stay on the scalar reference here (so a Q4_0
// model's Q6_K output matrix bounds AVX2 decoding); Q4_0 has a packed kernel.
#include <immintrin.h>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "tensor/kernels/act_q8x.h"
#include "tensor/kernels/kernels.h"
#include "tensor/quant/blocks.h"
#include "tensor/quant/packed.h"

#pragma GCC target("avx2,fma,f16c,bmi2")

namespace maas::tensor {
namespace {

inline float hsum(__m256 v) {
  __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  s = _mm_add_ps(s, _mm_movehl_ps(s, s));
  s = _mm_add_ss(s, _mm_movehdup_ps(s));
  return _mm_cvtss_f32(s);
}
inline int32_t hsum_epi32(__m256i v) {
  __m128i s = _mm_add_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
  s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0x4E));
  s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0xB1));
  return _mm_cvtsi128_si32(s);
}
inline float hmax(__m256 v) {
  __m128 s = _mm_max_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  s = _mm_max_ps(s, _mm_movehl_ps(s, s));
  s = _mm_max_ss(s, _mm_movehdup_ps(s));
  return _mm_cvtss_f32(s);
}

// ---------------------------------------------------------------- activations (Q8X)

void quantize_q8x(const float* x, void* out, int64_t cols) {
  const Q8xLayout l = q8x_layout(cols);
  auto* row = static_cast<uint8_t*>(out);
  auto* qs = row;
  auto* d16 = reinterpret_cast<float*>(row + l.d_offset);
  auto* s16 = reinterpret_cast<int32_t*>(row + l.sum_offset);
  const __m256 sign = _mm256_set1_ps(-0.0f);
  for (int64_t b = 0; b < 2 * l.pairs; ++b) {
    float d = 0;
    int32_t sum = 0;
    if (b < l.blocks) {
      __m256 v[4];
      __m256 amax = _mm256_setzero_ps();
      #pragma GCC unroll 16
      for (int i = 0; i < 4; ++i) {
        v[i] = _mm256_loadu_ps(x + 32 * b + 8 * i);
        amax = _mm256_max_ps(amax, _mm256_andnot_ps(sign, v[i]));
      }
      d = hmax(amax) / 127.0f;
      const __m256 id = _mm256_set1_ps(d != 0 ? 1.0f / d : 0.0f);
      __m256i q[4];
      #pragma GCC unroll 16
      for (int i = 0; i < 4; ++i) q[i] = _mm256_cvtps_epi32(_mm256_mul_ps(v[i], id));
      sum = hsum_epi32(_mm256_add_epi32(_mm256_add_epi32(q[0], q[1]), _mm256_add_epi32(q[2], q[3])));
      // int32 -> int8 in order: packs interleave 128-bit lanes, a permute restores it
      const __m256i p16a = _mm256_packs_epi32(q[0], q[1]), p16b = _mm256_packs_epi32(q[2], q[3]);
      const __m256i p8 = _mm256_packs_epi16(p16a, p16b);
      const __m256i ordered = _mm256_permutevar8x32_epi32(p8, _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7));
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(qs + 32 * b), ordered);
    } else {
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(qs + 32 * b), _mm256_setzero_si256());
    }
    _mm256_storeu_ps(d16 + 8 * b, _mm256_set1_ps(d));
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(s16 + 8 * b), _mm256_set1_epi32(-sum));
  }
}

// ---------------------------------------------------------------- Q4_0 / Q8_0

// sum over block b of w * x as 8 int32 lanes (exact), plus the weight scale.
struct BlockDotQ4_0 {
  static __m256i dot(const uint8_t* row, int64_t b, __m256i xq, __m256i neg_sum, float* d) {
    const auto* w = reinterpret_cast<const BlockQ4_0*>(row) + b;
    *d = _cvtsh_ss(w->d);
    const __m128i q = _mm_loadu_si128(reinterpret_cast<const __m128i*>(w->qs));
    const __m128i m = _mm_set1_epi8(0x0F);
    const __m256i qu = _mm256_set_m128i(_mm_and_si128(_mm_srli_epi16(q, 4), m), _mm_and_si128(q, m));
    const __m256i p = _mm256_madd_epi16(_mm256_maddubs_epi16(qu, xq), _mm256_set1_epi16(1));
    return _mm256_add_epi32(p, neg_sum);  // sum (q - 8) x = sum q x - 8 sum x
  }
};
struct BlockDotQ8_0 {
  static __m256i dot(const uint8_t* row, int64_t b, __m256i xq, __m256i, float* d) {
    const auto* w = reinterpret_cast<const BlockQ8_0*>(row) + b;
    *d = _cvtsh_ss(w->d);
    const __m256i q = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(w->qs));
    // |w| * (x * sign(w)) keeps maddubs' unsigned operand non-negative
    const __m256i p = _mm256_maddubs_epi16(_mm256_sign_epi8(q, q), _mm256_sign_epi8(xq, q));
    return _mm256_madd_epi16(p, _mm256_set1_epi16(1));
  }
};

template <typename Dot, int T>
void q_row(const MatmulArgs& a, const Q8xLayout& l, int64_t r, int64_t t0) {
  const uint8_t* wrow = a.w + r * a.w_row_bytes;
  const uint8_t* x[T];
  __m256 acc[T];
  #pragma GCC unroll 16
  for (int t = 0; t < T; ++t) {
    x[t] = a.x + (t0 + t) * a.x_row_bytes;
    acc[t] = _mm256_setzero_ps();
  }
  for (int64_t b = 0; b < l.blocks; ++b) {
    const size_t lane = size_t(b) * 32;  // bytes of 8 lanes of the pair vectors
    #pragma GCC unroll 16
    for (int t = 0; t < T; ++t) {
      const __m256i xq = _mm256_load_si256(reinterpret_cast<const __m256i*>(x[t] + 32 * b));
      const __m256i ns = _mm256_load_si256(reinterpret_cast<const __m256i*>(x[t] + l.sum_offset + lane));
      float d;
      const __m256i dot = Dot::dot(wrow, b, xq, ns, &d);
      const __m256 scale = _mm256_mul_ps(_mm256_set1_ps(d), _mm256_load_ps(reinterpret_cast<const float*>(x[t] + l.d_offset + lane)));
      acc[t] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(dot), scale, acc[t]);
    }
  }
  #pragma GCC unroll 16
  for (int t = 0; t < T; ++t) a.y[(t0 + t) * a.y_stride + r] = hsum(acc[t]);
}

template <typename Dot>
void q_rows(const MatmulArgs& a, int64_t r0, int64_t r1) {
  const Q8xLayout l = q8x_layout(a.cols);
  for (int64_t r = r0; r < r1; ++r) {
    int64_t t = 0;
    for (; t + 4 <= a.n_tokens; t += 4) q_row<Dot, 4>(a, l, r, t);
    switch (a.n_tokens - t) {
      case 3: q_row<Dot, 3>(a, l, r, t); break;
      case 2: q_row<Dot, 2>(a, l, r, t); break;
      case 1: q_row<Dot, 1>(a, l, r, t); break;
      default: break;
    }
  }
}

// ---------------------------------------------------------------- F32 / F16 / BF16

struct LoadF32 {
  static __m256 load(const uint8_t* row, int64_t k) { return _mm256_loadu_ps(reinterpret_cast<const float*>(row) + k); }
  static float one(const uint8_t* row, int64_t k) { return reinterpret_cast<const float*>(row)[k]; }
};
struct LoadF16 {
  static __m256 load(const uint8_t* row, int64_t k) {
    return _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(row + 2 * k)));
  }
  static float one(const uint8_t* row, int64_t k) { return _cvtsh_ss(reinterpret_cast<const uint16_t*>(row)[k]); }
};
struct LoadBF16 {
  static __m256 load(const uint8_t* row, int64_t k) {
    const __m256i h = _mm256_cvtepu16_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(row + 2 * k)));
    return _mm256_castsi256_ps(_mm256_slli_epi32(h, 16));
  }
  static float one(const uint8_t* row, int64_t k) {
    const uint32_t bits = uint32_t(reinterpret_cast<const uint16_t*>(row)[k]) << 16;
    return _mm_cvtss_f32(_mm_castsi128_ps(_mm_cvtsi32_si128(int(bits))));
  }
};

template <typename Load, int R, int T>
void float_tile(const MatmulArgs& a, int64_t r, int64_t t0) {
  const uint8_t* w[R];
  const float* x[T];
  #pragma GCC unroll 16
  for (int i = 0; i < R; ++i) w[i] = a.w + (r + i) * a.w_row_bytes;
  #pragma GCC unroll 16
  for (int t = 0; t < T; ++t) x[t] = reinterpret_cast<const float*>(a.x + (t0 + t) * a.x_row_bytes);
  __m256 acc[R][T];
  #pragma GCC unroll 16
  for (int i = 0; i < R; ++i)
    #pragma GCC unroll 16
    for (int t = 0; t < T; ++t) acc[i][t] = _mm256_setzero_ps();
  int64_t k = 0;
  for (; k + 8 <= a.cols; k += 8) {
    __m256 xv[T];
    #pragma GCC unroll 16
    for (int t = 0; t < T; ++t) xv[t] = _mm256_loadu_ps(x[t] + k);
    #pragma GCC unroll 16
    for (int i = 0; i < R; ++i) {
      const __m256 wv = Load::load(w[i], k);
      #pragma GCC unroll 16
      for (int t = 0; t < T; ++t) acc[i][t] = _mm256_fmadd_ps(wv, xv[t], acc[i][t]);
    }
  }
  #pragma GCC unroll 16
  for (int i = 0; i < R; ++i)
    #pragma GCC unroll 16
    for (int t = 0; t < T; ++t) {
      float s = hsum(acc[i][t]);
      for (int64_t kk = k; kk < a.cols; ++kk) s += Load::one(w[i], kk) * x[t][kk];
      a.y[(t0 + t) * a.y_stride + r + i] = s;
    }
}

template <typename Load, int R>
void float_rows_tokens(const MatmulArgs& a, int64_t r) {
  int64_t t = 0;
  for (; t + 3 <= a.n_tokens; t += 3) float_tile<Load, R, 3>(a, r, t);
  switch (a.n_tokens - t) {
    case 2: float_tile<Load, R, 2>(a, r, t); break;
    case 1: float_tile<Load, R, 1>(a, r, t); break;
    default: break;
  }
}

template <typename Load>
void float_rows(const MatmulArgs& a, int64_t r0, int64_t r1) {
  int64_t r = r0;
  for (; r + 4 <= r1; r += 4) float_rows_tokens<Load, 4>(a, r);
  for (; r < r1; ++r) float_rows_tokens<Load, 1>(a, r);
}

// ---------------------------------------------------------------- vector ops

// exp(x), ~1 ulp; 0 below -87.
inline __m256 exp_ps(__m256 x) {
  const __m256 underflow = _mm256_cmp_ps(x, _mm256_set1_ps(-87.0f), _CMP_LT_OQ);
  x = _mm256_max_ps(_mm256_min_ps(x, _mm256_set1_ps(88.0f)), _mm256_set1_ps(-87.0f));
  const __m256 n = _mm256_round_ps(_mm256_mul_ps(x, _mm256_set1_ps(1.44269504f)),
                                   _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  __m256 r = _mm256_fnmadd_ps(n, _mm256_set1_ps(0.693359375f), x);
  r = _mm256_fnmadd_ps(n, _mm256_set1_ps(-2.12194440e-4f), r);
  __m256 p = _mm256_set1_ps(1.0f / 5040);
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f / 720));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f / 120));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f / 24));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f / 6));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(0.5f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f));
  // 2^n with n in [-126, 127], split in two factors so n = 128 also stays finite
  const __m256i ni = _mm256_cvtps_epi32(n);
  const __m256i half = _mm256_srai_epi32(ni, 1);
  const __m256 s1 = _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_add_epi32(half, _mm256_set1_epi32(127)), 23));
  const __m256 s2 = _mm256_castsi256_ps(
      _mm256_slli_epi32(_mm256_add_epi32(_mm256_sub_epi32(ni, half), _mm256_set1_epi32(127)), 23));
  return _mm256_andnot_ps(underflow, _mm256_mul_ps(_mm256_mul_ps(p, s1), s2));
}

struct Axpy {
  __m256 s;
  __m256 operator()(__m256 x, __m256 y) const { return _mm256_fmadd_ps(s, x, y); }
  float operator()(float x, float y) const { return std::fma(_mm256_cvtss_f32(s), x, y); }
};
struct Add {
  __m256 operator()(__m256 x, __m256 y) const { return _mm256_add_ps(x, y); }
  float operator()(float x, float y) const { return x + y; }
};
struct Mul {
  __m256 operator()(__m256 x, __m256 y) const { return _mm256_mul_ps(x, y); }
  float operator()(float x, float y) const { return x * y; }
};
struct Scale {
  __m256 s;
  __m256 operator()(__m256 x, __m256) const { return _mm256_mul_ps(x, s); }
  float operator()(float x, float) const { return x * _mm256_cvtss_f32(s); }
};
struct SiluMul {
  __m256 operator()(__m256 g, __m256 u) const {
    const __m256 e = exp_ps(_mm256_sub_ps(_mm256_setzero_ps(), g));
    return _mm256_mul_ps(_mm256_div_ps(g, _mm256_add_ps(_mm256_set1_ps(1.0f), e)), u);
  }
  float operator()(float g, float u) const { return g / (1.0f + std::exp(-g)) * u; }
};

template <typename F>
inline void map2(const float* a, const float* b, float* out, int64_t n, const F& f) {
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) _mm256_storeu_ps(out + i, f(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i)));
  for (; i < n; ++i) out[i] = f(a[i], b[i]);
}

float dot(const float* a, const float* b, int64_t n) {
  __m256 acc0 = _mm256_setzero_ps(), acc1 = _mm256_setzero_ps();
  int64_t i = 0;
  for (; i + 16 <= n; i += 16) {
    acc0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i), acc0);
    acc1 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i + 8), _mm256_loadu_ps(b + i + 8), acc1);
  }
  float s = hsum(_mm256_add_ps(acc0, acc1));
  for (; i < n; ++i) s += a[i] * b[i];
  return s;
}
void axpy(float s, const float* x, float* y, int64_t n) { map2(x, y, y, n, Axpy{_mm256_set1_ps(s)}); }
void add(const float* a, const float* b, float* out, int64_t n) { map2(a, b, out, n, Add{}); }
void mul(const float* a, const float* b, float* out, int64_t n) { map2(a, b, out, n, Mul{}); }
void scale(float* x, float s, int64_t n) { map2(x, x, x, n, Scale{_mm256_set1_ps(s)}); }
void silu_mul(const float* gate, const float* up, float* out, int64_t n) { map2(gate, up, out, n, SiluMul{}); }
float sum_squares(const float* x, int64_t n) { return dot(x, x, n); }
float max(const float* x, int64_t n) {
  __m256 m = _mm256_set1_ps(-INFINITY);
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) m = _mm256_max_ps(m, _mm256_loadu_ps(x + i));
  float r = hmax(m);
  for (; i < n; ++i) r = std::fmax(r, x[i]);
  return r;
}
float exp_sub_sum(float* x, float mx, int64_t n) {
  const __m256 mv = _mm256_set1_ps(mx);
  __m256 sum = _mm256_setzero_ps();
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const __m256 e = exp_ps(_mm256_sub_ps(_mm256_loadu_ps(x + i), mv));
    _mm256_storeu_ps(x + i, e);
    sum = _mm256_add_ps(sum, e);
  }
  float s = hsum(sum);
  for (; i < n; ++i) {
    x[i] = std::exp(x[i] - mx);
    s += x[i];
  }
  return s;
}

// ---------------------------------------------------------------- Q4_0x16 (packed)
//
// Packed Q4_0 (tensor/quant/packed.h) without VNNI: each half of a packed vector is 8
// rows x 4 weights; vpmaddubsw multiplies them with a broadcast activation dword into
// int16 pairs, the 8 dwords of a block are summed in int16 (at most 8 x 2 x 15 x 127,
// no overflow) and widened once. Rows 0-7 and 8-15 of a group are two passes, so the
// accumulators of up to 4 tokens stay in registers.

template <int T>
void q4_0x16_half(const MatmulArgs& a, const Q8xLayout& l, const PackedQ4_0Pair* pairs, int64_t r, int half,
                  int rows, int64_t t0) {
  const uint8_t* x[T];
  const float* xd[T];
  const int32_t* xs[T];
  __m256 acc[T];
  #pragma GCC unroll 8
  for (int t = 0; t < T; ++t) {
    x[t] = a.x + (t0 + t) * a.x_row_bytes;
    xd[t] = reinterpret_cast<const float*>(x[t] + l.d_offset);
    xs[t] = reinterpret_cast<const int32_t*>(x[t] + l.sum_offset);
    acc[t] = _mm256_setzero_ps();
  }
  const __m256i m4 = _mm256_set1_epi8(0x0F), ones = _mm256_set1_epi16(1);
  for (int64_t b = 0; b < l.blocks; ++b) {
    const PackedQ4_0Pair& pp = pairs[b >> 1];
    const int h = int(b & 1);
    __m256i w[8];
    #pragma GCC unroll 4
    for (int k = 0; k < 4; ++k) {
      const __m256i raw = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(pp.qs[h][k] + 32 * half));
      w[k] = _mm256_and_si256(raw, m4);                         // elements 4k .. 4k + 3
      w[k + 4] = _mm256_and_si256(_mm256_srli_epi16(raw, 4), m4);  // elements 16 + 4k ..
    }
    const __m256 dw = _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(pp.d[h] + 8 * half)));
    #pragma GCC unroll 8
    for (int t = 0; t < T; ++t) {
      const uint8_t* xq = x[t] + 32 * b;  // element order
      __m256i s16 = _mm256_setzero_si256();
      #pragma GCC unroll 8
      for (int k = 0; k < 8; ++k) {
        int32_t xw;
        std::memcpy(&xw, xq + (k < 4 ? 4 * k : 16 + 4 * (k - 4)), 4);
        s16 = _mm256_add_epi16(s16, _mm256_maddubs_epi16(w[k], _mm256_set1_epi32(xw)));
      }
      // -8 sum x: Q4_0 stores q + 8
      const __m256i dot = _mm256_add_epi32(_mm256_madd_epi16(s16, ones), _mm256_set1_epi32(xs[t][8 * b] * 8));
      acc[t] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(dot), _mm256_mul_ps(dw, _mm256_set1_ps(xd[t][8 * b])), acc[t]);
    }
  }
  const int n = rows - 8 * half < 8 ? rows - 8 * half : 8;
  const __m256i mask = _mm256_cmpgt_epi32(_mm256_set1_epi32(n), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
  #pragma GCC unroll 8
  for (int t = 0; t < T; ++t) _mm256_maskstore_ps(a.y + (t0 + t) * a.y_stride + r + 8 * half, mask, acc[t]);
}

void q4_0x16_rows(const MatmulArgs& a, int64_t r0, int64_t r1) {
  const Q8xLayout l = q8x_layout(a.cols);
  for (int64_t r = r0; r < r1; r += kPackRows) {
    const int rows = int(r1 - r < kPackRows ? r1 - r : kPackRows);
    const auto* pairs = reinterpret_cast<const PackedQ4_0Pair*>(a.w + size_t(r / kPackRows) * a.w_row_bytes);
    for (int half = 0; half < 2 && 8 * half < rows; ++half) {
      int64_t t = 0;
      for (; t + 4 <= a.n_tokens; t += 4) q4_0x16_half<4>(a, l, pairs, r, half, rows, t);
      switch (a.n_tokens - t) {
        case 3: q4_0x16_half<3>(a, l, pairs, r, half, rows, t); break;
        case 2: q4_0x16_half<2>(a, l, pairs, r, half, rows, t); break;
        case 1: q4_0x16_half<1>(a, l, pairs, r, half, rows, t); break;
        default: break;
      }
    }
  }
}

}  // namespace


void fill_avx2_kernels(Kernels& k) {
  k.isa = Isa::kAvx2;
  k.f32 = {nullptr, nullptr, float_rows<LoadF32>, 4};
  k.f16 = {nullptr, nullptr, float_rows<LoadF16>, 4};
  k.bf16 = {nullptr, nullptr, float_rows<LoadBF16>, 4};
  k.q4_0 = {q8x_row_bytes, quantize_q8x, q_rows<BlockDotQ4_0>, 1, q4_0x16_rows};
  k.q8_0 = {q8x_row_bytes, quantize_q8x, q_rows<BlockDotQ8_0>, 1};
  k.vec = {dot, axpy, add, mul, scale, sum_squares, max, argmax_generic, exp_sub_sum, silu_mul, attend_generic};
}

}  // namespace maas::tensor

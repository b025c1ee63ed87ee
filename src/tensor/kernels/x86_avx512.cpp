// AVX-512 (F/BW/VL/DQ/VNNI) kernels. Everything this file includes comes before the
// target pragma, so only the functions defined here use AVX-512 instructions (an
// inline function from a header compiled with them could leak into other callers).
// GCC 12 reports its own intrinsics' _mm512_undefined_* as uninitialized: silenced.
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <immintrin.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>

#include "tensor/kernels/act_q8x.h"
#include "tensor/kernels/kernels.h"
#include "tensor/quant/blocks.h"
#include "tensor/quant/packed.h"

#pragma GCC target("avx512f,avx512bw,avx512vl,avx512dq,avx512vnni,avx2,fma,f16c,bmi2")

namespace maas::tensor {
namespace {

// ---------------------------------------------------------------- activations (Q8X)

// kSplit (the Q4_0 variant of Q8X): a pair's 64 quant bytes are ordered [b 0-15,
// b+1 0-15, b 16-31, b+1 16-31], matching Q4_0's low / high nibbles so the weights need
// no lane shuffle, and the pair's scale / sum lanes are [b x4, b+1 x4, b x4, b+1 x4].
template <bool kSplit>
void quantize_q8x(const float* x, void* out, int64_t cols) {
  const Q8xLayout l = q8x_layout(cols);
  auto* row = static_cast<uint8_t*>(out);
  auto* qs = reinterpret_cast<int8_t*>(row);
  auto* d16 = reinterpret_cast<float*>(row + l.d_offset);
  auto* s16 = reinterpret_cast<int32_t*>(row + l.sum_offset);
  for (int64_t b = 0; b < 2 * l.pairs; ++b) {
    const int64_t p = b >> 1, h = b & 1;
    int8_t* first = kSplit ? qs + 64 * p + 16 * h : qs + 32 * b;        // elements 0-15
    int8_t* second = kSplit ? qs + 64 * p + 32 + 16 * h : qs + 32 * b + 16;  // 16-31
    float d = 0;
    int32_t sum = 0;
    if (b < l.blocks) {
      const __m512 x0 = _mm512_loadu_ps(x + 32 * b);
      const __m512 x1 = _mm512_loadu_ps(x + 32 * b + 16);
      const float amax = _mm512_reduce_max_ps(_mm512_max_ps(_mm512_abs_ps(x0), _mm512_abs_ps(x1)));
      d = amax / 127.0f;
      const __m512 id = _mm512_set1_ps(d != 0 ? 1.0f / d : 0.0f);
      const __m512i q0 = _mm512_cvtps_epi32(_mm512_mul_ps(x0, id));
      const __m512i q1 = _mm512_cvtps_epi32(_mm512_mul_ps(x1, id));
      _mm_storeu_si128(reinterpret_cast<__m128i*>(first), _mm512_cvtsepi32_epi8(q0));
      _mm_storeu_si128(reinterpret_cast<__m128i*>(second), _mm512_cvtsepi32_epi8(q1));
      sum = _mm512_reduce_add_epi32(_mm512_add_epi32(q0, q1));
    } else {
      _mm_storeu_si128(reinterpret_cast<__m128i*>(first), _mm_setzero_si128());
      _mm_storeu_si128(reinterpret_cast<__m128i*>(second), _mm_setzero_si128());
    }
    if (kSplit) {
      for (int64_t half : {0, 8}) {
        _mm_storeu_ps(d16 + 16 * p + half + 4 * h, _mm_set1_ps(d));
        _mm_storeu_si128(reinterpret_cast<__m128i*>(s16 + 16 * p + half + 4 * h), _mm_set1_epi32(-sum));
      }
    } else {
      _mm256_storeu_ps(d16 + 8 * b, _mm256_set1_ps(d));
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(s16 + 8 * b), _mm256_set1_epi32(-sum));
    }
  }
}

// Lanes 0-7 take element 0 of v, lanes 8-15 element 1.
inline __m512 spread_pair(__m128 v) {
  const __m512i idx = _mm512_set_epi32(1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0);
  return _mm512_permutexvar_ps(idx, _mm512_zextps128_ps512(v));
}

// fp16 scales of blocks b and b + 1 (0 if absent), spread over lanes 0-7 / 8-15.
inline __m512 pair_scales(uint16_t d0, uint16_t d1) {
  const uint32_t both = uint32_t(d0) | (uint32_t(d1) << 16);
  return spread_pair(_mm_cvtph_ps(_mm_cvtsi32_si128(int(both))));
}

// ---------------------------------------------------------------- Q4_0 / Q8_0 direct

// Weights of blocks b, b + 1 as 64 unsigned bytes in element order, plus their scales.
struct PairQ4_0 {
  static constexpr bool kSplit = true;
  // 256-bit [qs0 | qs1]: low nibbles are elements 0-15, high nibbles 16-31, which is
  // the kSplit activation order; scales as lanes [d0 x4, d1 x4, d0 x4, d1 x4].
  static __m512i quants(const void* row, int64_t b, int64_t blocks, __m512* scales) {
    const auto* w = static_cast<const BlockQ4_0*>(row) + b;
    const bool second = b + 1 < blocks;
    const __m128i q0 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(w[0].qs));
    const __m128i q1 = second ? _mm_loadu_si128(reinterpret_cast<const __m128i*>(w[1].qs))
                              : _mm_setzero_si128();
    const uint32_t both = uint32_t(w[0].d) | (uint32_t(second ? w[1].d : 0) << 16);
    *scales = _mm512_zextps128_ps512(_mm_cvtph_ps(_mm_cvtsi32_si128(int(both))));  // d0, d1
    const __m256i y = _mm256_set_m128i(q1, q0);
    const __m256i m = _mm256_set1_epi8(0x0F);
    return _mm512_inserti64x4(_mm512_zextsi256_si512(_mm256_and_si256(y, m)),
                              _mm256_and_si256(_mm256_srli_epi16(y, 4), m), 1);
  }
  // Scales (d0, d1 in lanes 0-1) times the activation scales (pair lanes 3 and 4 are
  // blocks b and b + 1), multiplied as 2 floats and then spread over the lanes.
  static __m512 scale(__m512 dw, const float* xd16) {
    const __m128 prod = _mm_mul_ps(_mm512_castps512_ps128(dw), _mm_loadu_ps(xd16 + 3));
    const __m512i idx = _mm512_set_epi32(1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1, 1, 0, 0, 0, 0);
    return _mm512_permutexvar_ps(idx, _mm512_zextps128_ps512(prod));
  }
  // sum (q - 8) x = sum q x - 8 sum x: -sum x in each of a block's 8 lanes.
  static __m512i correction(__m512i neg_sums) { return neg_sums; }
};

struct PairQ8_0 {
  static constexpr bool kSplit = false;
  static __m512i quants(const void* row, int64_t b, int64_t blocks, __m512* scales) {
    const auto* w = static_cast<const BlockQ8_0*>(row) + b;
    const bool second = b + 1 < blocks;
    const __m256i q0 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(w[0].qs));
    const __m256i q1 = second ? _mm256_loadu_si256(reinterpret_cast<const __m256i*>(w[1].qs))
                              : _mm256_set1_epi8(char(0x80));
    *scales = pair_scales(w[0].d, second ? w[1].d : 0);
    // w + 128 as unsigned bytes
    return _mm512_xor_si512(_mm512_inserti64x4(_mm512_zextsi256_si512(q0), q1, 1),
                            _mm512_set1_epi8(char(0x80)));
  }
  static __m512 scale(__m512 dw, const float* xd16) { return _mm512_mul_ps(dw, _mm512_load_ps(xd16)); }
  // sum (w + 128) x = sum w x + 128 sum x: -16 sum x in each of a block's 8 lanes.
  static __m512i correction(__m512i neg_sums) { return _mm512_slli_epi32(neg_sums, 4); }
};

// One weight row against T activation rows.
template <typename Pair, int T>
inline void q_pair_direct(const Q8xLayout& l, const uint8_t* wrow, const uint8_t* const* x, int64_t p,
                          __m512* acc) {
  __m512 dw;
  const __m512i q = Pair::quants(wrow, 2 * p, l.blocks, &dw);
  #pragma GCC unroll 16
  for (int t = 0; t < T; ++t) {
    const __m512i xq = _mm512_load_si512(x[t] + 64 * p);
    const __m512i init = Pair::correction(_mm512_load_si512(x[t] + l.sum_offset + 64 * p));
    const __m512i dot = _mm512_dpbusd_epi32(init, q, xq);
    const __m512 scale = Pair::scale(dw, reinterpret_cast<const float*>(x[t] + l.d_offset) + 16 * p);
    acc[t] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(dot), scale, acc[t]);
  }
}

// One weight row against T activation rows. Even and odd pairs accumulate separately:
// with one token a single FMA chain would bound the loop to one pair per FMA latency.
template <typename Pair, int T>
void q_row_direct(const MatmulArgs& a, const Q8xLayout& l, int64_t r, int64_t t0) {
  const uint8_t* wrow = a.w + r * a.w_row_bytes;
  const uint8_t* x[T];
  __m512 even[T], odd[T];
  #pragma GCC unroll 16
  for (int t = 0; t < T; ++t) {
    x[t] = a.x + (t0 + t) * a.x_row_bytes;
    even[t] = _mm512_setzero_ps();
    odd[t] = _mm512_setzero_ps();
  }
  int64_t p = 0;
  for (; p + 2 <= l.pairs; p += 2) {
    q_pair_direct<Pair, T>(l, wrow, x, p, even);
    q_pair_direct<Pair, T>(l, wrow, x, p + 1, odd);
  }
  if (p < l.pairs) q_pair_direct<Pair, T>(l, wrow, x, p, even);
  #pragma GCC unroll 16
  for (int t = 0; t < T; ++t)
    a.y[(t0 + t) * a.y_stride + r] = _mm512_reduce_add_ps(_mm512_add_ps(even[t], odd[t]));
}

template <typename Pair>
void q_rows_direct(const MatmulArgs& a, int64_t r0, int64_t r1) {
  const Q8xLayout l = q8x_layout(a.cols);
  for (int64_t r = r0; r < r1; ++r) {
    int64_t t = 0;
    for (; t + 4 <= a.n_tokens; t += 4) q_row_direct<Pair, 4>(a, l, r, t);
    switch (a.n_tokens - t) {
      case 3: q_row_direct<Pair, 3>(a, l, r, t); break;
      case 2: q_row_direct<Pair, 2>(a, l, r, t); break;
      case 1: q_row_direct<Pair, 1>(a, l, r, t); break;
      default: break;
    }
  }
}

constexpr int kTokenTile = 8;  // tokens per register tile of the packed kernels

// Calls tile.operator()<T>(t0) over n tokens: tiles of kTokenTile, then one of the rest.
template <typename Tile>
inline void in_token_tiles(int64_t n, const Tile& tile) {
  int64_t t = 0;
  for (; t + kTokenTile <= n; t += kTokenTile) tile.template operator()<kTokenTile>(t);
  switch (n - t) {
    case 7: tile.template operator()<7>(t); break;
    case 6: tile.template operator()<6>(t); break;
    case 5: tile.template operator()<5>(t); break;
    case 4: tile.template operator()<4>(t); break;
    case 3: tile.template operator()<3>(t); break;
    case 2: tile.template operator()<2>(t); break;
    case 1: tile.template operator()<1>(t); break;
    default: break;
  }
}

// ---------------------------------------------------------------- Q4_0x16 / Q8_0x16 (packed)
//
// Weights packed once at load (tensor/quant/packed.h): per block of 16 rows, 8 vectors
// of 16 rows x 4 consecutive unsigned weights (Q4_0: 4 vectors whose low and high
// nibbles give them; Q8_0: stored + 128). Each vpdpbusd multiplies one with a broadcast
// activation dword; after a block's 8, lane i holds row i's block dot product. The
// weights are unpacked once per tile of up to 8 tokens.

struct PackedQ4 {
  using Pair = PackedQ4_0Pair;
  static constexpr int32_t kOffset = 8;  // stored q = w + 8
  static void weights(const Pair& pp, int h, __m512i w[8]) {
    const __m512i m4 = _mm512_set1_epi8(0x0F);
    #pragma GCC unroll 4
    for (int k = 0; k < 4; ++k) {
      const __m512i v = _mm512_load_si512(pp.qs[h][k]);
      w[k] = _mm512_and_si512(v, m4);
      w[k + 4] = _mm512_and_si512(_mm512_srli_epi16(v, 4), m4);
    }
  }
  // Split activations (PairQ4_0): a pair's quants [b 0-15, b+1 0-15, b 16-31, b+1 16-31],
  // its lanes [b x4, b+1 x4, b x4, b+1 x4].
  static int64_t lane(int64_t b) { return (b >> 1) * 16 + (b & 1) * 4; }
  static int64_t x_dword(int64_t b, int k) { return (b >> 1) * 64 + (b & 1) * 16 + (k < 4 ? 4 * k : 32 + 4 * (k - 4)); }
};

struct PackedQ8 {
  using Pair = PackedQ8_0Pair;
  static constexpr int32_t kOffset = 128;  // stored q = w + 128
  static void weights(const Pair& pp, int h, __m512i w[8]) {
    #pragma GCC unroll 8
    for (int k = 0; k < 8; ++k) w[k] = _mm512_load_si512(pp.qs[h][k]);
  }
  static int64_t lane(int64_t b) { return (b >> 1) * 16 + (b & 1) * 8; }
  static int64_t x_dword(int64_t b, int k) { return 32 * b + 4 * k; }
};

// How far ahead of the block in use the tile prefetches (8 Q4_0 pairs, ~4 Q8_0 pairs):
// about the bytes two cores stream in the latency of a DRAM access. (Spreading these
// over the two blocks of a pair, as the Q4_K tile must, measured no better here.)
constexpr int64_t kPrefetchBytes = 4608;

template <typename P, int T>
void packed_tile(const MatmulArgs& a, const Q8xLayout& l, const typename P::Pair* pairs, int64_t r, int rows,
                 int64_t t0) {
  const uint8_t* x[T];
  const float* xd[T];
  const int32_t* xs[T];
  __m512 acc[T];
  #pragma GCC unroll 16
  for (int t = 0; t < T; ++t) {
    x[t] = a.x + (t0 + t) * a.x_row_bytes;
    xd[t] = reinterpret_cast<const float*>(x[t] + l.d_offset);
    xs[t] = reinterpret_cast<const int32_t*>(x[t] + l.sum_offset);
    acc[t] = _mm512_setzero_ps();
  }
  for (int64_t b = 0; b < l.blocks; ++b) {
    const typename P::Pair& pp = pairs[b >> 1];
    const int h = int(b & 1);
    // With several tokens a block costs many cycles and the out-of-order window holds
    // few loads: fetch ahead explicitly (prefetches past the end are harmless).
    if (T > 1 && h == 0) {
      const auto* ahead = reinterpret_cast<const char*>(&pp) + kPrefetchBytes;
      #pragma GCC unroll 17
      for (size_t line = 0; line < sizeof(pp); line += 64) _mm_prefetch(ahead + line, _MM_HINT_T0);
    }
    __m512i w[8];
    P::weights(pp, h, w);
    const __m512 dw = _mm512_cvtph_ps(_mm256_load_si256(reinterpret_cast<const __m256i*>(pp.d[h])));
    const int64_t lane = P::lane(b);
    #pragma GCC unroll 16
    for (int t = 0; t < T; ++t) {
      __m512i dot = _mm512_set1_epi32(xs[t][lane] * P::kOffset);  // -offset * sum x
      #pragma GCC unroll 8
      for (int k = 0; k < 8; ++k) {
        int32_t xq;
        std::memcpy(&xq, x[t] + P::x_dword(b, k), 4);
        dot = _mm512_dpbusd_epi32(dot, w[k], _mm512_set1_epi32(xq));
      }
      acc[t] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(dot), _mm512_mul_ps(dw, _mm512_set1_ps(xd[t][lane])), acc[t]);
    }
  }
  const __mmask16 m = __mmask16((1u << rows) - 1);
  #pragma GCC unroll 16
  for (int t = 0; t < T; ++t) _mm512_mask_storeu_ps(a.y + (t0 + t) * a.y_stride + r, m, acc[t]);
}

template <typename P>
void packed_rows(const MatmulArgs& a, int64_t r0, int64_t r1) {
  const Q8xLayout l = q8x_layout(a.cols);
  for (int64_t r = r0; r < r1; r += kPackRows) {
    const int rows = int(r1 - r < kPackRows ? r1 - r : kPackRows);
    const auto* pairs = reinterpret_cast<const typename P::Pair*>(a.w + size_t(r / kPackRows) * a.w_row_bytes);
    in_token_tiles(a.n_tokens, [&]<int T>(int64_t t) { packed_tile<P, T>(a, l, pairs, r, rows, t); });
  }
}

// ---------------------------------------------------------------- Q4_Kx16 (packed)
//
// Packed Q4_K (tensor/quant/packed.h): a 32-element sub-block of 16 rows is 8 vectors
// (low or high nibbles of the same 8 loads for the sub-block pair), multiplied like a
// Q4_0 block with Q8_K activations; the row scales and mins of each sub-block are one
// byte per row, widened and scaled once per tile. Per super-block and token, a float
// accumulator gathers scale x dot - min x sum(x) over the 8 sub-blocks and is then
// scaled by the activation's d.

template <int T>
void q4_kx16_tile(const MatmulArgs& a, const PackedQ4_KBlock* units, int64_t blocks, int64_t r, int rows,
                  int64_t t0) {
  const BlockQ8_K* x[T];
  __m512 acc[T];
  #pragma GCC unroll 16
  for (int t = 0; t < T; ++t) {
    x[t] = reinterpret_cast<const BlockQ8_K*>(a.x + (t0 + t) * a.x_row_bytes);
    acc[t] = _mm512_setzero_ps();
  }
  const __m512i m4 = _mm512_set1_epi8(0x0F);
  for (int64_t b = 0; b < blocks; ++b) {
    const PackedQ4_KBlock& p = units[b];
    // As in packed_tile, fetch ahead (two super-blocks), spread over the sub-blocks: a
    // burst of 37 prefetches overflows the outstanding-miss buffers.
    const auto* ahead = reinterpret_cast<const char*>(&p + 2);
    const __m512 dv = _mm512_cvtph_ps(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p.d)));
    const __m512 dminv = _mm512_cvtph_ps(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p.dmin)));
    __m512 sub[T];
    #pragma GCC unroll 16
    for (int t = 0; t < T; ++t) sub[t] = _mm512_setzero_ps();
    for (int sb = 0; sb < 8; ++sb) {
      if (T > 1) {
        #pragma GCC unroll 5
        for (int line = 0; line < 5; ++line) _mm_prefetch(ahead + (5 * sb + line) * 64, _MM_HINT_T0);
      }
      __m512i w[8];
      #pragma GCC unroll 8
      for (int k = 0; k < 8; ++k) {
        const __m512i raw = _mm512_load_si512(p.qs[sb >> 1][k]);
        w[k] = _mm512_and_si512(sb & 1 ? _mm512_srli_epi16(raw, 4) : raw, m4);
      }
      const __m512 scale = _mm512_mul_ps(
          _mm512_cvtepi32_ps(_mm512_cvtepu8_epi32(_mm_load_si128(reinterpret_cast<const __m128i*>(p.sc[sb])))), dv);
      const __m512 min = _mm512_mul_ps(
          _mm512_cvtepi32_ps(_mm512_cvtepu8_epi32(_mm_load_si128(reinterpret_cast<const __m128i*>(p.m[sb])))), dminv);
      #pragma GCC unroll 16
      for (int t = 0; t < T; ++t) {
        const int8_t* xq = x[t][b].qs + 32 * sb;
        __m512i dot = _mm512_setzero_si512();
        #pragma GCC unroll 8
        for (int k = 0; k < 8; ++k) {
          int32_t xw;
          std::memcpy(&xw, xq + 4 * k, 4);
          dot = _mm512_dpbusd_epi32(dot, w[k], _mm512_set1_epi32(xw));
        }
        const float xsum = float(x[t][b].bsums[2 * sb] + x[t][b].bsums[2 * sb + 1]);
        sub[t] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(dot), scale, sub[t]);
        sub[t] = _mm512_fnmadd_ps(min, _mm512_set1_ps(xsum), sub[t]);
      }
    }
    #pragma GCC unroll 16
    for (int t = 0; t < T; ++t) acc[t] = _mm512_fmadd_ps(sub[t], _mm512_set1_ps(x[t][b].d), acc[t]);
  }
  const __mmask16 m = __mmask16((1u << rows) - 1);
  #pragma GCC unroll 16
  for (int t = 0; t < T; ++t) _mm512_mask_storeu_ps(a.y + (t0 + t) * a.y_stride + r, m, acc[t]);
}

void q4_kx16_rows(const MatmulArgs& a, int64_t r0, int64_t r1) {
  const int64_t blocks = a.cols / kQKK;
  for (int64_t r = r0; r < r1; r += kPackRows) {
    const int rows = int(r1 - r < kPackRows ? r1 - r : kPackRows);
    const auto* units = reinterpret_cast<const PackedQ4_KBlock*>(a.w + size_t(r / kPackRows) * a.w_row_bytes);
    in_token_tiles(a.n_tokens, [&]<int T>(int64_t t) { q4_kx16_tile<T>(a, units, blocks, r, rows, t); });
  }
}

// ---------------------------------------------------------------- Q4_K / Q6_K
//
// One weight row against up to 4 Q8_K activation rows: the super-block's quants are
// unpacked once to unsigned bytes in element order and multiplied with vpdpbusd; the
// integer sub-block scales are applied per lane (vpmulld), the offsets (Q4_K's mins,
// Q6_K's -32) through the activations' block sums.

// Lanes 0-7 of a sub-block-pair vector take sub-block 2c, lanes 8-15 sub-block 2c + 1.
inline __m512i lanes_of_pair(__m512i per_sub_block, int c) {
  const __m512i idx = _mm512_add_epi32(_mm512_set_epi32(1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0),
                                       _mm512_set1_epi32(2 * c));
  return _mm512_permutexvar_epi32(idx, per_sub_block);
}

template <int T>
void q4_k_row(const MatmulArgs& a, int64_t r, int64_t t0) {
  const auto* w = reinterpret_cast<const BlockQ4_K*>(a.w + r * a.w_row_bytes);
  const BlockQ8_K* x[T];
  __m512 acc[T];
  float min_acc[T];
  #pragma GCC unroll 16
  for (int t = 0; t < T; ++t) {
    x[t] = reinterpret_cast<const BlockQ8_K*>(a.x + (t0 + t) * a.x_row_bytes);
    acc[t] = _mm512_setzero_ps();
    min_acc[t] = 0;
  }
  const __m512i m4 = _mm512_set1_epi8(0x0F);
  const int64_t nb = a.cols / kQKK;
  for (int64_t b = 0; b < nb; ++b) {
    // 6-bit scales and mins, four bytes at a time (layout in blocks.h)
    uint32_t s3[3];
    std::memcpy(s3, w[b].scales, 12);
    const uint32_t sc_lo = s3[0] & 0x3f3f3f3f, m_lo = s3[1] & 0x3f3f3f3f;
    const uint32_t sc_hi = (s3[2] & 0x0f0f0f0f) | (((s3[0] >> 6) & 0x03030303) << 4);
    const uint32_t m_hi = ((s3[2] >> 4) & 0x0f0f0f0f) | (((s3[1] >> 6) & 0x03030303) << 4);
    const __m128i sm = _mm_set_epi32(int(m_hi), int(m_lo), int(sc_hi), int(sc_lo));
    const __m512i sc = _mm512_cvtepu8_epi32(sm);
    const __m256i mins = _mm256_cvtepu8_epi32(_mm_srli_si128(sm, 8));
    __m512i q[4], scale[4];
    #pragma GCC unroll 16
    for (int c = 0; c < 4; ++c) {
      const __m256i raw = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(w[b].qs + 32 * c));
      const __m512i z = _mm512_inserti64x4(_mm512_zextsi256_si512(raw), _mm256_srli_epi16(raw, 4), 1);
      q[c] = _mm512_and_si512(z, m4);
      scale[c] = lanes_of_pair(sc, c);
    }
    const float d = _cvtsh_ss(w[b].d), dmin = _cvtsh_ss(w[b].dmin);
    #pragma GCC unroll 16
    for (int t = 0; t < T; ++t) {
      const BlockQ8_K& xb = x[t][b];
      __m512i sum = _mm512_setzero_si512();
      #pragma GCC unroll 16
      for (int c = 0; c < 4; ++c) {
        const __m512i xq = _mm512_loadu_si512(xb.qs + 64 * c);
        sum = _mm512_add_epi32(sum, _mm512_mullo_epi32(_mm512_dpbusd_epi32(_mm512_setzero_si512(), q[c], xq), scale[c]));
      }
      // sum of x per 32-element sub-block, times its min
      const __m256i xsum = _mm256_madd_epi16(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(xb.bsums)),
                                             _mm256_set1_epi16(1));
      const __m256i mprod = _mm256_mullo_epi32(xsum, mins);
      const __m128i m128 = _mm_add_epi32(_mm256_castsi256_si128(mprod), _mm256_extracti128_si256(mprod, 1));
      const __m128i m64 = _mm_add_epi32(m128, _mm_shuffle_epi32(m128, 0x4E));
      const int32_t min_dot = _mm_cvtsi128_si32(_mm_add_epi32(m64, _mm_shuffle_epi32(m64, 0xB1)));
      acc[t] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(sum), _mm512_set1_ps(d * xb.d), acc[t]);
      min_acc[t] += dmin * xb.d * float(min_dot);
    }
  }
  #pragma GCC unroll 16
  for (int t = 0; t < T; ++t) a.y[(t0 + t) * a.y_stride + r] = _mm512_reduce_add_ps(acc[t]) - min_acc[t];
}

template <int T>
void q6_k_row(const MatmulArgs& a, int64_t r, int64_t t0) {
  const auto* w = reinterpret_cast<const BlockQ6_K*>(a.w + r * a.w_row_bytes);
  const BlockQ8_K* x[T];
  __m512 acc[T];
  #pragma GCC unroll 16
  for (int t = 0; t < T; ++t) {
    x[t] = reinterpret_cast<const BlockQ8_K*>(a.x + (t0 + t) * a.x_row_bytes);
    acc[t] = _mm512_setzero_ps();
  }
  const __m512i m4 = _mm512_set1_epi8(0x0F), m2 = _mm512_set1_epi8(3);
  // chunk j (64 elements, 16 lanes of 4) covers sub-blocks 4j .. 4j + 3
  const __m512i quarter = _mm512_set_epi32(3, 3, 3, 3, 2, 2, 2, 2, 1, 1, 1, 1, 0, 0, 0, 0);
  const int64_t nb = a.cols / kQKK;
  for (int64_t b = 0; b < nb; ++b) {
    const __m512i sc = _mm512_cvtepi8_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(w[b].scales)));
    __m512i q[4], scale[4];
    #pragma GCC unroll 16
    for (int h = 0; h < 2; ++h) {
      const __m512i ql = _mm512_loadu_si512(w[b].ql + 64 * h);
      const __m256i qh = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(w[b].qh + 32 * h));
      const __m512i ha = _mm512_inserti64x4(_mm512_zextsi256_si512(qh), _mm256_srli_epi16(qh, 2), 1);
      const __m512i hb = _mm512_srli_epi16(ha, 4);
      q[2 * h] = _mm512_or_si512(_mm512_and_si512(ql, m4), _mm512_slli_epi16(_mm512_and_si512(ha, m2), 4));
      q[2 * h + 1] = _mm512_or_si512(_mm512_and_si512(_mm512_srli_epi16(ql, 4), m4),
                                     _mm512_slli_epi16(_mm512_and_si512(hb, m2), 4));
    }
    #pragma GCC unroll 16
    for (int j = 0; j < 4; ++j)
      scale[j] = _mm512_permutexvar_epi32(_mm512_add_epi32(quarter, _mm512_set1_epi32(4 * j)), sc);
    const float d = _cvtsh_ss(w[b].d);
    #pragma GCC unroll 16
    for (int t = 0; t < T; ++t) {
      const BlockQ8_K& xb = x[t][b];
      // sum (q - 32) x = sum q x - 32 sum x, per sub-block of 16
      const __m512i bsums = _mm512_cvtepi16_epi32(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(xb.bsums)));
      __m512i sum = _mm512_sub_epi32(_mm512_setzero_si512(), _mm512_slli_epi32(_mm512_mullo_epi32(bsums, sc), 5));
      #pragma GCC unroll 16
      for (int j = 0; j < 4; ++j) {
        const __m512i xq = _mm512_loadu_si512(xb.qs + 64 * j);
        sum = _mm512_add_epi32(sum, _mm512_mullo_epi32(_mm512_dpbusd_epi32(_mm512_setzero_si512(), q[j], xq), scale[j]));
      }
      acc[t] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(sum), _mm512_set1_ps(d * xb.d), acc[t]);
    }
  }
  #pragma GCC unroll 16
  for (int t = 0; t < T; ++t) a.y[(t0 + t) * a.y_stride + r] = _mm512_reduce_add_ps(acc[t]);
}

template <int T>
struct Q4KRow {
  static void run(const MatmulArgs& a, int64_t r, int64_t t0) { q4_k_row<T>(a, r, t0); }
};
template <int T>
struct Q6KRow {
  static void run(const MatmulArgs& a, int64_t r, int64_t t0) { q6_k_row<T>(a, r, t0); }
};

// Each weight row is unpacked once per 8 tokens (and stays in L1 between them).
template <template <int> class Row>
void k_rows(const MatmulArgs& a, int64_t r0, int64_t r1) {
  for (int64_t r = r0; r < r1; ++r) {
    int64_t t = 0;
    for (; t + 8 <= a.n_tokens; t += 8) Row<8>::run(a, r, t);
    switch (a.n_tokens - t) {
      case 7: Row<7>::run(a, r, t); break;
      case 6: Row<6>::run(a, r, t); break;
      case 5: Row<5>::run(a, r, t); break;
      case 4: Row<4>::run(a, r, t); break;
      case 3: Row<3>::run(a, r, t); break;
      case 2: Row<2>::run(a, r, t); break;
      case 1: Row<1>::run(a, r, t); break;
      default: break;
    }
  }
}

// Q8_K activations (as quantize_row_q8_k, vectorised; identical results).
void quantize_q8_k(const float* x, void* out, int64_t cols) {
  auto* blocks = static_cast<BlockQ8_K*>(out);
  for (int64_t b = 0; b < cols / kQKK; ++b, x += kQKK) {
    __m512 amax = _mm512_setzero_ps();
#pragma GCC unroll 16
    for (int i = 0; i < 16; ++i) amax = _mm512_max_ps(amax, _mm512_abs_ps(_mm512_loadu_ps(x + 16 * i)));
    const float d = _mm512_reduce_max_ps(amax) / 127.0f;
    const __m512 id = _mm512_set1_ps(d != 0 ? 1.0f / d : 0.0f);
    blocks[b].d = d;
#pragma GCC unroll 16
    for (int i = 0; i < 16; ++i) {
      const __m512i q = _mm512_cvtps_epi32(_mm512_mul_ps(_mm512_loadu_ps(x + 16 * i), id));
      _mm_storeu_si128(reinterpret_cast<__m128i*>(blocks[b].qs + 16 * i), _mm512_cvtsepi32_epi8(q));
      blocks[b].bsums[i] = int16_t(_mm512_reduce_add_epi32(q));
    }
  }
}

// ---------------------------------------------------------------- F32 / F16 / BF16

struct LoadF32 {
  static __m512 load(const uint8_t* row, int64_t k) {
    return _mm512_loadu_ps(reinterpret_cast<const float*>(row) + k);
  }
  static __m512 load_tail(const uint8_t* row, int64_t k, __mmask16 m) {
    return _mm512_maskz_loadu_ps(m, reinterpret_cast<const float*>(row) + k);
  }
};
struct LoadF16 {
  static __m512 load(const uint8_t* row, int64_t k) {
    return _mm512_cvtph_ps(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(row + 2 * k)));
  }
  static __m512 load_tail(const uint8_t* row, int64_t k, __mmask16 m) {
    return _mm512_cvtph_ps(_mm256_maskz_loadu_epi16(m, row + 2 * k));
  }
};
struct LoadBF16 {
  static __m512 widen(__m256i h) {
    return _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_cvtepu16_epi32(h), 16));
  }
  static __m512 load(const uint8_t* row, int64_t k) {
    return widen(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(row + 2 * k)));
  }
  static __m512 load_tail(const uint8_t* row, int64_t k, __mmask16 m) {
    return widen(_mm256_maskz_loadu_epi16(m, row + 2 * k));
  }
};

// R weight rows x T tokens; each weight vector is converted once and used T times.
template <typename Load, int R, int T>
void float_tile(const MatmulArgs& a, int64_t r, int64_t t0) {
  const uint8_t* w[R];
  const float* x[T];
  #pragma GCC unroll 16
  for (int i = 0; i < R; ++i) w[i] = a.w + (r + i) * a.w_row_bytes;
  #pragma GCC unroll 16
  for (int t = 0; t < T; ++t) x[t] = reinterpret_cast<const float*>(a.x + (t0 + t) * a.x_row_bytes);
  __m512 acc[R][T];
  #pragma GCC unroll 16
  for (int i = 0; i < R; ++i)
    #pragma GCC unroll 16
    for (int t = 0; t < T; ++t) acc[i][t] = _mm512_setzero_ps();
  int64_t k = 0;
  for (; k + 16 <= a.cols; k += 16) {
    __m512 xv[T];
    #pragma GCC unroll 16
    for (int t = 0; t < T; ++t) xv[t] = _mm512_loadu_ps(x[t] + k);
    #pragma GCC unroll 16
    for (int i = 0; i < R; ++i) {
      const __m512 wv = Load::load(w[i], k);
      #pragma GCC unroll 16
      for (int t = 0; t < T; ++t) acc[i][t] = _mm512_fmadd_ps(wv, xv[t], acc[i][t]);
    }
  }
  if (k < a.cols) {
    const __mmask16 m = __mmask16((1u << (a.cols - k)) - 1);
    __m512 xv[T];
    #pragma GCC unroll 16
    for (int t = 0; t < T; ++t) xv[t] = _mm512_maskz_loadu_ps(m, x[t] + k);
    #pragma GCC unroll 16
    for (int i = 0; i < R; ++i) {
      const __m512 wv = Load::load_tail(w[i], k, m);
      #pragma GCC unroll 16
      for (int t = 0; t < T; ++t) acc[i][t] = _mm512_fmadd_ps(wv, xv[t], acc[i][t]);
    }
  }
  #pragma GCC unroll 16
  for (int i = 0; i < R; ++i)
    #pragma GCC unroll 16
    for (int t = 0; t < T; ++t) a.y[(t0 + t) * a.y_stride + r + i] = _mm512_reduce_add_ps(acc[i][t]);
}

template <typename Load, int R>
void float_rows_tokens(const MatmulArgs& a, int64_t r) {
  int64_t t = 0;
  for (; t + 4 <= a.n_tokens; t += 4) float_tile<Load, R, 4>(a, r, t);
  switch (a.n_tokens - t) {
    case 3: float_tile<Load, R, 3>(a, r, t); break;
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

inline __mmask16 tail_mask(int64_t left) { return __mmask16((1u << left) - 1); }

// exp(x) to ~1 ulp in float over the whole range (exp(-inf) = 0).
inline __m512 exp_ps(__m512 x) {
  x = _mm512_max_ps(_mm512_min_ps(x, _mm512_set1_ps(88.7f)), _mm512_set1_ps(-104.0f));
  const __m512 n = _mm512_roundscale_ps(_mm512_mul_ps(x, _mm512_set1_ps(1.44269504f)),
                                        _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  __m512 r = _mm512_fnmadd_ps(n, _mm512_set1_ps(0.693359375f), x);
  r = _mm512_fnmadd_ps(n, _mm512_set1_ps(-2.12194440e-4f), r);
  __m512 p = _mm512_set1_ps(1.0f / 5040);
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f / 720));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f / 120));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f / 24));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f / 6));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(0.5f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f));
  return _mm512_scalef_ps(p, n);
}

float dot(const float* a, const float* b, int64_t n) {
  __m512 acc0 = _mm512_setzero_ps(), acc1 = _mm512_setzero_ps();
  int64_t i = 0;
  for (; i + 32 <= n; i += 32) {
    acc0 = _mm512_fmadd_ps(_mm512_loadu_ps(a + i), _mm512_loadu_ps(b + i), acc0);
    acc1 = _mm512_fmadd_ps(_mm512_loadu_ps(a + i + 16), _mm512_loadu_ps(b + i + 16), acc1);
  }
  for (; i < n; i += 16) {
    const __mmask16 m = tail_mask(n - i < 16 ? n - i : 16);
    acc0 = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(m, a + i), _mm512_maskz_loadu_ps(m, b + i), acc0);
  }
  return _mm512_reduce_add_ps(_mm512_add_ps(acc0, acc1));
}

// out[i] = f(a[i], b[i]) over 16 lanes at a time, masked at the end.
template <typename F>
inline void map2(const float* a, const float* b, float* out, int64_t n, const F& f) {
  int64_t i = 0;
  for (; i + 16 <= n; i += 16) _mm512_storeu_ps(out + i, f(_mm512_loadu_ps(a + i), _mm512_loadu_ps(b + i)));
  if (i < n) {
    const __mmask16 m = tail_mask(n - i);
    _mm512_mask_storeu_ps(out + i, m, f(_mm512_maskz_loadu_ps(m, a + i), _mm512_maskz_loadu_ps(m, b + i)));
  }
}

// Element-wise operations as function objects (a lambda would not get the target
// pragma in GCC 12).
struct Axpy {
  __m512 s;
  __m512 operator()(__m512 x, __m512 y) const { return _mm512_fmadd_ps(s, x, y); }
};
struct Add {
  __m512 operator()(__m512 x, __m512 y) const { return _mm512_add_ps(x, y); }
};
struct Mul {
  __m512 operator()(__m512 x, __m512 y) const { return _mm512_mul_ps(x, y); }
};
struct Scale {
  __m512 s;
  __m512 operator()(__m512 x, __m512) const { return _mm512_mul_ps(x, s); }
};
struct SiluMul {
  __m512 operator()(__m512 g, __m512 u) const {
    const __m512 e = exp_ps(_mm512_sub_ps(_mm512_setzero_ps(), g));
    return _mm512_mul_ps(_mm512_div_ps(g, _mm512_add_ps(_mm512_set1_ps(1.0f), e)), u);
  }
};

void axpy(float s, const float* x, float* y, int64_t n) { map2(x, y, y, n, Axpy{_mm512_set1_ps(s)}); }
void add(const float* a, const float* b, float* out, int64_t n) { map2(a, b, out, n, Add{}); }
void mul(const float* a, const float* b, float* out, int64_t n) { map2(a, b, out, n, Mul{}); }
void scale(float* x, float s, int64_t n) { map2(x, x, x, n, Scale{_mm512_set1_ps(s)}); }
void silu_mul(const float* gate, const float* up, float* out, int64_t n) {
  map2(gate, up, out, n, SiluMul{});
}
float sum_squares(const float* x, int64_t n) { return dot(x, x, n); }
float max(const float* x, int64_t n) {
  __m512 m = _mm512_set1_ps(-INFINITY);
  int64_t i = 0;
  for (; i + 16 <= n; i += 16) m = _mm512_max_ps(m, _mm512_loadu_ps(x + i));
  if (i < n) m = _mm512_mask_max_ps(m, tail_mask(n - i), m, _mm512_maskz_loadu_ps(tail_mask(n - i), x + i));
  return _mm512_reduce_max_ps(m);
}
// Per lane the largest value and its first index, then the lane with the largest (and
// among equals the smallest index).
int64_t argmax(const float* x, int64_t n) {
  __m512 best = _mm512_set1_ps(-INFINITY);
  __m512i best_i = _mm512_setzero_si512(), idx = _mm512_set_epi32(15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0);
  const __m512i sixteen = _mm512_set1_epi32(16);
  int64_t i = 0;
  for (; i + 16 <= n; i += 16, idx = _mm512_add_epi32(idx, sixteen)) {
    const __m512 v = _mm512_loadu_ps(x + i);
    const __mmask16 gt = _mm512_cmp_ps_mask(v, best, _CMP_GT_OQ);
    best = _mm512_mask_mov_ps(best, gt, v);
    best_i = _mm512_mask_mov_epi32(best_i, gt, idx);
  }
  alignas(64) float vals[16];
  alignas(64) int32_t ids[16];
  _mm512_store_ps(vals, best);
  _mm512_store_si512(ids, best_i);
  int64_t out = ids[0];
  float top = vals[0];
  for (int l = 1; l < 16; ++l)
    if (vals[l] > top || (vals[l] == top && ids[l] < out)) {
      top = vals[l];
      out = ids[l];
    }
  for (; i < n; ++i)
    if (x[i] > top) {
      top = x[i];
      out = i;
    }
  return out;
}
float exp_sub_sum(float* x, float mx, int64_t n) {
  const __m512 mv = _mm512_set1_ps(mx);
  __m512 sum = _mm512_setzero_ps();
  int64_t i = 0;
  for (; i + 16 <= n; i += 16) {
    const __m512 e = exp_ps(_mm512_sub_ps(_mm512_loadu_ps(x + i), mv));
    _mm512_storeu_ps(x + i, e);
    sum = _mm512_add_ps(sum, e);
  }
  if (i < n) {
    const __mmask16 m = tail_mask(n - i);
    const __m512 e = exp_ps(_mm512_sub_ps(_mm512_maskz_loadu_ps(m, x + i), mv));
    _mm512_mask_storeu_ps(x + i, m, e);
    sum = _mm512_add_ps(sum, _mm512_maskz_mov_ps(m, e));
  }
  return _mm512_reduce_add_ps(sum);
}

}  // namespace

namespace {

// One attention head of 16 C floats: q (pre-scaled) and the output accumulator stay in
// registers over all positions.
template <int C>
void attend_fixed(const float* q, const float* k, const float* v, int64_t n, int64_t stride, float scale,
                  float* score, float* out) {
  __m512 qv[C], o[C];
  #pragma GCC unroll 8
  for (int c = 0; c < C; ++c) {
    qv[c] = _mm512_mul_ps(_mm512_loadu_ps(q + 16 * c), _mm512_set1_ps(scale));
    o[c] = _mm512_setzero_ps();
  }
  for (int64_t p = 0; p < n; ++p) {
    const float* kp = k + p * stride;
    __m512 acc = _mm512_mul_ps(qv[0], _mm512_loadu_ps(kp));
    #pragma GCC unroll 8
    for (int c = 1; c < C; ++c) acc = _mm512_fmadd_ps(qv[c], _mm512_loadu_ps(kp + 16 * c), acc);
    score[p] = _mm512_reduce_add_ps(acc);
  }
  const float sum = exp_sub_sum(score, max(score, n), n);
  for (int64_t p = 0; p < n; ++p) {
    const __m512 s = _mm512_set1_ps(score[p]);
    const float* vp = v + p * stride;
    #pragma GCC unroll 8
    for (int c = 0; c < C; ++c) o[c] = _mm512_fmadd_ps(s, _mm512_loadu_ps(vp + 16 * c), o[c]);
  }
  const __m512 inv = _mm512_set1_ps(1.0f / sum);
  #pragma GCC unroll 8
  for (int c = 0; c < C; ++c) _mm512_storeu_ps(out + 16 * c, _mm512_mul_ps(o[c], inv));
}

void attend(const float* q, const float* k, const float* v, int64_t n, int64_t hd, int64_t stride, float scale,
            float* score, float* out) {
  switch (hd) {
    case 64: return attend_fixed<4>(q, k, v, n, stride, scale, score, out);
    case 128: return attend_fixed<8>(q, k, v, n, stride, scale, score, out);
    case 32: return attend_fixed<2>(q, k, v, n, stride, scale, score, out);
    case 96: return attend_fixed<6>(q, k, v, n, stride, scale, score, out);
    default: return attend_generic(q, k, v, n, hd, stride, scale, score, out);
  }
}

}  // namespace

void fill_avx512_kernels(Kernels& k) {
  k.isa = Isa::kAvx512;
  k.f32 = {nullptr, nullptr, float_rows<LoadF32>, 4};
  k.f16 = {nullptr, nullptr, float_rows<LoadF16>, 4};
  k.bf16 = {nullptr, nullptr, float_rows<LoadBF16>, 4};
  // File-layout weights (unpacked models) take the direct kernels for any token count;
  // models pack these types at load and use packed_rows.
  k.q4_0 = {q8x_row_bytes, quantize_q8x<PairQ4_0::kSplit>, q_rows_direct<PairQ4_0>, 1, packed_rows<PackedQ4>};
  k.q8_0 = {q8x_row_bytes, quantize_q8x<PairQ8_0::kSplit>, q_rows_direct<PairQ8_0>, 1, packed_rows<PackedQ8>};
  k.q4_k.rows = k_rows<Q4KRow>;
  k.q4_k.quantize_act = quantize_q8_k;
  k.q4_k.packed_rows = q4_kx16_rows;
  k.q6_k.rows = k_rows<Q6KRow>;
  k.q6_k.quantize_act = quantize_q8_k;
  k.vec = {dot, axpy, add, mul, scale, sum_squares, max, argmax, exp_sub_sum, silu_mul, attend};
}

}  // namespace maas::tensor

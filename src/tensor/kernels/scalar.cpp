// Scalar kernels: the reference every SIMD table starts from (and the fallback).
#include <cmath>

#include "tensor/kernels/kernels.h"
#include "tensor/fp16.h"
#include "tensor/quant/blocks.h"
#include "tensor/quant/packed.h"
#include "tensor/quant/quants.h"
#include "tensor/quant/traits.h"

namespace maas::tensor {
namespace {

template <VecDotFn Dot>
void rows_by_vec_dot(const MatmulArgs& a, int64_t r0, int64_t r1) {
  for (int64_t t = 0; t < a.n_tokens; ++t) {
    const uint8_t* x = a.x + t * a.x_row_bytes;
    float* y = a.y + t * a.y_stride;
    for (int64_t r = r0; r < r1; ++r) y[r] = Dot(a.cols, a.w + r * a.w_row_bytes, x);
  }
}

// Packed weights (tensor/quant/packed.h) against Q8_0 activation rows: the reference
// the SIMD packed kernels are tested against. Weight(p, h, i, e) = element e of block
// 2 p + h of row i, as stored (offset by Pack::kOffset).
struct PackQ4_0 {
  using Pair = PackedQ4_0Pair;
  static constexpr int kOffset = 8;
  static int weight(const Pair& p, int h, int i, int e) {
    const uint8_t q = p.qs[h][(e % 16) / 4][4 * i + e % 4];
    return e < 16 ? q & 0xF : q >> 4;
  }
};
struct PackQ8_0 {
  using Pair = PackedQ8_0Pair;
  static constexpr int kOffset = 128;
  static int weight(const Pair& p, int h, int i, int e) { return p.qs[h][e / 4][4 * i + e % 4]; }
};

template <typename Pack>
void packed_rows(const MatmulArgs& a, int64_t r0, int64_t r1) {
  const int64_t blocks = a.cols / kQK;
  for (int64_t r = r0; r < r1; ++r) {
    const auto* pairs = reinterpret_cast<const typename Pack::Pair*>(a.w + size_t(r / kPackRows) * a.w_row_bytes);
    const int i = int(r % kPackRows);
    for (int64_t t = 0; t < a.n_tokens; ++t) {
      const auto* x = reinterpret_cast<const BlockQ8_0*>(a.x + t * a.x_row_bytes);
      float sum = 0;
      for (int64_t b = 0; b < blocks; ++b) {
        const auto& p = pairs[b / 2];
        const int h = int(b % 2);
        int32_t dot = 0;
        for (int e = 0; e < kQK; ++e) dot += (Pack::weight(p, h, i, e) - Pack::kOffset) * x[b].qs[e];
        sum += fp16_to_fp32(p.d[h][i]) * fp16_to_fp32(x[b].d) * float(dot);
      }
      a.y[t * a.y_stride + r] = sum;
    }
  }
}

// Q4_Kx16 weights against Q8_K activation rows (the reference of the SIMD kernel).
void q4_k_packed_rows(const MatmulArgs& a, int64_t r0, int64_t r1) {
  const int64_t blocks = a.cols / kQKK;
  for (int64_t r = r0; r < r1; ++r) {
    const auto* units = reinterpret_cast<const PackedQ4_KBlock*>(a.w + size_t(r / kPackRows) * a.w_row_bytes);
    const int i = int(r % kPackRows);
    for (int64_t t = 0; t < a.n_tokens; ++t) {
      const auto* x = reinterpret_cast<const BlockQ8_K*>(a.x + t * a.x_row_bytes);
      float sum = 0;
      for (int64_t b = 0; b < blocks; ++b) {
        const PackedQ4_KBlock& p = units[b];
        int32_t dot_scaled = 0, min_scaled = 0;
        for (int sb = 0; sb < 8; ++sb) {
          int32_t dot = 0;
          for (int l = 0; l < 32; ++l) {
            const uint8_t byte = p.qs[sb / 2][l / 4][4 * i + l % 4];
            dot += (sb % 2 ? byte >> 4 : byte & 0xF) * x[b].qs[32 * sb + l];
          }
          dot_scaled += p.sc[sb][i] * dot;
          min_scaled += p.m[sb][i] * (x[b].bsums[2 * sb] + x[b].bsums[2 * sb + 1]);
        }
        sum += x[b].d * (fp16_to_fp32(p.d[i]) * float(dot_scaled) - fp16_to_fp32(p.dmin[i]) * float(min_scaled));
      }
      a.y[t * a.y_stride + r] = sum;
    }
  }
}

size_t q8_0_row_bytes(int64_t cols) { return size_t(cols / kQK) * sizeof(BlockQ8_0); }
size_t q8_k_row_bytes(int64_t cols) { return size_t(cols / kQKK) * sizeof(BlockQ8_K); }

float dot(const float* a, const float* b, int64_t n) {
  float sum = 0;
  for (int64_t i = 0; i < n; ++i) sum += a[i] * b[i];
  return sum;
}
void axpy(float a, const float* x, float* y, int64_t n) {
  for (int64_t i = 0; i < n; ++i) y[i] += a * x[i];
}
void add(const float* a, const float* b, float* out, int64_t n) {
  for (int64_t i = 0; i < n; ++i) out[i] = a[i] + b[i];
}
void mul(const float* a, const float* b, float* out, int64_t n) {
  for (int64_t i = 0; i < n; ++i) out[i] = a[i] * b[i];
}
void scale(float* x, float s, int64_t n) {
  for (int64_t i = 0; i < n; ++i) x[i] *= s;
}
float sum_squares(const float* x, int64_t n) {
  float sum = 0;
  for (int64_t i = 0; i < n; ++i) sum += x[i] * x[i];
  return sum;
}
float max(const float* x, int64_t n) {
  float m = -INFINITY;
  for (int64_t i = 0; i < n; ++i) m = std::fmax(m, x[i]);
  return m;
}
int64_t argmax(const float* x, int64_t n) {
  int64_t best = 0;
  for (int64_t i = 1; i < n; ++i)
    if (x[i] > x[best]) best = i;
  return best;
}
float exp_sub_sum(float* x, float m, int64_t n) {
  float sum = 0;
  for (int64_t i = 0; i < n; ++i) {
    x[i] = std::exp(x[i] - m);
    sum += x[i];
  }
  return sum;
}
void silu_mul(const float* gate, const float* up, float* out, int64_t n) {
  for (int64_t i = 0; i < n; ++i) out[i] = gate[i] / (1.0f + std::exp(-gate[i])) * up[i];
}

}  // namespace

int64_t argmax_generic(const float* x, int64_t n) { return argmax(x, n); }

void attend_generic(const float* q, const float* k, const float* v, int64_t n, int64_t hd, int64_t stride,
                    float scale, float* score, float* out) {
  const VectorKernels& vk = kernels().vec;
  for (int64_t p = 0; p < n; ++p) score[p] = vk.dot(q, k + p * stride, hd) * scale;
  const float sum = vk.exp_sub_sum(score, vk.max(score, n), n);
  for (int64_t i = 0; i < hd; ++i) out[i] = 0;
  for (int64_t p = 0; p < n; ++p) vk.axpy(score[p] / sum, v + p * stride, out, hd);
}

void fill_scalar_kernels(Kernels& k) {
  k.isa = Isa::kScalar;
  k.f32 = {nullptr, nullptr, rows_by_vec_dot<vec_dot_f32_f32>, 1};
  k.f16 = {nullptr, nullptr, rows_by_vec_dot<vec_dot_f16_f32>, 1};
  k.bf16 = {nullptr, nullptr, rows_by_vec_dot<vec_dot_bf16_f32>, 1};
  k.q8_0 = {q8_0_row_bytes, quantize_row_q8_0, rows_by_vec_dot<vec_dot_q8_0_q8_0>, 1, packed_rows<PackQ8_0>};
  k.q4_0 = {q8_0_row_bytes, quantize_row_q8_0, rows_by_vec_dot<vec_dot_q4_0_q8_0>, 1, packed_rows<PackQ4_0>};
  k.q4_k = {q8_k_row_bytes, quantize_row_q8_k, rows_by_vec_dot<vec_dot_q4_k_q8_k>, 1, q4_k_packed_rows};
  k.q6_k = {q8_k_row_bytes, quantize_row_q8_k, rows_by_vec_dot<vec_dot_q6_k_q8_k>, 1};
  k.vec = {dot, axpy, add, mul, scale, sum_squares, max, argmax, exp_sub_sum, silu_mul, attend_generic};
}

}  // namespace maas::tensor

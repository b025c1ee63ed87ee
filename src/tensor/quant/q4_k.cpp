// Q4_K: super-blocks of 256 = 8 sub-blocks of 32 with 6-bit scales and mins.
#include <algorithm>
#include <cmath>

#include "tensor/fp16.h"
#include "tensor/quant/blocks.h"
#include "tensor/quant/quants.h"

namespace maas::tensor {
namespace {

void pack_q4_k_scales(const uint8_t sc[8], const uint8_t m[8], uint8_t q[12]) {
  for (int j = 0; j < 12; ++j) q[j] = 0;
  for (int j = 0; j < 4; ++j) {
    q[j] = sc[j];
    q[j + 4] = m[j];
  }
  for (int j = 4; j < 8; ++j) {
    q[j + 4] = uint8_t((sc[j] & 0xF) | ((m[j] & 0xF) << 4));
    q[j - 4] |= uint8_t((sc[j] >> 4) << 6);
    q[j] |= uint8_t((m[j] >> 4) << 6);
  }
}

}  // namespace

// A plain min/max quantizer (not ggml's iterative search): each sub-block spans
// [min(0, lo), hi] in 15 steps; scales and mins are then quantized to 6 bits.
void quantize_row_q4_k(const float* x, void* y, int64_t n) {
  auto* blocks = static_cast<BlockQ4_K*>(y);
  for (int64_t b = 0; b < n / kQKK; ++b, x += kQKK) {
    float scale[8], min[8], max_scale = 0, max_min = 0;
    for (int s = 0; s < 8; ++s) {
      float lo = 0, hi = x[32 * s];
      for (int i = 0; i < 32; ++i) {
        lo = std::fmin(lo, x[32 * s + i]);
        hi = std::fmax(hi, x[32 * s + i]);
      }
      scale[s] = (hi - lo) / 15.0f;
      min[s] = -lo;
      max_scale = std::fmax(max_scale, scale[s]);
      max_min = std::fmax(max_min, min[s]);
    }
    BlockQ4_K& blk = blocks[b];
    blk.d = fp32_to_fp16(max_scale / 63.0f);
    blk.dmin = fp32_to_fp16(max_min / 63.0f);
    const float d = fp16_to_fp32(blk.d), dmin = fp16_to_fp32(blk.dmin);
    uint8_t sc[8], m[8];
    for (int s = 0; s < 8; ++s) {
      sc[s] = uint8_t(d > 0 ? std::clamp(int(std::lrintf(scale[s] / d)), 0, 63) : 0);
      m[s] = uint8_t(dmin > 0 ? std::clamp(int(std::lrintf(min[s] / dmin)), 0, 63) : 0);
    }
    pack_q4_k_scales(sc, m, blk.scales);
    uint8_t q[kQKK];
    for (int s = 0; s < 8; ++s) {
      const float step = d * sc[s], offset = dmin * m[s];
      for (int i = 0; i < 32; ++i) {
        const float v = step > 0 ? (x[32 * s + i] + offset) / step : 0.0f;
        q[32 * s + i] = uint8_t(std::clamp(int(std::lrintf(v)), 0, 15));
      }
    }
    for (int c = 0; c < 4; ++c)
      for (int l = 0; l < 32; ++l)
        blk.qs[32 * c + l] = uint8_t(q[64 * c + l] | (q[64 * c + 32 + l] << 4));
  }
}

void dequantize_row_q4_k(const void* x, float* y, int64_t n) {
  const auto* blocks = static_cast<const BlockQ4_K*>(x);
  for (int64_t b = 0; b < n / kQKK; ++b, y += kQKK) {
    const BlockQ4_K& blk = blocks[b];
    const float d = fp16_to_fp32(blk.d), dmin = fp16_to_fp32(blk.dmin);
    for (int c = 0; c < 4; ++c) {
      uint8_t sc0, m0, sc1, m1;
      unpack_q4_k_scale(blk.scales, 2 * c, &sc0, &m0);
      unpack_q4_k_scale(blk.scales, 2 * c + 1, &sc1, &m1);
      for (int l = 0; l < 32; ++l) {
        y[64 * c + l] = d * sc0 * (blk.qs[32 * c + l] & 0xF) - dmin * m0;
        y[64 * c + 32 + l] = d * sc1 * (blk.qs[32 * c + l] >> 4) - dmin * m1;
      }
    }
  }
}

float vec_dot_q4_k_q8_k(int64_t n, const void* w, const void* x) {
  const auto* wb = static_cast<const BlockQ4_K*>(w);
  const auto* xb = static_cast<const BlockQ8_K*>(x);
  float sum = 0;
  for (int64_t b = 0; b < n / kQKK; ++b) {
    int32_t dot_scaled = 0, min_scaled = 0;
    for (int c = 0; c < 4; ++c) {
      uint8_t sc0, m0, sc1, m1;
      unpack_q4_k_scale(wb[b].scales, 2 * c, &sc0, &m0);
      unpack_q4_k_scale(wb[b].scales, 2 * c + 1, &sc1, &m1);
      int32_t dot0 = 0, dot1 = 0;
      for (int l = 0; l < 32; ++l) {
        dot0 += (wb[b].qs[32 * c + l] & 0xF) * xb[b].qs[64 * c + l];
        dot1 += (wb[b].qs[32 * c + l] >> 4) * xb[b].qs[64 * c + 32 + l];
      }
      dot_scaled += sc0 * dot0 + sc1 * dot1;
      const int32_t xsum0 = xb[b].bsums[4 * c] + xb[b].bsums[4 * c + 1];
      const int32_t xsum1 = xb[b].bsums[4 * c + 2] + xb[b].bsums[4 * c + 3];
      min_scaled += m0 * xsum0 + m1 * xsum1;
    }
    sum += xb[b].d * (fp16_to_fp32(wb[b].d) * float(dot_scaled) -
                      fp16_to_fp32(wb[b].dmin) * float(min_scaled));
  }
  return sum;
}

}  // namespace maas::tensor

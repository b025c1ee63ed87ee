// Q6_K: super-blocks of 256 = 16 sub-blocks of 16 with int8 scales, 6-bit quants.
#include <algorithm>
#include <cmath>

#include "tensor/fp16.h"
#include "tensor/quant/blocks.h"
#include "tensor/quant/quants.h"

namespace maas::tensor {
namespace {

// Unpacks the 256 quants of a block to q - 32 in [-32, 31], in element order.
void unpack_q6_k(const BlockQ6_K& blk, int8_t q[kQKK]) {
  for (int h = 0; h < 2; ++h) {
    const uint8_t* ql = blk.ql + 64 * h;
    const uint8_t* qh = blk.qh + 32 * h;
    int8_t* out = q + 128 * h;
    for (int l = 0; l < 32; ++l) {
      out[l] = int8_t(((ql[l] & 0xF) | (((qh[l] >> 0) & 3) << 4)) - 32);
      out[l + 32] = int8_t(((ql[l + 32] & 0xF) | (((qh[l] >> 2) & 3) << 4)) - 32);
      out[l + 64] = int8_t(((ql[l] >> 4) | (((qh[l] >> 4) & 3) << 4)) - 32);
      out[l + 96] = int8_t(((ql[l + 32] >> 4) | (((qh[l] >> 6) & 3) << 4)) - 32);
    }
  }
}

}  // namespace

// Symmetric per-sub-block quantizer: scale = amax / 31, scales quantized to int8.
void quantize_row_q6_k(const float* x, void* y, int64_t n) {
  auto* blocks = static_cast<BlockQ6_K*>(y);
  for (int64_t b = 0; b < n / kQKK; ++b, x += kQKK) {
    float scale[16], max_scale = 0;
    for (int s = 0; s < 16; ++s) {
      float amax = 0;
      for (int i = 0; i < 16; ++i) amax = std::fmax(amax, std::fabs(x[16 * s + i]));
      scale[s] = amax / 31.0f;
      max_scale = std::fmax(max_scale, scale[s]);
    }
    BlockQ6_K& blk = blocks[b];
    blk.d = fp32_to_fp16(max_scale / 127.0f);
    const float d = fp16_to_fp32(blk.d);
    uint8_t q[kQKK];
    for (int s = 0; s < 16; ++s) {
      const int sc = d > 0 ? std::clamp(int(std::lrintf(scale[s] / d)), 0, 127) : 0;
      blk.scales[s] = int8_t(sc);
      const float step = d * sc;
      for (int i = 0; i < 16; ++i) {
        const float v = step > 0 ? x[16 * s + i] / step : 0.0f;
        q[16 * s + i] = uint8_t(std::clamp(int(std::lrintf(v)), -32, 31) + 32);
      }
    }
    for (int h = 0; h < 2; ++h) {
      const uint8_t* qq = q + 128 * h;
      for (int l = 0; l < 32; ++l) {
        blk.ql[64 * h + l] = uint8_t((qq[l] & 0xF) | ((qq[l + 64] & 0xF) << 4));
        blk.ql[64 * h + l + 32] = uint8_t((qq[l + 32] & 0xF) | ((qq[l + 96] & 0xF) << 4));
        blk.qh[32 * h + l] = uint8_t((qq[l] >> 4) | ((qq[l + 32] >> 4) << 2) |
                                     ((qq[l + 64] >> 4) << 4) | ((qq[l + 96] >> 4) << 6));
      }
    }
  }
}

void dequantize_row_q6_k(const void* x, float* y, int64_t n) {
  const auto* blocks = static_cast<const BlockQ6_K*>(x);
  int8_t q[kQKK];
  for (int64_t b = 0; b < n / kQKK; ++b, y += kQKK) {
    unpack_q6_k(blocks[b], q);
    const float d = fp16_to_fp32(blocks[b].d);
    for (int i = 0; i < kQKK; ++i) y[i] = d * blocks[b].scales[i / 16] * q[i];
  }
}

float vec_dot_q6_k_q8_k(int64_t n, const void* w, const void* x) {
  const auto* wb = static_cast<const BlockQ6_K*>(w);
  const auto* xb = static_cast<const BlockQ8_K*>(x);
  int8_t q[kQKK];
  float sum = 0;
  for (int64_t b = 0; b < n / kQKK; ++b) {
    unpack_q6_k(wb[b], q);
    int32_t dot = 0;
    for (int s = 0; s < 16; ++s) {
      int32_t part = 0;
      for (int i = 0; i < 16; ++i) part += q[16 * s + i] * xb[b].qs[16 * s + i];
      dot += wb[b].scales[s] * part;
    }
    sum += fp16_to_fp32(wb[b].d) * xb[b].d * float(dot);
  }
  return sum;
}

}  // namespace maas::tensor

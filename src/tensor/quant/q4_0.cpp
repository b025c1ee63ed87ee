// Q4_0: 32 4-bit quants (offset 8) and one fp16 scale per block.
#include <algorithm>
#include <cmath>

#include "tensor/fp16.h"
#include "tensor/quant/blocks.h"
#include "tensor/quant/quants.h"

namespace maas::tensor {

void quantize_row_q4_0(const float* x, void* y, int64_t n) {
  auto* blocks = static_cast<BlockQ4_0*>(y);
  for (int64_t b = 0; b < n / kQK; ++b, x += kQK) {
    // The element of largest magnitude maps to -8 exactly (the asymmetric end).
    float amax = 0, max = 0;
    for (int i = 0; i < kQK; ++i) {
      if (std::fabs(x[i]) > amax) {
        amax = std::fabs(x[i]);
        max = x[i];
      }
    }
    const float d = max / -8.0f;
    const float id = d != 0 ? 1.0f / d : 0.0f;
    blocks[b].d = fp32_to_fp16(d);
    for (int j = 0; j < kQK / 2; ++j) {
      const int lo = std::clamp(int(std::floor(x[j] * id + 8.5f)), 0, 15);
      const int hi = std::clamp(int(std::floor(x[j + kQK / 2] * id + 8.5f)), 0, 15);
      blocks[b].qs[j] = uint8_t(lo | (hi << 4));
    }
  }
}

void dequantize_row_q4_0(const void* x, float* y, int64_t n) {
  const auto* blocks = static_cast<const BlockQ4_0*>(x);
  for (int64_t b = 0; b < n / kQK; ++b, y += kQK) {
    const float d = fp16_to_fp32(blocks[b].d);
    for (int j = 0; j < kQK / 2; ++j) {
      y[j] = d * float((blocks[b].qs[j] & 0xF) - 8);
      y[j + kQK / 2] = d * float((blocks[b].qs[j] >> 4) - 8);
    }
  }
}

float vec_dot_q4_0_q8_0(int64_t n, const void* w, const void* x) {
  const auto* wb = static_cast<const BlockQ4_0*>(w);
  const auto* xb = static_cast<const BlockQ8_0*>(x);
  float sum = 0;
  for (int64_t b = 0; b < n / kQK; ++b) {
    int32_t dot = 0;
    for (int j = 0; j < kQK / 2; ++j) {
      dot += ((wb[b].qs[j] & 0xF) - 8) * xb[b].qs[j];
      dot += ((wb[b].qs[j] >> 4) - 8) * xb[b].qs[j + kQK / 2];
    }
    sum += fp16_to_fp32(wb[b].d) * fp16_to_fp32(xb[b].d) * float(dot);
  }
  return sum;
}

}  // namespace maas::tensor

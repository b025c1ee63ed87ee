// Q8_0: 32 int8 quants and one fp16 scale per block.
#include <cmath>

#include "tensor/fp16.h"
#include "tensor/quant/blocks.h"
#include "tensor/quant/quants.h"

namespace maas::tensor {

void quantize_row_q8_0(const float* x, void* y, int64_t n) {
  auto* blocks = static_cast<BlockQ8_0*>(y);
  for (int64_t b = 0; b < n / kQK; ++b, x += kQK) {
    float amax = 0;
    for (int i = 0; i < kQK; ++i) amax = std::fmax(amax, std::fabs(x[i]));
    const float d = amax / 127.0f;
    const float id = d != 0 ? 1.0f / d : 0.0f;
    blocks[b].d = fp32_to_fp16(d);
    for (int i = 0; i < kQK; ++i) blocks[b].qs[i] = int8_t(std::lrintf(x[i] * id));
  }
}

void dequantize_row_q8_0(const void* x, float* y, int64_t n) {
  const auto* blocks = static_cast<const BlockQ8_0*>(x);
  for (int64_t b = 0; b < n / kQK; ++b, y += kQK) {
    const float d = fp16_to_fp32(blocks[b].d);
    for (int i = 0; i < kQK; ++i) y[i] = d * blocks[b].qs[i];
  }
}

float vec_dot_q8_0_q8_0(int64_t n, const void* w, const void* x) {
  const auto* wb = static_cast<const BlockQ8_0*>(w);
  const auto* xb = static_cast<const BlockQ8_0*>(x);
  float sum = 0;
  for (int64_t b = 0; b < n / kQK; ++b) {
    int32_t dot = 0;
    for (int i = 0; i < kQK; ++i) dot += int32_t(wb[b].qs[i]) * xb[b].qs[i];
    sum += fp16_to_fp32(wb[b].d) * fp16_to_fp32(xb[b].d) * float(dot);
  }
  return sum;
}

}  // namespace maas::tensor

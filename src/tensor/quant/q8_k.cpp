// Q8_K: the activation format of the K-quant dot products (float scale, block sums).
#include <cmath>

#include "tensor/quant/blocks.h"
#include "tensor/quant/quants.h"

namespace maas::tensor {

void quantize_row_q8_k(const float* x, void* y, int64_t n) {
  auto* blocks = static_cast<BlockQ8_K*>(y);
  for (int64_t b = 0; b < n / kQKK; ++b, x += kQKK) {
    float amax = 0;
    for (int i = 0; i < kQKK; ++i) amax = std::fmax(amax, std::fabs(x[i]));
    const float d = amax / 127.0f;
    const float id = d != 0 ? 1.0f / d : 0.0f;
    blocks[b].d = d;
    for (int i = 0; i < kQKK; ++i) blocks[b].qs[i] = int8_t(std::lrintf(x[i] * id));
    for (int g = 0; g < kQKK / 16; ++g) {
      int sum = 0;
      for (int i = 0; i < 16; ++i) sum += blocks[b].qs[16 * g + i];
      blocks[b].bsums[g] = int16_t(sum);
    }
  }
}

void dequantize_row_q8_k(const void* x, float* y, int64_t n) {
  const auto* blocks = static_cast<const BlockQ8_K*>(x);
  for (int64_t b = 0; b < n / kQKK; ++b, y += kQKK)
    for (int i = 0; i < kQKK; ++i) y[i] = blocks[b].d * blocks[b].qs[i];
}

}  // namespace maas::tensor

// F32 helpers of the forward pass, on top of the dispatched vector kernels.
#include <cmath>

#include "tensor/kernels/kernels.h"
#include "tensor/ops.h"

namespace maas::tensor {

void rmsnorm(const float* x, const float* weight, int64_t n, float eps, float* out) {
  const VectorKernels& v = kernels().vec;
  const float inv_rms = 1.0f / std::sqrt(v.sum_squares(x, n) / float(n) + eps);
  if (weight != nullptr) {
    v.mul(x, weight, out, n);
    v.scale(out, inv_rms, n);
  } else {
    if (out != x)
      for (int64_t i = 0; i < n; ++i) out[i] = x[i];
    v.scale(out, inv_rms, n);
  }
}

void softmax(float* x, int64_t n) {
  const VectorKernels& v = kernels().vec;
  const float m = v.max(x, n);
  const float sum = v.exp_sub_sum(x, m, n);
  v.scale(x, 1.0f / sum, n);
}

void silu_mul(const float* gate, const float* up, int64_t n, float* out) {
  kernels().vec.silu_mul(gate, up, out, n);
}
void add(const float* a, const float* b, int64_t n, float* out) { kernels().vec.add(a, b, out, n); }
void mul(const float* a, const float* b, int64_t n, float* out) { kernels().vec.mul(a, b, out, n); }
void scale(float* x, float s, int64_t n) { kernels().vec.scale(x, s, n); }
float dot(const float* a, const float* b, int64_t n) { return kernels().vec.dot(a, b, n); }
void axpy(float a, const float* x, int64_t n, float* y) { kernels().vec.axpy(a, x, y, n); }

int64_t argmax(const float* x, int64_t n) { return kernels().vec.argmax(x, n); }

void attend(const float* q, const float* k, const float* v, int64_t n, int64_t hd, int64_t stride, float scale,
            float* score, float* out) {
  kernels().vec.attend(q, k, v, n, hd, stride, scale, score, out);
}

}  // namespace maas::tensor

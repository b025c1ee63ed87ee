#include "seq2seq/attention.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "seq2seq/parallel.h"

namespace maas::seq2seq {
namespace {

float dot(const float* a, const float* b, int64_t n) {
  float s = 0.0f;
  for (int64_t i = 0; i < n; ++i) s += a[i] * b[i];
  return s;
}

}  // namespace

void attention_forward(const AttentionShape& s, const float* keys, const float* values, const int32_t* src_len,
                       const float* h, float* weights, float* context, tensor::ThreadPool* pool) {
  const int64_t S = s.source, H = s.hidden, D = s.value;
  for_rows(pool, s.rows, [&](int64_t b) {
    const int64_t len = std::min<int64_t>(src_len[b], S);
    float* a = weights + b * S;
    const float* hb = h + b * H;
    float mx = -INFINITY;
    for (int64_t j = 0; j < len; ++j) {
      a[j] = dot(hb, keys + (b * S + j) * H, H);
      mx = std::max(mx, a[j]);
    }
    float sum = 0.0f;
    for (int64_t j = 0; j < len; ++j) sum += (a[j] = std::exp(a[j] - mx));
    for (int64_t j = 0; j < len; ++j) a[j] /= sum;
    std::fill(a + len, a + S, 0.0f);
    float* c = context + b * D;
    std::fill(c, c + D, 0.0f);
    for (int64_t j = 0; j < len; ++j) {
      const float* v = values + (b * S + j) * D;
      for (int64_t k = 0; k < D; ++k) c[k] += a[j] * v[k];
    }
  });
}

void attention_backward(const AttentionShape& s, const float* keys, const float* values, const int32_t* src_len,
                        const float* h, const float* weights, const float* dcontext, float* dh, float* dkeys,
                        float* dvalues, tensor::ThreadPool* pool) {
  const int64_t S = s.source, H = s.hidden, D = s.value;
  for_rows(pool, s.rows, [&](int64_t b) {
    const int64_t len = std::min<int64_t>(src_len[b], S);
    const float* a = weights + b * S;
    const float* dc = dcontext + b * D;
    const float* hb = h + b * H;
    std::vector<float> da(static_cast<size_t>(len));
    float weighted = 0.0f;  // sum_j a_j da_j
    for (int64_t j = 0; j < len; ++j) {
      const float* v = values + (b * S + j) * D;
      float* dv = dvalues + (b * S + j) * D;
      da[j] = dot(dc, v, D);
      weighted += a[j] * da[j];
      for (int64_t k = 0; k < D; ++k) dv[k] += a[j] * dc[k];
    }
    float* dhb = dh + b * H;
    for (int64_t j = 0; j < len; ++j) {
      const float ds = a[j] * (da[j] - weighted);  // through the softmax
      const float* kj = keys + (b * S + j) * H;
      float* dk = dkeys + (b * S + j) * H;
      for (int64_t k = 0; k < H; ++k) {
        dhb[k] += ds * kj[k];
        dk[k] += ds * hb[k];
      }
    }
  });
}

}  // namespace maas::seq2seq

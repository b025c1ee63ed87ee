#include "seq2seq/gru.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "seq2seq/parallel.h"
#include "tensor/gemm.h"

namespace maas::seq2seq {
namespace {

using tensor::gemm;
using tensor::Trans;

inline float sigmoid(float x) { return 1.0f / (1.0f + std::exp(-x)); }

}  // namespace

void add_column_sums(const float* m, int64_t rows, int64_t cols, float* out) {
  for (int64_t i = 0; i < rows; ++i)
    for (int64_t j = 0; j < cols; ++j) out[j] += m[i * cols + j];
}

void gru_step_forward(const GruWeights& w, int64_t rows, const float* gi, const float* h_prev, const uint8_t* active,
                      float* h_new, float* cache, float* gh, tensor::ThreadPool* pool) {
  const int64_t H = w.hidden;
  gemm(Trans::kNo, Trans::kYes, {rows, 3 * H, H}, 1.0f, h_prev, H, w.w_hh, H, 0.0f, gh, 3 * H, pool);
  for_rows(pool, rows, [&](int64_t b) {
    const float* hp = h_prev + b * H;
    float* hn = h_new + b * H;
    float* c = cache + b * kGruCachePerHidden * H;
    if (active && !active[b]) {
      std::memcpy(hn, hp, sizeof(float) * H);
      std::fill(c, c + kGruCachePerHidden * H, 0.0f);
      return;
    }
    const float* gib = gi + b * 3 * H;
    const float* ghb = gh + b * 3 * H;
    for (int64_t j = 0; j < H; ++j) {
      const float r = sigmoid(gib[j] + ghb[j] + w.b_hh[j]);
      const float z = sigmoid(gib[H + j] + ghb[H + j] + w.b_hh[H + j]);
      const float ghn = ghb[2 * H + j] + w.b_hh[2 * H + j];
      const float n = std::tanh(gib[2 * H + j] + r * ghn);
      hn[j] = (1.0f - z) * n + z * hp[j];
      c[j] = r;
      c[H + j] = z;
      c[2 * H + j] = n;
      c[3 * H + j] = ghn;
    }
  });
}

void gru_step_backward(const GruWeights& w, int64_t rows, const float* h_prev, const float* cache,
                       const uint8_t* active, const float* dh_new, float* dgi, float* dgh, float* dh_prev,
                       tensor::ThreadPool* pool) {
  const int64_t H = w.hidden;
  for_rows(pool, rows, [&](int64_t b) {
    const float* dh = dh_new + b * H;
    float* dp = dh_prev + b * H;
    float* dgib = dgi + b * 3 * H;
    float* dghb = dgh + b * 3 * H;
    if (active && !active[b]) {
      std::memcpy(dp, dh, sizeof(float) * H);
      std::fill(dgib, dgib + 3 * H, 0.0f);
      std::fill(dghb, dghb + 3 * H, 0.0f);
      return;
    }
    const float* c = cache + b * kGruCachePerHidden * H;
    const float* hp = h_prev + b * H;
    for (int64_t j = 0; j < H; ++j) {
      const float r = c[j], z = c[H + j], n = c[2 * H + j], ghn = c[3 * H + j];
      const float dn = dh[j] * (1.0f - z);
      const float dz = dh[j] * (hp[j] - n);
      const float dan = dn * (1.0f - n * n);       // through tanh
      const float dar = dan * ghn * r * (1.0f - r);  // through r's sigmoid
      const float daz = dz * z * (1.0f - z);
      dgib[j] = dar;
      dgib[H + j] = daz;
      dgib[2 * H + j] = dan;
      dghb[j] = dar;
      dghb[H + j] = daz;
      dghb[2 * H + j] = dan * r;
      dp[j] = dh[j] * z;
    }
  });
  gemm(Trans::kNo, Trans::kNo, {rows, H, 3 * H}, 1.0f, dgh, 3 * H, w.w_hh, H, 1.0f, dh_prev, H, pool);
}

void gru_sequence_forward(const GruWeights& w, int64_t steps, int64_t rows, const float* x, const uint8_t* active,
                          bool reverse, float* y, GruSequenceCache& cache, tensor::ThreadPool* pool) {
  const int64_t H = w.hidden, N = steps * rows;
  std::vector<float>& gi = cache.gi;
  gi.resize(static_cast<size_t>(N * 3 * H));
  gemm(Trans::kNo, Trans::kYes, {N, 3 * H, w.in}, 1.0f, x, w.in, w.w_ih, w.in, 0.0f, gi.data(), 3 * H, pool);
  for (int64_t i = 0; i < N; ++i)
    for (int64_t j = 0; j < 3 * H; ++j) gi[i * 3 * H + j] += w.b_ih[j];
  cache.h_prev.assign(static_cast<size_t>(N * H), 0.0f);
  cache.gates.assign(static_cast<size_t>(N * kGruCachePerHidden * H), 0.0f);
  std::vector<float>&h = cache.h, &h_next = cache.h_next, &gh = cache.gh;
  h.assign(static_cast<size_t>(rows * H), 0.0f);
  h_next.resize(h.size());
  gh.resize(static_cast<size_t>(rows * 3 * H));
  for (int64_t s = 0; s < steps; ++s) {
    const int64_t t = reverse ? steps - 1 - s : s;
    const int64_t r0 = t * rows;
    std::copy(h.begin(), h.end(), cache.h_prev.begin() + r0 * H);
    gru_step_forward(w, rows, gi.data() + r0 * 3 * H, h.data(), active + r0, h_next.data(),
                     cache.gates.data() + r0 * kGruCachePerHidden * H, gh.data(), pool);
    h.swap(h_next);
    for (int64_t b = 0; b < rows; ++b) {
      float* yb = y + (r0 + b) * H;
      if (active[r0 + b])
        std::copy(h.begin() + b * H, h.begin() + (b + 1) * H, yb);
      else
        std::fill(yb, yb + H, 0.0f);
    }
  }
}

void gru_sequence_backward(const GruWeights& w, const GruGrads& g, int64_t steps, int64_t rows, const float* x,
                           const uint8_t* active, bool reverse, GruSequenceCache& cache, const float* dy,
                           float* dx, tensor::ThreadPool* pool) {
  const int64_t H = w.hidden, N = steps * rows;
  std::vector<float>&dgi = cache.dgi, &dgh = cache.dgh, &dh = cache.dh, &dh_prev = cache.dh_prev, &dh_new = cache.dh_new;
  dgi.resize(static_cast<size_t>(N * 3 * H));
  dgh.resize(static_cast<size_t>(N * 3 * H));
  dh.assign(static_cast<size_t>(rows * H), 0.0f);
  dh_prev.resize(dh.size());
  dh_new.resize(dh.size());
  for (int64_t s = steps - 1; s >= 0; --s) {  // reverse of the forward order
    const int64_t t = reverse ? steps - 1 - s : s;
    const int64_t r0 = t * rows;
    for (int64_t i = 0; i < rows * H; ++i) dh_new[i] = dh[i] + (active[r0 + i / H] ? dy[r0 * H + i] : 0.0f);
    gru_step_backward(w, rows, cache.h_prev.data() + r0 * H, cache.gates.data() + r0 * kGruCachePerHidden * H,
                      active + r0, dh_new.data(), dgi.data() + r0 * 3 * H, dgh.data() + r0 * 3 * H, dh_prev.data(),
                      pool);
    dh.swap(dh_prev);
  }
  // Weight gradients over the whole sequence in three GEMMs.
  gemm(Trans::kYes, Trans::kNo, {3 * H, H, N}, 1.0f, dgh.data(), 3 * H, cache.h_prev.data(), H, 1.0f, g.w_hh, H, pool);
  gemm(Trans::kYes, Trans::kNo, {3 * H, w.in, N}, 1.0f, dgi.data(), 3 * H, x, w.in, 1.0f, g.w_ih, w.in, pool);
  add_column_sums(dgh.data(), N, 3 * H, g.b_hh);
  add_column_sums(dgi.data(), N, 3 * H, g.b_ih);
  gemm(Trans::kNo, Trans::kNo, {N, w.in, 3 * H}, 1.0f, dgi.data(), 3 * H, w.w_ih, w.in, 1.0f, dx, w.in, pool);
}

}  // namespace maas::seq2seq

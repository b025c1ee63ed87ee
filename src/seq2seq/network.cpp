#include "seq2seq/network.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "seq2seq/attention.h"
#include "seq2seq/parallel.h"
#include "tensor/gemm.h"

namespace maas::seq2seq {
namespace {

using tensor::gemm;
using tensor::Trans;

// Random streams (with the batch counter) so each mask is drawn independently.
enum Stream : uint64_t { kEncoderInput = 1, kDecoderEmbedding = 2, kOutput = 3, kTeacherCoin = 4 };
uint64_t stream_of(uint64_t counter, Stream purpose, uint64_t index) {
  return mix64(counter * 0x100000001b3ull + static_cast<uint64_t>(purpose) * 0x9e3779b9ull + index);
}

// Inverted dropout: each element kept with probability 1-p and scaled by 1/(1-p).
void dropout_mask(std::vector<float>& mask, size_t n, float p, uint64_t seed, uint64_t stream) {
  mask.resize(n);
  const float keep = 1.0f / (1.0f - p);
  for (size_t i = 0; i < n; ++i) mask[i] = hash_uniform(seed, stream, i) < p ? 0.0f : keep;
}

void log_softmax_rows(float* x, int64_t rows, int64_t cols, tensor::ThreadPool* pool) {
  for_rows(pool, rows, [&](int64_t r) {
    float* v = x + r * cols;
    float mx = v[0];
    for (int64_t j = 1; j < cols; ++j) mx = std::max(mx, v[j]);
    double sum = 0;
    for (int64_t j = 0; j < cols; ++j) sum += std::exp(static_cast<double>(v[j] - mx));
    const float lse = mx + static_cast<float>(std::log(sum));
    for (int64_t j = 0; j < cols; ++j) v[j] -= lse;
  });
}

void add_bias_rows(float* y, int64_t rows, int64_t cols, const float* bias) {
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t j = 0; j < cols; ++j) y[r * cols + j] += bias[j];
}

// Everything the encoder computed, for the backward pass.
struct EncoderPass {
  int64_t rows = 0, steps = 0;
  std::vector<uint8_t> active;               // steps*rows
  std::vector<std::vector<float>> inputs;    // per layer, after dropout: steps*rows x in
  std::vector<std::vector<float>> masks;     // per layer: dropout scales (empty: no dropout)
  std::vector<std::vector<float>> outputs;   // per layer: steps*rows x 2H, [forward ; backward]
  std::vector<GruSequenceCache> caches;      // per GRU (2 per layer)
  std::vector<float> mean;                   // rows x 2H
  std::vector<float> yf, yb;                 // scratch: one layer's two directions
  Encoded enc;
};

void run_encoder(const Layout& l, const float* p, const std::vector<int32_t>& src, const std::vector<int32_t>& src_len,
                 int64_t rows, int64_t steps, const TrainSettings* train, EncoderPass& e, tensor::ThreadPool* pool) {
  const int64_t E = l.hp.embed, H = l.hp.hidden, N = rows * steps;
  e.rows = rows;
  e.steps = steps;
  e.active.assign(static_cast<size_t>(N), 0);
  for (int64_t t = 0; t < steps; ++t)
    for (int64_t b = 0; b < rows; ++b) e.active[t * rows + b] = t < src_len[b];
  const int64_t layers = l.hp.layers;
  e.inputs.resize(layers);
  e.masks.resize(layers);
  e.outputs.resize(layers);
  e.caches.resize(2 * layers);
  for (int64_t layer = 0; layer < layers; ++layer) {
    const int64_t in = layer == 0 ? E : 2 * H;
    std::vector<float>& x = e.inputs[layer];
    if (layer == 0) {
      x.assign(static_cast<size_t>(N * E), 0.0f);
      for (int64_t i = 0; i < N; ++i)
        if (e.active[i]) std::memcpy(&x[i * E], p + l.src_emb + src[i] * E, sizeof(float) * E);
    } else {
      x = e.outputs[layer - 1];
    }
    e.masks[layer].clear();
    if (train && train->dropout > 0) {
      dropout_mask(e.masks[layer], x.size(), train->dropout, train->seed,
                   stream_of(train->counter, kEncoderInput, layer));
      for (size_t i = 0; i < x.size(); ++i) x[i] *= e.masks[layer][i];
    }
    std::vector<float>&yf = e.yf, &yb = e.yb;
    yf.resize(static_cast<size_t>(N * H));
    yb.resize(static_cast<size_t>(N * H));
    gru_sequence_forward(l.gru(p, l.enc[2 * layer]), steps, rows, x.data(), e.active.data(), false, yf.data(),
                         e.caches[2 * layer], pool);
    gru_sequence_forward(l.gru(p, l.enc[2 * layer + 1]), steps, rows, x.data(), e.active.data(), true, yb.data(),
                         e.caches[2 * layer + 1], pool);
    std::vector<float>& y = e.outputs[layer];
    y.resize(static_cast<size_t>(N * 2 * H));
    for (int64_t i = 0; i < N; ++i) {
      std::memcpy(&y[i * 2 * H], &yf[i * H], sizeof(float) * H);
      std::memcpy(&y[i * 2 * H + H], &yb[i * H], sizeof(float) * H);
    }
    (void)in;
  }
  // Batch-major values, keys = values W_a^T, and the decoder's first state.
  Encoded& enc = e.enc;
  enc.rows = rows;
  enc.steps = steps;
  enc.src_len = src_len;
  const std::vector<float>& top = e.outputs.back();
  enc.values.resize(static_cast<size_t>(N * 2 * H));
  for (int64_t t = 0; t < steps; ++t)
    for (int64_t b = 0; b < rows; ++b)
      std::memcpy(&enc.values[(b * steps + t) * 2 * H], &top[(t * rows + b) * 2 * H], sizeof(float) * 2 * H);
  enc.keys.resize(static_cast<size_t>(N * H));
  gemm(Trans::kNo, Trans::kYes, {N, H, 2 * H}, 1.0f, enc.values.data(), 2 * H, p + l.att_w, 2 * H, 0.0f,
       enc.keys.data(), H, pool);
  e.mean.assign(static_cast<size_t>(rows * 2 * H), 0.0f);
  for (int64_t b = 0; b < rows; ++b) {
    const int64_t len = std::min<int64_t>(src_len[b], steps);
    for (int64_t t = 0; t < len; ++t)
      for (int64_t k = 0; k < 2 * H; ++k) e.mean[b * 2 * H + k] += enc.values[(b * steps + t) * 2 * H + k];
    for (int64_t k = 0; k < 2 * H && len > 0; ++k) e.mean[b * 2 * H + k] /= static_cast<float>(len);
  }
  enc.h0.resize(static_cast<size_t>(rows * H));
  gemm(Trans::kNo, Trans::kYes, {rows, H, 2 * H}, 1.0f, e.mean.data(), 2 * H, p + l.init_w, 2 * H, 0.0f,
       enc.h0.data(), H, pool);
  for (int64_t b = 0; b < rows; ++b)
    for (int64_t k = 0; k < H; ++k) enc.h0[b * H + k] = std::tanh(enc.h0[b * H + k] + p[l.init_b + k]);
}

// One decoder step's values; in training these point into the per-sequence arrays.
struct StepValues {
  float* x;         // rows x (E+H): [embedding ; previous attentional state]
  float* gates;     // rows x 4H
  float* h;         // rows x H
  float* attn;      // rows x S
  float* u;         // rows x 3H: [context ; h]
  float* tilde;     // rows x H: attentional state
  float* out_in;    // rows x H: tilde after dropout
  float* logprobs;  // rows x Vt
};

struct StepScratch {
  std::vector<float> gi, gh, ctx;
};

// x must hold the (dropped-out) embeddings in its first E columns already.
void decoder_step(const Layout& l, const float* p, const Encoded& enc, const float* h_prev, const float* feed,
                  const float* out_mask, StepValues& s, StepScratch& scratch, tensor::ThreadPool* pool) {
  const int64_t R = enc.rows, S = enc.steps, E = l.hp.embed, H = l.hp.hidden, V = l.hp.tgt_vocab, X = E + H;
  for (int64_t b = 0; b < R; ++b) std::memcpy(s.x + b * X + E, feed + b * H, sizeof(float) * H);
  const GruWeights w = l.gru(p, l.dec);
  scratch.gi.resize(static_cast<size_t>(R * 3 * H));
  scratch.gh.resize(static_cast<size_t>(R * 3 * H));
  scratch.ctx.resize(static_cast<size_t>(R * 2 * H));
  gemm(Trans::kNo, Trans::kYes, {R, 3 * H, X}, 1.0f, s.x, X, w.w_ih, X, 0.0f, scratch.gi.data(), 3 * H, pool);
  add_bias_rows(scratch.gi.data(), R, 3 * H, w.b_ih);
  gru_step_forward(w, R, scratch.gi.data(), h_prev, nullptr, s.h, s.gates, scratch.gh.data(), pool);
  attention_forward({R, S, H, 2 * H}, enc.keys.data(), enc.values.data(), enc.src_len.data(), s.h, s.attn,
                    scratch.ctx.data(), pool);
  for (int64_t b = 0; b < R; ++b) {
    std::memcpy(s.u + b * 3 * H, &scratch.ctx[b * 2 * H], sizeof(float) * 2 * H);
    std::memcpy(s.u + b * 3 * H + 2 * H, s.h + b * H, sizeof(float) * H);
  }
  gemm(Trans::kNo, Trans::kYes, {R, H, 3 * H}, 1.0f, s.u, 3 * H, p + l.comb_w, 3 * H, 0.0f, s.tilde, H, pool);
  for (int64_t i = 0; i < R * H; ++i) {
    s.tilde[i] = std::tanh(s.tilde[i] + p[l.comb_b + i % H]);
    s.out_in[i] = out_mask ? s.tilde[i] * out_mask[i] : s.tilde[i];
  }
  gemm(Trans::kNo, Trans::kYes, {R, V, H}, 1.0f, s.out_in, H, p + l.out_w, H, 0.0f, s.logprobs, V, pool);
  add_bias_rows(s.logprobs, R, V, p + l.out_b);
  log_softmax_rows(s.logprobs, R, V, pool);
}

// The decoder over a whole target sequence, with everything backward needs.
struct DecoderPass {
  int64_t rows = 0, steps = 0;
  std::vector<int32_t> prev;  // steps*rows: the token fed at each step
  std::vector<float> x, h_prev, gates, h, attn, u, tilde, out_in, logprobs;
  std::vector<float> emb_mask, out_mask;  // dropout scales (empty: none)
  std::vector<float> zeros;
  StepScratch scratch;
};

int32_t argmax(const float* v, int64_t n) {
  return static_cast<int32_t>(std::max_element(v, v + n) - v);
}

LossSum run_decoder(const Layout& l, const float* p, const Batch& batch, const Encoded& enc,
                    const TrainSettings* train, DecoderPass& d, tensor::ThreadPool* pool) {
  const int64_t R = batch.rows, T = batch.tgt_steps, S = enc.steps;
  const int64_t E = l.hp.embed, H = l.hp.hidden, V = l.hp.tgt_vocab, X = E + H, N = R * T;
  d.rows = R;
  d.steps = T;
  d.prev.assign(static_cast<size_t>(N), kPad);
  d.x.assign(static_cast<size_t>(N * X), 0.0f);
  d.h_prev.resize(static_cast<size_t>(N * H));
  d.gates.resize(static_cast<size_t>(N * kGruCachePerHidden * H));
  d.h.resize(static_cast<size_t>(N * H));
  d.attn.resize(static_cast<size_t>(N * S));
  d.u.resize(static_cast<size_t>(N * 3 * H));
  d.tilde.resize(static_cast<size_t>(N * H));
  d.out_in.resize(static_cast<size_t>(N * H));
  d.logprobs.resize(static_cast<size_t>(N * V));
  const bool dropout = train && train->dropout > 0;
  if (dropout) {
    dropout_mask(d.emb_mask, static_cast<size_t>(N * E), train->dropout, train->seed,
                 stream_of(train->counter, kDecoderEmbedding, 0));
    dropout_mask(d.out_mask, static_cast<size_t>(N * H), train->dropout, train->seed,
                 stream_of(train->counter, kOutput, 0));
  } else {
    d.emb_mask.clear();
    d.out_mask.clear();
  }
  d.zeros.assign(static_cast<size_t>(R * H), 0.0f);
  const std::vector<float>& zeros = d.zeros;
  StepScratch& scratch = d.scratch;
  LossSum loss;
  for (int64_t t = 0; t < T; ++t) {
    const int64_t r0 = t * R;
    for (int64_t b = 0; b < R; ++b) {
      int32_t token = batch.tgt_in[r0 + b];
      if (t > 0 && train && train->teacher_forcing < 1.0f &&
          hash_uniform(train->seed, stream_of(train->counter, kTeacherCoin, t), b) >= train->teacher_forcing)
        token = argmax(&d.logprobs[(r0 - R + b) * V], V);
      d.prev[r0 + b] = token;
      float* xe = &d.x[(r0 + b) * X];
      const float* emb = p + l.tgt_emb + token * E;
      for (int64_t k = 0; k < E; ++k) xe[k] = dropout ? emb[k] * d.emb_mask[(r0 + b) * E + k] : emb[k];
    }
    const float* h_prev = t == 0 ? enc.h0.data() : &d.h[(r0 - R) * H];
    const float* feed = t == 0 ? zeros.data() : &d.tilde[(r0 - R) * H];
    std::memcpy(&d.h_prev[r0 * H], h_prev, sizeof(float) * R * H);
    StepValues s{&d.x[r0 * X],   &d.gates[r0 * kGruCachePerHidden * H], &d.h[r0 * H],      &d.attn[r0 * S],
                 &d.u[r0 * 3 * H], &d.tilde[r0 * H],                    &d.out_in[r0 * H], &d.logprobs[r0 * V]};
    decoder_step(l, p, enc, &d.h_prev[r0 * H], feed, dropout ? &d.out_mask[r0 * H] : nullptr, s, scratch, pool);
    for (int64_t b = 0; b < R; ++b) {
      const int32_t gold = batch.tgt_out[r0 + b];
      if (gold < 0) continue;
      loss.nll -= d.logprobs[(r0 + b) * V + gold];
      ++loss.tokens;
    }
  }
  return loss;
}

struct BackwardBuffers {
  std::vector<float> dlogits, d_out_in, dpre, dgi, dgh, dkeys, dvalues, dfeed, dh_carry, du, dctx, dh, dx, dpre0,
      dmean, dy, dyf, dyb, dx_layer;
};

// v sized n, contents left as they are (the caller overwrites every element).
std::vector<float>& sized(std::vector<float>& v, int64_t n) {
  v.resize(static_cast<size_t>(n));
  return v;
}
std::vector<float>& zeroed(std::vector<float>& v, int64_t n) {
  v.assign(static_cast<size_t>(n), 0.0f);
  return v;
}

void run_backward(const Layout& l, const float* p, float* g, const Batch& batch, EncoderPass& e, DecoderPass& d,
                  BackwardBuffers& bb, tensor::ThreadPool* pool) {
  const int64_t R = batch.rows, T = batch.tgt_steps, S = e.steps;
  const int64_t E = l.hp.embed, H = l.hp.hidden, V = l.hp.tgt_vocab, X = E + H, N = R * T;
  const Encoded& enc = e.enc;
  const float scale = 1.0f / static_cast<float>(std::max<int64_t>(1, batch.target_tokens));

  // Output layer for all steps at once: dlogits = (softmax - onehot) / tokens.
  std::vector<float>& dlogits = sized(bb.dlogits, N * V);
  for_rows(pool, N, [&](int64_t i) {
    float* dl = &dlogits[i * V];
    const int32_t gold = batch.tgt_out[i];
    if (gold < 0) {
      std::fill(dl, dl + V, 0.0f);
      return;
    }
    const float* lp = &d.logprobs[i * V];
    for (int64_t j = 0; j < V; ++j) dl[j] = std::exp(lp[j]) * scale;
    dl[gold] -= scale;
  });
  std::vector<float>& d_out_in = sized(bb.d_out_in, N * H);
  gemm(Trans::kNo, Trans::kNo, {N, H, V}, 1.0f, dlogits.data(), V, p + l.out_w, H, 0.0f, d_out_in.data(), H, pool);
  gemm(Trans::kYes, Trans::kNo, {V, H, N}, 1.0f, dlogits.data(), V, d.out_in.data(), H, 1.0f, g + l.out_w, H, pool);
  add_column_sums(dlogits.data(), N, V, g + l.out_b);

  // Decoder steps, last to first.
  const GruWeights dec = l.gru(p, l.dec);
  std::vector<float>&dpre = sized(bb.dpre, N * H), &dgi = sized(bb.dgi, N * 3 * H), &dgh = sized(bb.dgh, N * 3 * H);
  std::vector<float>&dkeys = zeroed(bb.dkeys, R * S * H), &dvalues = zeroed(bb.dvalues, R * S * 2 * H);
  std::vector<float>&dfeed = zeroed(bb.dfeed, R * H), &dh_carry = zeroed(bb.dh_carry, R * H);
  std::vector<float>&du = sized(bb.du, R * 3 * H), &dctx = sized(bb.dctx, R * 2 * H), &dh = sized(bb.dh, R * H),
                     &dx = sized(bb.dx, R * X);
  for (int64_t t = T - 1; t >= 0; --t) {
    const int64_t r0 = t * R;
    for (int64_t i = 0; i < R * H; ++i) {
      const float m = d.out_mask.empty() ? 1.0f : d.out_mask[r0 * H + i];
      const float dtilde = d_out_in[r0 * H + i] * m + dfeed[i];
      const float y = d.tilde[r0 * H + i];
      dpre[r0 * H + i] = dtilde * (1.0f - y * y);
    }
    gemm(Trans::kNo, Trans::kNo, {R, 3 * H, H}, 1.0f, &dpre[r0 * H], H, p + l.comb_w, 3 * H, 0.0f, du.data(), 3 * H,
         pool);
    for (int64_t b = 0; b < R; ++b) {
      std::memcpy(&dctx[b * 2 * H], &du[b * 3 * H], sizeof(float) * 2 * H);
      for (int64_t k = 0; k < H; ++k) dh[b * H + k] = dh_carry[b * H + k] + du[b * 3 * H + 2 * H + k];
    }
    attention_backward({R, S, H, 2 * H}, enc.keys.data(), enc.values.data(), enc.src_len.data(), &d.h[r0 * H],
                       &d.attn[r0 * S], dctx.data(), dh.data(), dkeys.data(), dvalues.data(), pool);
    gru_step_backward(dec, R, &d.h_prev[r0 * H], &d.gates[r0 * kGruCachePerHidden * H], nullptr, dh.data(),
                      &dgi[r0 * 3 * H], &dgh[r0 * 3 * H], dh_carry.data(), pool);
    gemm(Trans::kNo, Trans::kNo, {R, X, 3 * H}, 1.0f, &dgi[r0 * 3 * H], 3 * H, dec.w_ih, X, 0.0f, dx.data(), X, pool);
    for (int64_t b = 0; b < R; ++b) {
      const int32_t token = d.prev[r0 + b];
      float* ge = g + l.tgt_emb + token * E;
      for (int64_t k = 0; k < E; ++k)
        ge[k] += dx[b * X + k] * (d.emb_mask.empty() ? 1.0f : d.emb_mask[(r0 + b) * E + k]);
      std::memcpy(&dfeed[b * H], &dx[b * X + E], sizeof(float) * H);
    }
  }
  gemm(Trans::kYes, Trans::kNo, {H, 3 * H, N}, 1.0f, dpre.data(), H, d.u.data(), 3 * H, 1.0f, g + l.comb_w, 3 * H,
       pool);
  add_column_sums(dpre.data(), N, H, g + l.comb_b);
  const GruGrads gdec = Layout::gru_grads(g, l.dec);
  gemm(Trans::kYes, Trans::kNo, {3 * H, H, N}, 1.0f, dgh.data(), 3 * H, d.h_prev.data(), H, 1.0f, gdec.w_hh, H, pool);
  gemm(Trans::kYes, Trans::kNo, {3 * H, X, N}, 1.0f, dgi.data(), 3 * H, d.x.data(), X, 1.0f, gdec.w_ih, X, pool);
  add_column_sums(dgh.data(), N, 3 * H, gdec.b_hh);
  add_column_sums(dgi.data(), N, 3 * H, gdec.b_ih);

  // The decoder's first state: h0 = tanh(mean W_init^T + b_init).
  std::vector<float>&dpre0 = sized(bb.dpre0, R * H), &dmean = sized(bb.dmean, R * 2 * H);
  for (int64_t i = 0; i < R * H; ++i) dpre0[i] = dh_carry[i] * (1.0f - enc.h0[i] * enc.h0[i]);
  gemm(Trans::kYes, Trans::kNo, {H, 2 * H, R}, 1.0f, dpre0.data(), H, e.mean.data(), 2 * H, 1.0f, g + l.init_w, 2 * H,
       pool);
  add_column_sums(dpre0.data(), R, H, g + l.init_b);
  gemm(Trans::kNo, Trans::kNo, {R, 2 * H, H}, 1.0f, dpre0.data(), H, p + l.init_w, 2 * H, 0.0f, dmean.data(), 2 * H,
       pool);
  for (int64_t b = 0; b < R; ++b) {
    const int64_t len = std::min<int64_t>(enc.src_len[b], S);
    for (int64_t t = 0; t < len; ++t)
      for (int64_t k = 0; k < 2 * H; ++k)
        dvalues[(b * S + t) * 2 * H + k] += dmean[b * 2 * H + k] / static_cast<float>(len);
  }
  // keys = values W_a^T.
  gemm(Trans::kYes, Trans::kNo, {H, 2 * H, R * S}, 1.0f, dkeys.data(), H, enc.values.data(), 2 * H, 1.0f,
       g + l.att_w, 2 * H, pool);
  gemm(Trans::kNo, Trans::kNo, {R * S, 2 * H, H}, 1.0f, dkeys.data(), H, p + l.att_w, 2 * H, 1.0f, dvalues.data(),
       2 * H, pool);

  // Encoder layers, top to bottom.
  const int64_t NS = R * S;
  std::vector<float>& dy = sized(bb.dy, NS * 2 * H);
  for (int64_t t = 0; t < S; ++t)
    for (int64_t b = 0; b < R; ++b)
      std::memcpy(&dy[(t * R + b) * 2 * H], &dvalues[(b * S + t) * 2 * H], sizeof(float) * 2 * H);
  for (int64_t layer = l.hp.layers - 1; layer >= 0; --layer) {
    const int64_t in = layer == 0 ? E : 2 * H;
    std::vector<float>&dyf = sized(bb.dyf, NS * H), &dyb = sized(bb.dyb, NS * H);
    for (int64_t i = 0; i < NS; ++i) {
      std::memcpy(&dyf[i * H], &dy[i * 2 * H], sizeof(float) * H);
      std::memcpy(&dyb[i * H], &dy[i * 2 * H + H], sizeof(float) * H);
    }
    std::vector<float>& dx_layer = zeroed(bb.dx_layer, NS * in);
    const float* x = e.inputs[layer].data();
    gru_sequence_backward(l.gru(p, l.enc[2 * layer]), Layout::gru_grads(g, l.enc[2 * layer]), S, R, x,
                          e.active.data(), false, e.caches[2 * layer], dyf.data(), dx_layer.data(), pool);
    gru_sequence_backward(l.gru(p, l.enc[2 * layer + 1]), Layout::gru_grads(g, l.enc[2 * layer + 1]), S, R, x,
                          e.active.data(), true, e.caches[2 * layer + 1], dyb.data(), dx_layer.data(), pool);
    if (!e.masks[layer].empty())
      for (size_t i = 0; i < dx_layer.size(); ++i) dx_layer[i] *= e.masks[layer][i];
    if (layer > 0) {
      dy.swap(dx_layer);
    } else {
      for (int64_t i = 0; i < NS; ++i) {
        if (!e.active[i]) continue;
        float* ge = g + l.src_emb + batch.src[i] * E;
        for (int64_t k = 0; k < E; ++k) ge[k] += dx_layer[i * E + k];
      }
    }
  }
}

}  // namespace

Batch make_batch(const std::vector<const std::vector<int32_t>*>& sources,
                 const std::vector<const std::vector<int32_t>*>& targets) {
  Batch b;
  b.rows = static_cast<int64_t>(sources.size());
  for (size_t i = 0; i < sources.size(); ++i) {
    b.src_steps = std::max<int64_t>(b.src_steps, static_cast<int64_t>(sources[i]->size()) + 1);
    if (i < targets.size()) b.tgt_steps = std::max<int64_t>(b.tgt_steps, static_cast<int64_t>(targets[i]->size()) + 1);
  }
  b.src.assign(static_cast<size_t>(b.rows * b.src_steps), kPad);
  b.src_len.resize(static_cast<size_t>(b.rows));
  b.tgt_in.assign(static_cast<size_t>(b.rows * b.tgt_steps), kPad);
  b.tgt_out.assign(static_cast<size_t>(b.rows * b.tgt_steps), -1);
  for (int64_t r = 0; r < b.rows; ++r) {
    const std::vector<int32_t>& s = *sources[r];
    for (size_t t = 0; t < s.size(); ++t) b.src[t * b.rows + r] = s[t];
    b.src[s.size() * b.rows + r] = kEos;  // every source ends in EOS, so none is empty
    b.src_len[r] = static_cast<int32_t>(s.size() + 1);
    if (static_cast<size_t>(r) >= targets.size()) continue;
    const std::vector<int32_t>& y = *targets[r];
    for (size_t t = 0; t <= y.size(); ++t) {
      b.tgt_in[t * b.rows + r] = t == 0 ? kBos : y[t - 1];
      b.tgt_out[t * b.rows + r] = t < y.size() ? y[t] : kEos;
      ++b.target_tokens;
    }
  }
  return b;
}

Encoded encode(const Layout& l, const float* p, const std::vector<int32_t>& src, const std::vector<int32_t>& src_len,
               int64_t rows, int64_t steps, tensor::ThreadPool* pool) {
  EncoderPass e;
  run_encoder(l, p, src, src_len, rows, steps, nullptr, e, pool);
  return std::move(e.enc);
}

DecoderState initial_state(const Layout& l, const Encoded& enc) {
  DecoderState s;
  s.h = enc.h0;
  s.feed.assign(static_cast<size_t>(enc.rows * l.hp.hidden), 0.0f);
  return s;
}

void decode_step(const Layout& l, const float* p, const Encoded& enc, const int32_t* prev, DecoderState& state,
                 std::vector<float>& logprobs, std::vector<float>& attention, tensor::ThreadPool* pool) {
  const int64_t R = enc.rows, E = l.hp.embed, H = l.hp.hidden, X = E + H;
  std::vector<float> x(static_cast<size_t>(R * X)), gates(static_cast<size_t>(R * kGruCachePerHidden * H)),
      h(static_cast<size_t>(R * H)), u(static_cast<size_t>(R * 3 * H)), tilde(static_cast<size_t>(R * H)),
      out_in(static_cast<size_t>(R * H));
  for (int64_t b = 0; b < R; ++b) std::memcpy(&x[b * X], p + l.tgt_emb + prev[b] * E, sizeof(float) * E);
  attention.resize(static_cast<size_t>(R * enc.steps));
  logprobs.resize(static_cast<size_t>(R * l.hp.tgt_vocab));
  StepValues s{x.data(), gates.data(), h.data(), attention.data(), u.data(), tilde.data(), out_in.data(),
               logprobs.data()};
  StepScratch scratch;
  decoder_step(l, p, enc, state.h.data(), state.feed.data(), nullptr, s, scratch, pool);
  state.h.swap(h);
  state.feed.swap(tilde);
}

struct Workspace::Impl {
  EncoderPass encoder;
  DecoderPass decoder;
  BackwardBuffers backward;
};
Workspace::Workspace() : impl_(std::make_unique<Impl>()) {}
Workspace::~Workspace() = default;

LossSum forward_backward(const Layout& l, const float* p, float* g, const Batch& batch, const TrainSettings& settings,
                         Workspace& ws, tensor::ThreadPool* pool) {
  Workspace::Impl& w = ws.impl();
  run_encoder(l, p, batch.src, batch.src_len, batch.rows, batch.src_steps, &settings, w.encoder, pool);
  const LossSum loss = run_decoder(l, p, batch, w.encoder.enc, &settings, w.decoder, pool);
  run_backward(l, p, g, batch, w.encoder, w.decoder, w.backward, pool);
  return loss;
}

LossSum batch_loss(const Layout& l, const float* p, const Batch& batch, Workspace& ws, tensor::ThreadPool* pool) {
  Workspace::Impl& w = ws.impl();
  run_encoder(l, p, batch.src, batch.src_len, batch.rows, batch.src_steps, nullptr, w.encoder, pool);
  return run_decoder(l, p, batch, w.encoder.enc, nullptr, w.decoder, pool);
}

LossSum forward_backward(const Layout& l, const float* p, float* g, const Batch& batch, const TrainSettings& settings,
                         tensor::ThreadPool* pool) {
  Workspace ws;
  return forward_backward(l, p, g, batch, settings, ws, pool);
}

LossSum batch_loss(const Layout& l, const float* p, const Batch& batch, tensor::ThreadPool* pool) {
  Workspace ws;
  return batch_loss(l, p, batch, ws, pool);
}

LossSum training_loss(const Layout& l, const float* p, const Batch& batch, const TrainSettings& settings,
                      tensor::ThreadPool* pool) {
  Workspace ws;
  Workspace::Impl& w = ws.impl();
  run_encoder(l, p, batch.src, batch.src_len, batch.rows, batch.src_steps, &settings, w.encoder, pool);
  return run_decoder(l, p, batch, w.encoder.enc, &settings, w.decoder, pool);
}

}  // namespace maas::seq2seq

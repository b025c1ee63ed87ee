// The backward pass checked against central differences of the forward pass: the GRU
// cell, attention, and the whole network's loss (cross-entropy through the decoder,
// attention, the decoder's initial state and a two-layer bidirectional encoder).
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <random>
#include <vector>

#include "seq2seq/attention.h"
#include "seq2seq/gru.h"
#include "seq2seq/layout.h"
#include "seq2seq/network.h"
#include "tensor/thread_pool.h"

namespace maas::seq2seq {
namespace {

std::vector<float> random_vector(size_t n, std::mt19937& rng, float scale = 0.5f) {
  std::uniform_real_distribution<float> u(-scale, scale);
  std::vector<float> v(n);
  for (float& x : v) x = u(rng);
  return v;
}

double dot(const std::vector<float>& a, const std::vector<float>& b) {
  double s = 0;
  for (size_t i = 0; i < a.size(); ++i) s += static_cast<double>(a[i]) * b[i];
  return s;
}

// Compares d loss / d x[i] with a central difference for every i of x (small tensors).
void expect_gradient(const char* what, std::vector<float>& x, const std::vector<float>& analytic,
                     const std::function<double()>& loss, double eps = 1e-2, double tol = 2e-3) {
  ASSERT_EQ(x.size(), analytic.size());
  for (size_t i = 0; i < x.size(); ++i) {
    const float saved = x[i];
    x[i] = saved + static_cast<float>(eps);
    const double up = loss();
    x[i] = saved - static_cast<float>(eps);
    const double down = loss();
    x[i] = saved;
    const double numeric = (up - down) / (2 * eps);
    EXPECT_NEAR(analytic[i], numeric, tol + 1e-2 * std::abs(numeric)) << what << "[" << i << "]";
  }
}

TEST(Seq2seqGradients, GruCell) {
  std::mt19937 rng(1);
  const int64_t rows = 3, in = 4, H = 5;
  std::vector<float> w_ih = random_vector(3 * H * in, rng), w_hh = random_vector(3 * H * H, rng),
                     b_ih = random_vector(3 * H, rng), b_hh = random_vector(3 * H, rng);
  std::vector<float> x = random_vector(rows * in, rng), h = random_vector(rows * H, rng, 0.9f);
  const std::vector<float> c = random_vector(rows * H, rng, 1.0f);  // loss = c . h_new
  const std::vector<uint8_t> active = {1, 0, 1};                     // row 1 is padding: h carries
  auto forward = [&](std::vector<float>* cache_out) {
    GruWeights w{w_ih.data(), w_hh.data(), b_ih.data(), b_hh.data(), in, H};
    std::vector<float> gi(rows * 3 * H), gh(rows * 3 * H), cache(rows * 4 * H), hn(rows * H);
    for (int64_t r = 0; r < rows; ++r)
      for (int64_t j = 0; j < 3 * H; ++j) {
        float s = b_ih[j];
        for (int64_t k = 0; k < in; ++k) s += x[r * in + k] * w_ih[j * in + k];
        gi[r * 3 * H + j] = s;
      }
    gru_step_forward(w, rows, gi.data(), h.data(), active.data(), hn.data(), cache.data(), gh.data(), nullptr);
    if (cache_out) *cache_out = cache;
    return dot(c, hn);
  };
  std::vector<float> cache;
  forward(&cache);
  GruWeights w{w_ih.data(), w_hh.data(), b_ih.data(), b_hh.data(), in, H};
  std::vector<float> dgi(rows * 3 * H), dgh(rows * 3 * H), dh_prev(rows * H);
  gru_step_backward(w, rows, h.data(), cache.data(), active.data(), c.data(), dgi.data(), dgh.data(), dh_prev.data(),
                    nullptr);
  // Weight gradients as the sequence code forms them: dW_ih = dgi^T x, dW_hh = dgh^T h.
  std::vector<float> dw_ih(w_ih.size(), 0.0f), dw_hh(w_hh.size(), 0.0f), db_ih(3 * H, 0.0f), db_hh(3 * H, 0.0f),
      dx(x.size(), 0.0f);
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t j = 0; j < 3 * H; ++j) {
      for (int64_t k = 0; k < in; ++k) {
        dw_ih[j * in + k] += dgi[r * 3 * H + j] * x[r * in + k];
        dx[r * in + k] += dgi[r * 3 * H + j] * w_ih[j * in + k];
      }
      for (int64_t k = 0; k < H; ++k) dw_hh[j * H + k] += dgh[r * 3 * H + j] * h[r * H + k];
    }
  add_column_sums(dgi.data(), rows, 3 * H, db_ih.data());
  add_column_sums(dgh.data(), rows, 3 * H, db_hh.data());
  auto loss = [&] { return forward(nullptr); };
  expect_gradient("h_prev", h, dh_prev, loss);
  expect_gradient("x", x, dx, loss);
  expect_gradient("w_ih", w_ih, dw_ih, loss);
  expect_gradient("w_hh", w_hh, dw_hh, loss);
  expect_gradient("b_ih", b_ih, db_ih, loss);
  expect_gradient("b_hh", b_hh, db_hh, loss);
}

TEST(Seq2seqGradients, Attention) {
  std::mt19937 rng(2);
  const AttentionShape s{2, 4, 3, 5};
  const std::vector<int32_t> src_len = {4, 2};  // row 1 attends to two positions only
  std::vector<float> keys = random_vector(s.rows * s.source * s.hidden, rng, 1.0f);
  std::vector<float> values = random_vector(s.rows * s.source * s.value, rng, 1.0f);
  std::vector<float> h = random_vector(s.rows * s.hidden, rng, 1.0f);
  const std::vector<float> c = random_vector(s.rows * s.value, rng, 1.0f);  // loss = c . context
  std::vector<float> weights(s.rows * s.source), context(s.rows * s.value);
  auto loss = [&] {
    attention_forward(s, keys.data(), values.data(), src_len.data(), h.data(), weights.data(), context.data(), nullptr);
    return dot(c, context);
  };
  loss();
  EXPECT_FLOAT_EQ(weights[1 * 4 + 2], 0.0f);
  EXPECT_NEAR(weights[4] + weights[5], 1.0f, 1e-6);
  std::vector<float> dh(h.size(), 0.0f), dkeys(keys.size(), 0.0f), dvalues(values.size(), 0.0f);
  attention_backward(s, keys.data(), values.data(), src_len.data(), h.data(), weights.data(), c.data(), dh.data(),
                     dkeys.data(), dvalues.data(), nullptr);
  expect_gradient("h", h, dh, loss);
  expect_gradient("keys", keys, dkeys, loss);
  expect_gradient("values", values, dvalues, loss);
}

// The whole network: every weight tensor, checked on a few entries each, plus a random
// direction through all weights at once.
TEST(Seq2seqGradients, NetworkLoss) {
  Hparams hp;
  hp.src_vocab = 7;
  hp.tgt_vocab = 6;
  hp.embed = 4;
  hp.hidden = 5;
  hp.layers = 2;
  const Layout l = Layout::make(hp);
  std::vector<float> p = init_weights(l, 3);
  for (size_t i = 0; i < p.size(); ++i) p[i] = p[i] * 2.0f + 0.05f * hash_uniform(9, 9, i);  // non-zero biases
  const std::vector<int32_t> s1 = {4, 5, 6}, s2 = {5}, t1 = {4, 5}, t2 = {5, 4, 4};
  const Batch batch = make_batch({&s1, &s2}, {&t1, &t2});
  ASSERT_EQ(batch.target_tokens, 7);
  tensor::ThreadPool pool(2);
  auto loss = [&] {
    const LossSum ls = batch_loss(l, p.data(), batch, &pool);
    return ls.nll / static_cast<double>(ls.tokens);
  };
  std::vector<float> g(p.size(), 0.0f);
  TrainSettings settings;  // no dropout, teacher forcing: the same function as batch_loss
  const LossSum ls = forward_backward(l, p.data(), g.data(), batch, settings, &pool);
  EXPECT_NEAR(ls.nll / ls.tokens, loss(), 1e-6);
  for (const TensorSlot& slot : l.slots) {
    for (size_t k = 0; k < std::min<size_t>(slot.size(), 6); ++k) {
      const size_t i = slot.offset + (k * 7919) % slot.size();
      if (slot.name == "src_emb" && i < slot.offset + 4 * hp.embed) continue;  // pad/unk/bos/eos rows unused
      const float saved = p[i];
      const double eps = 1e-2;
      p[i] = saved + static_cast<float>(eps);
      const double up = loss();
      p[i] = saved - static_cast<float>(eps);
      const double down = loss();
      p[i] = saved;
      const double numeric = (up - down) / (2 * eps);
      EXPECT_NEAR(g[i], numeric, 2e-3 + 2e-2 * std::abs(numeric)) << slot.name << " element " << i - slot.offset;
    }
  }
  std::mt19937 rng(5);
  const std::vector<float> v = random_vector(p.size(), rng, 1.0f);
  const double eps = 1e-3;
  std::vector<float> plus = p, minus = p;
  for (size_t i = 0; i < p.size(); ++i) {
    plus[i] += static_cast<float>(eps) * v[i];
    minus[i] -= static_cast<float>(eps) * v[i];
  }
  auto loss_at = [&](const std::vector<float>& w) {
    const LossSum s = batch_loss(l, w.data(), batch, &pool);
    return s.nll / static_cast<double>(s.tokens);
  };
  const double numeric = (loss_at(plus) - loss_at(minus)) / (2 * eps);
  EXPECT_NEAR(dot(g, v), numeric, 1e-2 * std::abs(numeric) + 1e-3);
}

// With dropout and scheduled sampling on: the gradient of the loss with the same masks
// and coins (a random direction through all weights).
TEST(Seq2seqGradients, NetworkLossWithDropoutAndSampling) {
  Hparams hp;
  hp.src_vocab = 7;
  hp.tgt_vocab = 6;
  hp.embed = 4;
  hp.hidden = 5;
  hp.layers = 2;
  const Layout l = Layout::make(hp);
  const std::vector<float> p = init_weights(l, 4);
  const std::vector<int32_t> s1 = {4, 5, 6, 4}, s2 = {5, 6}, t1 = {4, 5, 5}, t2 = {5, 4};
  const Batch batch = make_batch({&s1, &s2}, {&t1, &t2});
  TrainSettings settings;
  settings.dropout = 0.3f;
  settings.teacher_forcing = 0.5f;
  settings.seed = 11;
  settings.counter = 3;
  std::vector<float> g(p.size(), 0.0f);
  const LossSum ls = forward_backward(l, p.data(), g.data(), batch, settings, nullptr);
  auto loss_at = [&](const std::vector<float>& w) {
    const LossSum s = training_loss(l, w.data(), batch, settings, nullptr);
    return s.nll / static_cast<double>(s.tokens);
  };
  EXPECT_NEAR(ls.nll / ls.tokens, loss_at(p), 1e-6);
  EXPECT_NE(ls.nll, batch_loss(l, p.data(), batch, nullptr).nll);  // the masks do change the loss
  std::mt19937 rng(6);
  const std::vector<float> v = random_vector(p.size(), rng, 1.0f);
  const double eps = 1e-3;
  std::vector<float> plus = p, minus = p;
  for (size_t i = 0; i < p.size(); ++i) {
    plus[i] += static_cast<float>(eps) * v[i];
    minus[i] -= static_cast<float>(eps) * v[i];
  }
  const double numeric = (loss_at(plus) - loss_at(minus)) / (2 * eps);
  EXPECT_NEAR(dot(g, v), numeric, 1e-2 * std::abs(numeric) + 1e-3);
}

}  // namespace
}  // namespace maas::seq2seq

#include <gtest/gtest.h>

#include <cmath>
#include <numeric>

#include "llm/sampling/sampler.h"

namespace maas::llm {
namespace {

std::vector<float> some_logits() {
  std::vector<float> l(50);
  for (size_t i = 0; i < l.size(); ++i) l[i] = std::sin(static_cast<float>(i) * 1.7f) * 3.0f;
  return l;
}

int32_t argmax(const std::vector<float>& l) {
  return static_cast<int32_t>(std::max_element(l.begin(), l.end()) - l.begin());
}

std::vector<int32_t> draw_many(SamplingParams p, int n) {
  Sampler s(p);
  std::vector<int32_t> out;
  const auto logits = some_logits();
  for (int i = 0; i < n; ++i) {
    out.push_back(s.sample(logits).token);
    s.accept(out.back());
  }
  return out;
}

TEST(Sampling, SameSeedSameTokensOtherSeedOtherTokens) {
  SamplingParams p;
  p.temperature = 1.5f;
  p.top_k = 0;
  p.top_p = 1;
  p.min_p = 0;
  p.seed = 42;
  const auto a = draw_many(p, 64);
  EXPECT_EQ(a, draw_many(p, 64));
  p.seed = 43;
  EXPECT_NE(a, draw_many(p, 64));
  EXPECT_GT(std::set<int32_t>(a.begin(), a.end()).size(), 5u);  // it is really sampling
}

TEST(Sampling, TemperatureZeroAndTopKOneAreGreedy) {
  const auto logits = some_logits();
  SamplingParams greedy;
  greedy.temperature = 0;
  EXPECT_EQ(Sampler(greedy).sample(logits).token, argmax(logits));
  SamplingParams k1;
  k1.temperature = 5;
  k1.top_k = 1;
  for (uint64_t seed = 0; seed < 20; ++seed) {
    k1.seed = seed;
    EXPECT_EQ(Sampler(k1).sample(logits).token, argmax(logits));
  }
}

// Without logprobs the sampler skips the pass over the vocabulary; the choices are the
// same, with penalties and bias still applied.
TEST(Sampling, WithoutLogprobsTheSameTokensAndNoLogprob) {
  const auto logits = some_logits();
  SamplingParams with;
  with.temperature = 0;
  SamplingParams without = with;
  without.logprobs = false;
  const SampledToken a = Sampler(with).sample(logits), b = Sampler(without).sample(logits);
  EXPECT_EQ(a.token, b.token);
  EXPECT_FALSE(std::isnan(a.logprob));
  EXPECT_TRUE(std::isnan(b.logprob));

  without.logit_bias = {{3, 100.0f}};  // bias still steers the greedy choice
  EXPECT_EQ(Sampler(without).sample(logits).token, 3);
  without.logit_bias.clear();
  without.presence_penalty = 100.0f;  // and penalties still apply
  Sampler penalised(without);
  penalised.accept(a.token);
  EXPECT_NE(penalised.sample(logits).token, a.token);
  without.temperature = 1.0f;  // sampling keeps its seeded draws
  without.presence_penalty = 0;
  without.seed = 7;
  with.temperature = 1.0f;
  with.seed = 7;
  EXPECT_EQ(draw_many(with, 32), draw_many(without, 32));
}

TEST(Sampling, TopPAndMinPKeepOnlyLikelyTokens) {
  std::vector<float> l(10, 0.0f);
  l[3] = 10;  // ~0.9995 of the mass
  l[7] = 2;
  SamplingParams p;
  p.temperature = 1;
  p.top_k = 0;
  p.min_p = 0;
  p.top_p = 0.5f;
  for (uint64_t seed = 0; seed < 50; ++seed) {
    p.seed = seed;
    EXPECT_EQ(Sampler(p).sample(l).token, 3);
  }
  p.top_p = 1;
  p.min_p = 0.01f;  // token 7 has 3e-4 of token 3's probability
  for (uint64_t seed = 0; seed < 50; ++seed) {
    p.seed = seed;
    EXPECT_EQ(Sampler(p).sample(l).token, 3);
  }
}

TEST(Sampling, PenaltiesChangeOnlySeenTokens) {
  std::vector<float> l = {2.0f, -1.0f, 0.5f, 3.0f};
  SamplingParams p;
  p.repeat_penalty = 2.0f;
  p.presence_penalty = 0.5f;
  p.frequency_penalty = 0.25f;
  Sampler s(p);
  s.accept(std::vector<int32_t>{0, 1, 1, 1});
  const auto a = s.adjusted_logits(l);
  EXPECT_FLOAT_EQ(a[0], 2.0f / 2 - 0.25f - 0.5f);       // positive: divided
  EXPECT_FLOAT_EQ(a[1], -1.0f * 2 - 3 * 0.25f - 0.5f);  // negative: multiplied; seen 3 times
  EXPECT_FLOAT_EQ(a[2], 0.5f);
  EXPECT_FLOAT_EQ(a[3], 3.0f);
}

TEST(Sampling, PenaltyWindowForgetsOldTokens) {
  std::vector<float> l = {1.0f, 1.0f};
  SamplingParams p;
  p.presence_penalty = 1.0f;
  p.penalty_last_n = 2;
  Sampler s(p);
  s.accept(std::vector<int32_t>{0, 1, 1});
  const auto a = s.adjusted_logits(l);
  EXPECT_FLOAT_EQ(a[0], 1.0f);  // out of the window
  EXPECT_FLOAT_EQ(a[1], 0.0f);
}

TEST(Sampling, LogitBiasSteersTheChoice) {
  const auto logits = some_logits();
  SamplingParams p;
  p.temperature = 0;
  p.logit_bias = {{7, 100.0f}, {argmax(logits), -100.0f}};
  Sampler s(p);
  const auto a = s.adjusted_logits(logits);
  EXPECT_FLOAT_EQ(a[7], logits[7] + 100);
  EXPECT_FLOAT_EQ(a[8], logits[8]);
  EXPECT_EQ(s.sample(logits).token, 7);
  p.logit_bias = {{7, -INFINITY}};
  p.temperature = 1;
  for (uint64_t seed = 0; seed < 30; ++seed) {
    p.seed = seed;
    EXPECT_NE(Sampler(p).sample(logits).token, 7);
  }
}

TEST(Sampling, TopLogprobsAreSortedAndSumToAtMostOne) {
  const auto logits = some_logits();
  SamplingParams p;
  p.temperature = 0.7f;
  p.seed = 1;
  p.n_probs = 5;
  SampledToken t = Sampler(p).sample(logits);
  ASSERT_EQ(t.top.size(), 5u);
  double sum = 0;
  for (size_t i = 0; i < t.top.size(); ++i) {
    sum += std::exp(t.top[i].logprob);
    EXPECT_LE(t.top[i].logprob, 0.0f);
    if (i > 0) {
      EXPECT_GE(t.top[i - 1].logprob, t.top[i].logprob);
    }
  }
  EXPECT_LE(sum, 1.0 + 1e-6);
  EXPECT_EQ(t.top[0].token, argmax(logits));
  // The chosen token's logprob is its log-softmax.
  double lse = 0;
  for (float v : logits) lse += std::exp(v);
  EXPECT_NEAR(t.logprob, logits[t.token] - std::log(lse), 1e-5);
  // With every token listed they sum to 1.
  p.n_probs = 20;
  std::vector<float> small(20, 0.3f);
  small[4] = 2;
  auto all = Sampler(p).sample(small).top;
  double total = 0;
  for (auto& x : all) total += std::exp(x.logprob);
  EXPECT_NEAR(total, 1.0, 1e-5);
}

TEST(Sampling, Validation) {
  SamplingParams p;
  EXPECT_TRUE(validate_sampling(p, 10).is_ok());
  p.temperature = -1;
  EXPECT_FALSE(validate_sampling(p, 10).is_ok());
  p = {};
  p.top_p = 0;
  EXPECT_FALSE(validate_sampling(p, 10).is_ok());
  p = {};
  p.logit_bias = {{10, 1.0f}};
  EXPECT_NE(validate_sampling(p, 10).message().find("logit_bias token 10"), std::string::npos);
  p = {};
  p.n_probs = 21;
  EXPECT_FALSE(validate_sampling(p, 10).is_ok());
}

}  // namespace
}  // namespace maas::llm

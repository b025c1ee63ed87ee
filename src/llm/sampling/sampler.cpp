#include "llm/sampling/sampler.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <unordered_map>

#include "tensor/ops.h"

namespace maas::llm {
namespace {

uint64_t fresh_seed() { return (static_cast<uint64_t>(std::random_device{}()) << 32) ^ std::random_device{}(); }

// log(sum(exp(x))) over the finite logits.
double log_sum_exp(std::span<const float> x) {
  const float max = *std::max_element(x.begin(), x.end());
  double sum = 0;
  for (float v : x) sum += std::exp(static_cast<double>(v) - max);
  return max + std::log(sum);
}

struct Candidate {
  int32_t token;
  float logit;
};

bool more_likely(const Candidate& a, const Candidate& b) {
  return a.logit != b.logit ? a.logit > b.logit : a.token < b.token;
}

// Softmax of the candidates' logits divided by `temperature`, as probabilities.
std::vector<double> softmax(const std::vector<Candidate>& c, double temperature) {
  std::vector<double> p(c.size());
  if (c.empty()) return p;
  const double max = c.front().logit;  // candidates are sorted, most likely first
  double sum = 0;
  for (size_t i = 0; i < c.size(); ++i) sum += p[i] = std::exp((c[i].logit - max) / temperature);
  for (double& v : p) v /= sum;
  return p;
}

}  // namespace

Sampler::Sampler(SamplingParams params) : p_(std::move(params)), rng_(p_.seed.value_or(fresh_seed())) {}

void Sampler::accept(int32_t token) {
  if (p_.penalty_last_n == 0) return;
  recent_.push_back(token);
  if (p_.penalty_last_n > 0 && recent_.size() > static_cast<size_t>(p_.penalty_last_n)) recent_.pop_front();
}

void Sampler::accept(std::span<const int32_t> tokens) {
  for (int32_t t : tokens) accept(t);
}

std::vector<float> Sampler::adjusted_logits(std::span<const float> logits) const {
  std::vector<float> l(logits.begin(), logits.end());
  std::unordered_map<int32_t, int> count;
  for (int32_t t : recent_) count[t] += 1;
  for (const auto& [token, n] : count) {
    if (token < 0 || static_cast<size_t>(token) >= l.size()) continue;
    float& x = l[static_cast<size_t>(token)];
    x = x > 0 ? x / p_.repeat_penalty : x * p_.repeat_penalty;
    x -= static_cast<float>(n) * p_.frequency_penalty + p_.presence_penalty;
  }
  for (const auto& [token, bias] : p_.logit_bias)
    if (token >= 0 && static_cast<size_t>(token) < l.size()) l[static_cast<size_t>(token)] += bias;
  return l;
}

SampledToken Sampler::sample(std::span<const float> logits) {
  SampledToken out;
  const bool adjusted = (!recent_.empty() && (p_.repeat_penalty != 1.0f || p_.frequency_penalty != 0.0f ||
                                              p_.presence_penalty != 0.0f)) ||
                        !p_.logit_bias.empty();
  if (!adjusted && p_.temperature <= 0 && !p_.logprobs && p_.n_probs == 0) {  // plain greedy: argmax only
    out.token = static_cast<int32_t>(tensor::argmax(logits.data(), static_cast<int64_t>(logits.size())));
    out.logprob = std::numeric_limits<float>::quiet_NaN();
    return out;
  }
  std::vector<float> l = adjusted_logits(logits);
  out.token = p_.temperature <= 0 ? static_cast<int32_t>(tensor::argmax(l.data(), static_cast<int64_t>(l.size())))
                                  : draw(l);
  if (!p_.logprobs && p_.n_probs == 0) {
    out.logprob = std::numeric_limits<float>::quiet_NaN();
    return out;
  }
  const double lse = log_sum_exp(l);
  out.logprob = static_cast<float>(l[static_cast<size_t>(out.token)] - lse);
  if (p_.n_probs > 0) {
    std::vector<Candidate> c(l.size());
    for (size_t i = 0; i < l.size(); ++i) c[i] = {static_cast<int32_t>(i), l[i]};
    const size_t n = std::min(c.size(), static_cast<size_t>(p_.n_probs));
    std::partial_sort(c.begin(), c.begin() + static_cast<long>(n), c.end(), more_likely);
    for (size_t i = 0; i < n; ++i) out.top.push_back({c[i].token, static_cast<float>(c[i].logit - lse)});
  }
  return out;
}

int32_t Sampler::draw(const std::vector<float>& l) {
  // Candidates, most likely first; top-k keeps only the first k.
  std::vector<Candidate> c;
  c.reserve(l.size());
  for (size_t i = 0; i < l.size(); ++i)
    if (l[i] > -INFINITY) c.push_back({static_cast<int32_t>(i), l[i]});
  if (c.empty()) return 0;
  const size_t k = p_.top_k > 0 ? std::min(c.size(), static_cast<size_t>(p_.top_k)) : c.size();
  std::partial_sort(c.begin(), c.begin() + static_cast<long>(k), c.end(), more_likely);
  c.resize(k);

  // top-p: the shortest prefix whose probability reaches p.
  std::vector<double> prob = softmax(c, 1.0);
  if (p_.top_p < 1) {
    double cumulative = 0;
    size_t keep = c.size();
    for (size_t i = 0; i < c.size(); ++i) {
      cumulative += prob[i];
      if (cumulative >= p_.top_p) {
        keep = i + 1;
        break;
      }
    }
    c.resize(keep);
    prob.resize(keep);
  }
  // min-p: drop tokens less likely than min_p times the most likely one.
  if (p_.min_p > 0) {
    size_t keep = 1;
    while (keep < c.size() && prob[keep] >= p_.min_p * prob[0]) ++keep;
    c.resize(keep);
  }

  // Temperature, then one draw.
  prob = softmax(c, p_.temperature);
  const double u = static_cast<double>(rng_() >> 11) * 0x1.0p-53;
  double cumulative = 0;
  for (size_t i = 0; i < c.size(); ++i) {
    cumulative += prob[i];
    if (u < cumulative) return c[i].token;
  }
  return c.back().token;
}

}  // namespace maas::llm

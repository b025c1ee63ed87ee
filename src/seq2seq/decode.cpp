#include "seq2seq/decode.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "seq2seq/network.h"

namespace maas::seq2seq {
namespace {

// Sources as an encoder batch (each gets its EOS).
Encoded encode_sources(const Layout& l, const float* p, const std::vector<const std::vector<int32_t>*>& sources,
                       tensor::ThreadPool* pool) {
  const Batch b = make_batch(sources, {});
  return encode(l, p, b.src, b.src_len, b.rows, b.src_steps, pool);
}

// `rows` copies of row 0 of a one-source encoding.
Encoded replicate(const Encoded& one, int64_t rows) {
  Encoded e;
  e.rows = rows;
  e.steps = one.steps;
  for (int64_t r = 0; r < rows; ++r) {
    e.src_len.push_back(one.src_len[0]);
    e.values.insert(e.values.end(), one.values.begin(), one.values.end());
    e.keys.insert(e.keys.end(), one.keys.begin(), one.keys.end());
    e.h0.insert(e.h0.end(), one.h0.begin(), one.h0.end());
  }
  return e;
}

std::vector<float> attention_row(const std::vector<float>& attention, int64_t row, int64_t steps, int64_t len) {
  return std::vector<float>(attention.begin() + row * steps, attention.begin() + row * steps + len);
}

}  // namespace

double length_normalised(double log_prob, size_t length, double alpha) {
  if (alpha == 0) return log_prob;
  return log_prob / std::pow((5.0 + static_cast<double>(length)) / 6.0, alpha);
}

int64_t max_target_length(int64_t source_tokens, const DecodeOptions& options) {
  return static_cast<int64_t>(std::ceil(options.max_length_ratio * static_cast<double>(source_tokens))) +
         options.max_length_extra;
}

std::vector<Hypothesis> greedy_decode(const Layout& l, const float* p, const std::vector<std::vector<int32_t>>& sources,
                                      const DecodeOptions& options, tensor::ThreadPool* pool) {
  std::vector<Hypothesis> out(sources.size());
  if (sources.empty()) return out;
  std::vector<const std::vector<int32_t>*> ptrs;
  for (const auto& s : sources) ptrs.push_back(&s);
  const Encoded enc = encode_sources(l, p, ptrs, pool);
  const int64_t R = enc.rows, V = l.hp.tgt_vocab;
  DecoderState state = initial_state(l, enc);
  std::vector<int32_t> prev(static_cast<size_t>(R), kBos);
  std::vector<int64_t> limit(static_cast<size_t>(R));
  int64_t longest = 0;
  for (int64_t r = 0; r < R; ++r) {
    limit[r] = max_target_length(static_cast<int64_t>(sources[r].size()), options);
    longest = std::max(longest, limit[r]);
  }
  std::vector<uint8_t> done(static_cast<size_t>(R), 0);
  int64_t remaining = R;
  std::vector<float> logprobs, attention;
  for (int64_t t = 0; t < longest && remaining > 0; ++t) {
    decode_step(l, p, enc, prev.data(), state, logprobs, attention, pool);
    for (int64_t r = 0; r < R; ++r) {
      if (done[r]) continue;
      const float* lp = &logprobs[r * V];
      const int32_t best = static_cast<int32_t>(std::max_element(lp, lp + V) - lp);
      Hypothesis& h = out[r];
      h.tokens.push_back(best);
      h.log_prob += lp[best];
      if (options.attention) h.attention.push_back(attention_row(attention, r, enc.steps, enc.src_len[r]));
      prev[r] = best;
      if (best == kEos || static_cast<int64_t>(h.tokens.size()) >= limit[r]) {
        done[r] = 1;
        --remaining;
      }
    }
  }
  for (Hypothesis& h : out) h.score = length_normalised(h.log_prob, h.tokens.size(), options.length_penalty);
  return out;
}

Hypothesis beam_decode(const Layout& l, const float* p, const std::vector<int32_t>& source,
                       const DecodeOptions& options, tensor::ThreadPool* pool) {
  const int64_t K = std::max(1, options.beam), V = l.hp.tgt_vocab;
  const Encoded one = encode_sources(l, p, {&source}, pool);
  const Encoded enc = replicate(one, K);
  const int64_t limit = max_target_length(static_cast<int64_t>(source.size()), options);
  DecoderState state = initial_state(l, enc);
  std::vector<Hypothesis> alive(1), finished;
  std::vector<float> logprobs, attention;
  struct Candidate {
    double log_prob;
    int64_t beam;
    int32_t token;
  };
  for (int64_t t = 0; t < limit && !alive.empty(); ++t) {
    std::vector<int32_t> prev(static_cast<size_t>(K), kBos);
    for (size_t b = 0; b < alive.size(); ++b) prev[b] = alive[b].tokens.empty() ? kBos : alive[b].tokens.back();
    decode_step(l, p, enc, prev.data(), state, logprobs, attention, pool);
    // The best 2K expansions of the live beams (enough to refill K after EOS ends some).
    std::vector<Candidate> cands;
    for (size_t b = 0; b < alive.size(); ++b) {
      const float* lp = &logprobs[b * V];
      std::vector<int32_t> idx(static_cast<size_t>(V));
      std::iota(idx.begin(), idx.end(), 0);
      const int64_t keep = std::min<int64_t>(2 * K, V);
      std::partial_sort(idx.begin(), idx.begin() + keep, idx.end(),
                        [&](int32_t x, int32_t y) { return lp[x] > lp[y] || (lp[x] == lp[y] && x < y); });
      for (int64_t i = 0; i < keep; ++i) cands.push_back({alive[b].log_prob + lp[idx[i]], static_cast<int64_t>(b), idx[i]});
    }
    std::stable_sort(cands.begin(), cands.end(), [](const Candidate& a, const Candidate& b) { return a.log_prob > b.log_prob; });
    std::vector<Hypothesis> next;
    std::vector<int64_t> parent;
    for (const Candidate& c : cands) {
      if (static_cast<int64_t>(next.size()) >= K) break;
      Hypothesis h = alive[c.beam];
      h.tokens.push_back(c.token);
      h.log_prob = c.log_prob;
      if (options.attention) h.attention.push_back(attention_row(attention, c.beam, enc.steps, enc.src_len[0]));
      if (c.token == kEos || t + 1 >= limit) {
        h.score = length_normalised(h.log_prob, h.tokens.size(), options.length_penalty);
        finished.push_back(std::move(h));
      } else {
        next.push_back(std::move(h));
        parent.push_back(c.beam);
      }
    }
    if (static_cast<int64_t>(finished.size()) >= K) {
      next.clear();
      alive.clear();
      break;
    }
    // Each surviving beam continues from its parent's decoder state.
    const int64_t H = l.hp.hidden;
    DecoderState moved = state;
    for (size_t b = 0; b < parent.size(); ++b) {
      std::copy_n(&state.h[parent[b] * H], H, &moved.h[b * H]);
      std::copy_n(&state.feed[parent[b] * H], H, &moved.feed[b * H]);
    }
    state.h.swap(moved.h);
    state.feed.swap(moved.feed);
    alive.swap(next);
  }
  for (Hypothesis& h : alive) {  // cut at the length limit
    h.score = length_normalised(h.log_prob, h.tokens.size(), options.length_penalty);
    finished.push_back(std::move(h));
  }
  DecodeOptions greedy_options = options;
  greedy_options.beam = 1;
  finished.push_back(std::move(greedy_decode(l, p, {source}, greedy_options, pool)[0]));
  return *std::max_element(finished.begin(), finished.end(),
                           [](const Hypothesis& a, const Hypothesis& b) { return a.score < b.score; });
}

std::vector<Hypothesis> translate_ids(const Layout& l, const float* p, const std::vector<std::vector<int32_t>>& sources,
                                      const DecodeOptions& options, tensor::ThreadPool* pool) {
  if (options.beam <= 1) return greedy_decode(l, p, sources, options, pool);
  std::vector<Hypothesis> out;
  for (const auto& s : sources) out.push_back(beam_decode(l, p, s, options, pool));
  return out;
}

}  // namespace maas::seq2seq

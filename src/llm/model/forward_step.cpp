#include "llm/model/forward_step.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "tensor/thread_pool.h"

namespace maas::llm {

ForwardStep::ForwardStep(const Hparams& hp, const std::vector<float>& rope_freqs, const Batch& batch,
                         KvCache& cache, tensor::ThreadPool& pool, ForwardResult* out)
    : hp_(hp), batch_(batch), cache_(cache), pool_(pool), out_(out) {
  for (const SequenceBatch& s : batch.seqs) {
    first_token_.push_back(n_tokens_);
    for (size_t j = 0; j < s.tokens.size(); ++j) {
      pos_.push_back(s.start_pos + static_cast<int64_t>(j));
      seq_of_.push_back(static_cast<uint32_t>(first_token_.size() - 1));
    }
    n_tokens_ += static_cast<int64_t>(s.tokens.size());
  }
  // Rotation angles: token t, pair i turns by pos * scale * base^(-2i / n_rot) [/ freq_i].
  const int64_t half = hp.n_rot / 2;
  rope_cos_.resize(static_cast<size_t>(n_tokens_ * half));
  rope_sin_.resize(rope_cos_.size());
  for (int64_t t = 0; t < n_tokens_; ++t) {
    for (int64_t i = 0; i < half; ++i) {
      double theta = static_cast<double>(pos_[t]) * hp.rope_freq_scale *
                     std::pow(hp.rope_freq_base, -2.0 * static_cast<double>(i) / static_cast<double>(hp.n_rot));
      if (!rope_freqs.empty()) theta /= rope_freqs[static_cast<size_t>(i)];
      rope_cos_[t * half + i] = static_cast<float>(std::cos(theta));
      rope_sin_[t * half + i] = static_cast<float>(std::sin(theta));
    }
  }
}

Activations ForwardStep::activations(int64_t width) const {
  return Activations{n_tokens_, width, std::vector<float>(static_cast<size_t>(n_tokens_ * width))};
}

void ForwardStep::embed(const tensor::Matrix& token_embd, Activations& x) const {
  int64_t t = 0;
  for (const SequenceBatch& s : batch_.seqs)
    for (int32_t token : s.tokens) tensor::dequantize_row(token_embd, token, x.row(t++));
}

void ForwardStep::rmsnorm(const Activations& x, const std::vector<float>& weight, Activations& out) const {
  for (int64_t t = 0; t < x.n_tokens; ++t)
    tensor::rmsnorm(x.row(t), weight.data(), x.width, static_cast<float>(hp_.rms_eps), out.row(t));
}

void ForwardStep::matmul(const tensor::Matrix& w, const Activations& x, Activations& y) {
  tensor::matmul(w, x.data.data(), x.n_tokens, y.data.data(), pool_);
}

void ForwardStep::matmuls(const Activations& x,
                          std::initializer_list<std::pair<const tensor::Matrix*, Activations*>> outs) {
  tensor::MatmulTarget targets[tensor::kMaxMatmulTargets];
  size_t n = 0;
  for (const auto& [w, y] : outs) targets[n++] = {w, y->data.data()};
  tensor::matmul_shared_input(targets, n, x.data.data(), x.n_tokens, pool_);
}

void ForwardStep::matmul_add(const tensor::Matrix& w, const Activations& x, Activations& y) {
  if (scratch_.width != y.width || scratch_.n_tokens != y.n_tokens) scratch_ = activations(y.width);
  matmul(w, x, scratch_);
  tensor::add(y.data.data(), scratch_.data.data(), static_cast<int64_t>(y.data.size()), y.data.data());
}

void ForwardStep::add_bias(Activations& y, const std::vector<float>& b) const {
  for (int64_t t = 0; t < y.n_tokens; ++t) tensor::add(y.row(t), b.data(), y.width, y.row(t));
}

void ForwardStep::rope(Activations& x, int64_t n_heads) const {
  const int64_t half = hp_.n_rot / 2;
  // Which two dimensions of a head pair i rotates together.
  const int64_t stride = hp_.rope_style == RopeStyle::kNeox ? 1 : 2;
  const int64_t partner = hp_.rope_style == RopeStyle::kNeox ? half : 1;
  for (int64_t t = 0; t < x.n_tokens; ++t) {
    const float* cos = &rope_cos_[t * half];
    const float* sin = &rope_sin_[t * half];
    for (int64_t h = 0; h < n_heads; ++h) {
      float* head = x.row(t) + h * hp_.head_dim;
      for (int64_t i = 0; i < half; ++i) {
        float& a = head[i * stride];
        float& b = head[i * stride + partner];
        const float a0 = a, b0 = b;
        a = a0 * cos[i] - b0 * sin[i];
        b = a0 * sin[i] + b0 * cos[i];
      }
    }
  }
}

void ForwardStep::attention(int layer, const Activations& q, const Activations& k, const Activations& v,
                            Activations& out) {
  const size_t n_seqs = batch_.seqs.size();
  for (int64_t t = 0; t < n_tokens_; ++t)
    cache_.store(layer, batch_.seqs[seq_of_[t]].seq, pos_[t], k.row(t), v.row(t));

  // Each sequence's keys and values up to its last new token.
  std::vector<const float*> keys(n_seqs), values(n_seqs);
  std::vector<std::vector<float>> scratch(2 * n_seqs);
  int64_t max_ctx = 0, work = 0;
  for (size_t s = 0; s < n_seqs; ++s) {
    const SequenceBatch& seq = batch_.seqs[s];
    const int64_t n_ctx = seq.start_pos + static_cast<int64_t>(seq.tokens.size());
    keys[s] = cache_.keys(layer, seq.seq, n_ctx, scratch[2 * s]);
    values[s] = cache_.values(layer, seq.seq, n_ctx, scratch[2 * s + 1]);
    max_ctx = std::max(max_ctx, n_ctx);
    work += static_cast<int64_t>(seq.tokens.size()) * n_ctx;
  }

  // One job per (token, query head) over the whole batch, so all the sequences share
  // one pass over the threads; small steps run inline, where waking the pool would
  // cost more than the work.
  const int64_t hd = hp_.head_dim, kv_dim = hp_.kv_dim(), group = hp_.heads_per_kv();
  const float scale = 1.0f / std::sqrt(static_cast<float>(hd));
  auto attend = [&](int64_t begin, int64_t end) {
    std::vector<float> score(static_cast<size_t>(max_ctx));
    for (int64_t job = begin; job < end; ++job) {
      const int64_t t = job / hp_.n_head, h = job % hp_.n_head;
      const uint32_t s = seq_of_[t];
      const int64_t n_seen = pos_[t] + 1;  // causal: positions 0..pos
      const float* qh = q.row(t) + h * hd;
      const int64_t kv_off = (h / group) * hd;
      tensor::attend(qh, keys[s] + kv_off, values[s] + kv_off, n_seen, hd, kv_dim, scale, score.data(),
                     out.row(t) + h * hd);
    }
  };
  const int64_t jobs = n_tokens_ * hp_.n_head;
  if (work * hp_.n_head * hd < (1 << 16))
    attend(0, jobs);
  else
    pool_.parallel_for(jobs, attend);
  for (const SequenceBatch& seq : batch_.seqs)
    cache_.set_length(seq.seq, seq.start_pos + static_cast<int64_t>(seq.tokens.size()));
}

void ForwardStep::swiglu(Activations& gate, const Activations& up) const {
  tensor::silu_mul(gate.data.data(), up.data.data(), static_cast<int64_t>(gate.data.size()), gate.data.data());
}

void ForwardStep::output(const Activations& x, const std::vector<float>& norm, const tensor::Matrix& w_out) {
  out_->n_vocab = w_out.rows;
  out_->n_embd = x.width;
  out_->first_token = first_token_;
  if (batch_.want_hidden) {
    Activations hidden = activations(x.width);
    rmsnorm(x, norm, hidden);
    out_->hidden = std::move(hidden.data);
  }
  if (!batch_.want_logits) return;

  // The rows that need logits: every token of an all_logits sequence, else its last.
  std::vector<int64_t> rows;
  for (size_t s = 0; s < batch_.seqs.size(); ++s) {
    const int64_t n = static_cast<int64_t>(batch_.seqs[s].tokens.size());
    const int64_t from = batch_.seqs[s].all_logits ? 0 : n - 1;
    out_->first_row.push_back(static_cast<int64_t>(rows.size()));
    out_->n_rows.push_back(n - from);
    for (int64_t j = from; j < n; ++j) rows.push_back(first_token_[s] + j);
  }
  Activations normed{static_cast<int64_t>(rows.size()), x.width,
                     std::vector<float>(rows.size() * static_cast<size_t>(x.width))};
  for (size_t r = 0; r < rows.size(); ++r)
    tensor::rmsnorm(x.row(rows[r]), norm.data(), x.width, static_cast<float>(hp_.rms_eps),
                    normed.row(static_cast<int64_t>(r)));
  out_->logits.resize(rows.size() * static_cast<size_t>(w_out.rows));
  tensor::matmul(w_out, normed.data.data(), normed.n_tokens, out_->logits.data(), pool_);
}

}  // namespace maas::llm

// The input and output of one forward step. A step carries several sequences, each with
// any number of new tokens (a prompt chunk or one decoded token): the scheduler's plan
// for the step, executed in one pass over the weights.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace maas::llm {

using SeqId = int32_t;  // a KV-cache slot, from KvCache::allocate()

struct SequenceBatch {
  SeqId seq = 0;
  std::vector<int32_t> tokens;  // at least one
  // Position of tokens[0]. The cache keeps this sequence's positions < start_pos and
  // forgets anything after them, so start_pos = cached length appends, and a smaller
  // value rewinds (e.g. to reuse a shared prompt prefix).
  int64_t start_pos = 0;
  bool all_logits = false;  // logits for every token (perplexity, echo); else the last only
};

struct Batch {
  std::vector<SequenceBatch> seqs;
  bool want_logits = true;
  bool want_hidden = false;  // the final normalised hidden state of every token (embeddings)
};

struct ForwardResult {
  int64_t n_vocab = 0;
  int64_t n_embd = 0;
  // Logit rows in batch order: for each sequence, one row per token if all_logits, else
  // one row for its last token. first_row[i] / n_rows[i] locate sequence i's rows.
  std::vector<float> logits;
  std::vector<int64_t> first_row;
  std::vector<int64_t> n_rows;
  // n_tokens x n_embd in batch order (every token of every sequence), if want_hidden;
  // first_token[i] is where sequence i starts.
  std::vector<float> hidden;
  std::vector<int64_t> first_token;

  // Logits of sequence i's last computed row.
  std::span<const float> last_logits(size_t i) const { return row(first_row[i] + n_rows[i] - 1); }
  std::span<const float> row(int64_t r) const {
    return {logits.data() + r * n_vocab, static_cast<size_t>(n_vocab)};
  }
  // Hidden state of token j of sequence i.
  std::span<const float> hidden_state(size_t i, int64_t j) const {
    return {hidden.data() + (first_token[i] + j) * n_embd, static_cast<size_t>(n_embd)};
  }
};

}  // namespace maas::llm

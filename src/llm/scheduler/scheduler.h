// Continuous batching (vLLM v1's shape): one step = one forward pass over every active
// sequence. Each step's plan is a plain list {sequence -> tokens to compute}: running
// sequences contribute their one new token, sequences still reading their prompt
// contribute a chunk, all within a per-step token budget, so a long prompt never stalls
// running streams. New jobs join between steps when KV slots are free; a cancelled job
// (client gone) or one past its deadline leaves at the next step and frees its slots.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "core/status.h"
#include "llm/runtime/kv_cache.h"
#include "llm/scheduler/job.h"

namespace maas::llm {

class Model;

struct SchedulerOptions {
  int max_sequences = 16;     // KV slots = sequences decoded together
  int max_queue = 64;         // jobs waiting for slots; beyond: ResourceExhausted (429)
  int step_token_budget = 256;  // tokens computed per step (decode tokens + prompt chunks)
  int64_t context_length = 0;   // per sequence; 0 = the model's training context
  tensor::DType cache_type = tensor::DType::kF32;
};

struct SchedulerStats {
  int64_t queued = 0;            // jobs waiting
  int64_t active_sequences = 0;  // sequences holding a slot
  int64_t steps = 0;
  int64_t tokens_generated = 0;
  int64_t prompt_tokens = 0;
  // Wall seconds spent in steps that had work, and in their forward passes; the rest
  // of a step is the scheduler's own work (planning, sampling, streaming events).
  double step_seconds = 0;
  double forward_seconds = 0;
  KvUsage kv;
};

class Scheduler {
 public:
  // `token_bytes` renders a token's bytes; `is_end` says whether a token ends generation.
  static Result<std::unique_ptr<Scheduler>> create(std::shared_ptr<Model> model, SchedulerOptions options,
                                                   TokenBytesFn token_bytes, std::function<bool(int32_t)> is_end);
  ~Scheduler();

  // Queues a job. InvalidArgument (prompt + max_tokens beyond the context, bad sampling
  // parameters, empty prompt, n beyond the slots), ResourceExhausted (queue full).
  Status submit(const std::shared_ptr<Job>& job);
  SchedulerStats stats() const;
  int64_t context_length() const { return context_length_; }
  const Model& model() const { return *model_; }

 private:
  struct Sequence;
  Scheduler(std::shared_ptr<Model> model, SchedulerOptions options, KvCache cache, TokenBytesFn token_bytes,
            std::function<bool(int32_t)> is_end);
  void loop();
  void admit_locked();
  void drop_finished_locked();
  void step();
  void finish(Sequence& s, FinishReason reason);
  void share_prefix(Sequence& leader);
  void release_followers(Sequence& leader);
  void emit_prompt_logprobs(Sequence& s, const struct ForwardResult& out, size_t batch_index, int64_t first_pos);

  std::shared_ptr<Model> model_;
  SchedulerOptions options_;
  int64_t context_length_ = 0;
  KvCache cache_;
  TokenBytesFn token_bytes_;
  std::function<bool(int32_t)> is_end_;

  mutable std::mutex mu_;
  std::condition_variable wake_;
  std::deque<std::shared_ptr<Job>> waiting_;
  std::vector<std::unique_ptr<Sequence>> running_;
  bool stopping_ = false;
  std::atomic<int64_t> steps_{0}, tokens_generated_{0}, prompt_tokens_{0};
  std::atomic<int64_t> step_ns_{0}, forward_ns_{0};  // wall time of steps with work / of their forward passes
  std::thread thread_;
};

}  // namespace maas::llm

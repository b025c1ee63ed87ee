// A generation request as the scheduler sees it, and the events it sends back.
// One job = one prompt with `n` independent choices (each its own sequence and slot).
// The scheduler thread produces events; the request's thread consumes them from the
// job's channel, so a slow client never stalls a decode step.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/status.h"
#include "llm/runtime/generate.h"
#include "llm/sampling/sampler.h"

namespace maas::llm {

// Chooses the next token when plain sampling is not enough (e.g. JSON mode).
class TokenPicker {
 public:
  virtual ~TokenPicker() = default;
  virtual SampledToken pick(Sampler& sampler, std::span<const float> logits) = 0;
  virtual void accepted(int32_t token) = 0;
};

struct JobEvent {
  enum class Kind { kPromptLogprobs, kToken, kDone, kError };
  Kind kind = Kind::kToken;
  int job_tag = 0;  // JobSpec::tag of the job it came from
  int choice = 0;
  GeneratedToken token;                       // kToken
  std::vector<GeneratedToken> prompt_tokens;  // kPromptLogprobs: logprob of each prompt token (first has none)
  FinishReason finish = FinishReason::kLength;  // kDone
  int64_t completion_tokens = 0;                // kDone
  Status error;                                 // kError

  static JobEvent token_event(int choice, GeneratedToken t) {
    JobEvent e;
    e.kind = Kind::kToken;
    e.choice = choice;
    e.token = std::move(t);
    return e;
  }
  static JobEvent done_event(int choice, FinishReason reason, int64_t completion_tokens) {
    JobEvent e;
    e.kind = Kind::kDone;
    e.choice = choice;
    e.finish = reason;
    e.completion_tokens = completion_tokens;
    return e;
  }
  static JobEvent error_event(int choice, Status status) {
    JobEvent e;
    e.kind = Kind::kError;
    e.choice = choice;
    e.error = std::move(status);
    return e;
  }
  static JobEvent prompt_event(int choice) {
    JobEvent e;
    e.kind = Kind::kPromptLogprobs;
    e.choice = choice;
    return e;
  }
};

struct JobSpec {
  std::vector<int32_t> prompt;
  GenerateParams params;       // sampling, max_tokens, stop, stop_tokens, ignore_eos
  int n = 1;                   // choices
  bool prompt_logprobs = false;  // report logprobs of the prompt tokens (echo + logprobs)
  // Per-choice seeds derive from params.sampling.seed + choice index.
  std::function<std::unique_ptr<TokenPicker>()> make_picker;  // optional
  std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();
  int tag = 0;  // copied into every event (e.g. the prompt's index in a multi-prompt request)
};

// Events from one or more jobs (a request with several prompts shares one channel).
class EventChannel {
 public:
  // Waits for the next event up to `timeout`; nullopt on timeout.
  std::optional<JobEvent> next(std::chrono::milliseconds timeout);
  void push(JobEvent event);

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<JobEvent> events_;
};

class Job {
 public:
  Job(JobSpec spec, std::shared_ptr<EventChannel> channel) : spec_(std::move(spec)), channel_(std::move(channel)) {}
  const JobSpec& spec() const { return spec_; }

  // Consumer side: events arrive on the channel; cancel() ends the job at the next step.
  void cancel() { cancelled_ = true; }

  // Producer side (the scheduler).
  void push(JobEvent event) {
    event.job_tag = spec_.tag;
    channel_->push(std::move(event));
  }
  bool cancelled() const { return cancelled_.load(); }

 private:
  JobSpec spec_;
  std::shared_ptr<EventChannel> channel_;
  std::atomic<bool> cancelled_{false};
};

}  // namespace maas::llm

// Runs one API request's prompts on an LLM's scheduler and delivers the events in order
// to the route that renders them (as one JSON body or as server-sent events).
// Destroying a Generation cancels whatever is still running, so a request that fails,
// times out or loses its client frees its KV slots at the next step.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <vector>

#include "core/status.h"
#include "llm/family/llm_family.h"
#include "llm/scheduler/job.h"

namespace maas::serving::openai {

struct GenerationOptions {
  llm::GenerateParams params;
  int n = 1;
  bool prompt_logprobs = false;
  std::function<std::unique_ptr<llm::TokenPicker>()> make_picker;
  std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();
};

class Generation {
 public:
  // Submits one job per prompt; if any is refused (queue full, context overflow) the
  // others are cancelled and the error returned.
  static Result<std::unique_ptr<Generation>> start(llm::LlmModel& model, std::vector<std::vector<int32_t>> prompts,
                                                   GenerationOptions options);
  ~Generation();

  // Calls on_event for every event until each choice of each prompt is done. Returns
  // kCancelled if on_event returns false or `alive` turns false, kDeadlineExceeded past
  // the deadline, or the engine's error.
  Status drive(const std::function<bool(const llm::JobEvent&)>& on_event, const std::function<bool()>& alive);

  size_t prompts() const { return jobs_.size(); }
  int n() const { return n_; }

 private:
  Generation() = default;
  std::shared_ptr<llm::EventChannel> channel_;
  std::vector<std::shared_ptr<llm::Job>> jobs_;
  int n_ = 1;
  std::chrono::steady_clock::time_point deadline_;
};

// OpenAI's finish_reason for an engine finish ("stop" or "length").
const char* openai_finish_reason(llm::FinishReason reason);

}  // namespace maas::serving::openai

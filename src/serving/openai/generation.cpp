#include "serving/openai/generation.h"

namespace maas::serving::openai {

const char* openai_finish_reason(llm::FinishReason reason) {
  return reason == llm::FinishReason::kLength ? "length" : "stop";
}

Result<std::unique_ptr<Generation>> Generation::start(llm::LlmModel& model, std::vector<std::vector<int32_t>> prompts,
                                                      GenerationOptions options) {
  std::unique_ptr<Generation> g(new Generation());
  g->channel_ = std::make_shared<llm::EventChannel>();
  g->n_ = options.n;
  g->deadline_ = options.deadline;
  for (size_t i = 0; i < prompts.size(); ++i) {
    llm::JobSpec spec;
    spec.prompt = std::move(prompts[i]);
    spec.params = options.params;
    spec.n = options.n;
    spec.prompt_logprobs = options.prompt_logprobs;
    spec.make_picker = options.make_picker;
    spec.deadline = options.deadline;
    spec.tag = static_cast<int>(i);
    auto job = std::make_shared<llm::Job>(std::move(spec), g->channel_);
    Status st = model.scheduler().submit(job);
    if (!st.is_ok()) {
      if (prompts.size() > 1) st = Status(st.code(), "prompt " + std::to_string(i) + ": " + st.message()).with_field(st.field());
      return st;  // ~Generation cancels the jobs already queued
    }
    g->jobs_.push_back(std::move(job));
  }
  return g;
}

Generation::~Generation() {
  for (auto& job : jobs_) job->cancel();
}

Status Generation::drive(const std::function<bool(const llm::JobEvent&)>& on_event,
                         const std::function<bool()>& alive) {
  size_t remaining = jobs_.size() * static_cast<size_t>(n_);
  while (remaining > 0) {
    if (std::chrono::steady_clock::now() > deadline_)
      return Status(Code::kDeadlineExceeded, "the request timed out before generation finished");
    if (alive && !alive()) return Status(Code::kCancelled, "client disconnected");
    std::optional<llm::JobEvent> e = channel_->next(std::chrono::milliseconds(50));
    if (!e) continue;
    if (e->kind == llm::JobEvent::Kind::kError) return e->error;
    if (e->kind == llm::JobEvent::Kind::kDone) {
      --remaining;
      if (e->finish == llm::FinishReason::kCancelled) {
        if (std::chrono::steady_clock::now() > deadline_)
          return Status(Code::kDeadlineExceeded, "the request timed out before generation finished");
        return Status(Code::kCancelled, "generation was cancelled");
      }
    }
    if (!on_event(*e)) return Status(Code::kCancelled, "client disconnected");
  }
  return Status::ok();
}

}  // namespace maas::serving::openai

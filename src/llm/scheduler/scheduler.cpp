#include "llm/scheduler/scheduler.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>

#include "core/log.h"
#include "core/thread_name.h"
#include "llm/model/model.h"
#include "llm/runtime/text_stream.h"

namespace maas::llm {

struct Scheduler::Sequence {
  Sequence(std::shared_ptr<Job> j, int c, SeqId s, SamplingParams sp)
      : job(std::move(j)), choice(c), slot(s), sampler(std::move(sp)), text(job->spec().params.stop) {}
  std::shared_ptr<Job> job;
  int choice = 0;
  SeqId slot = 0;
  std::vector<int32_t> tokens;  // prompt, then generated tokens fed back
  size_t prompt_len = 0;
  int64_t computed = 0;         // tokens already in the KV cache
  int64_t generated = 0;
  Sampler sampler;
  TextStream text;
  std::unique_ptr<TokenPicker> picker;
  bool done = false;
  // Choices of one prompt share its cache: the first computes the prompt, the others
  // (followers) wait, copy all but its last token, and compute that one themselves
  // (their own logits for their first sample).
  std::vector<Sequence*> followers;
  bool awaits_prefix = false;
};

namespace {

// log p(token) under softmax(row), and the n most likely alternatives.
GeneratedToken score_token(std::span<const float> row, int32_t token, int n_top) {
  float max = *std::max_element(row.begin(), row.end());
  double sum = 0;
  for (float v : row) sum += std::exp(static_cast<double>(v - max));
  const double log_z = max + std::log(sum);
  GeneratedToken g;
  g.token = token;
  g.logprob = static_cast<float>(row[token] - log_z);
  if (n_top > 0) {
    std::vector<int32_t> idx(row.size());
    for (size_t i = 0; i < idx.size(); ++i) idx[i] = static_cast<int32_t>(i);
    const size_t k = std::min<size_t>(n_top, idx.size());
    std::partial_sort(idx.begin(), idx.begin() + k, idx.end(),
                      [&](int32_t a, int32_t b) { return row[a] > row[b] || (row[a] == row[b] && a < b); });
    for (size_t i = 0; i < k; ++i) g.top.push_back({idx[i], static_cast<float>(row[idx[i]] - log_z)});
  }
  return g;
}

}  // namespace

Result<std::unique_ptr<Scheduler>> Scheduler::create(std::shared_ptr<Model> model, SchedulerOptions options,
                                                     TokenBytesFn token_bytes, std::function<bool(int32_t)> is_end) {
  if (options.max_sequences < 1) return invalid_argument("max_sequences must be at least 1");
  if (options.step_token_budget < options.max_sequences)
    return invalid_argument("step token budget {} is below max_sequences {}", options.step_token_budget,
                            options.max_sequences);
  int64_t ctx = options.context_length > 0 ? std::min(options.context_length, model->hparams().n_ctx_train)
                                           : model->hparams().n_ctx_train;
  MAAS_ASSIGN_OR_RETURN(KvCache cache, model->make_cache({options.max_sequences, ctx, options.cache_type}));
  options.context_length = ctx;
  return std::unique_ptr<Scheduler>(
      new Scheduler(std::move(model), options, std::move(cache), std::move(token_bytes), std::move(is_end)));
}

Scheduler::Scheduler(std::shared_ptr<Model> model, SchedulerOptions options, KvCache cache, TokenBytesFn token_bytes,
                     std::function<bool(int32_t)> is_end)
    : model_(std::move(model)),
      options_(options),
      context_length_(options.context_length),
      cache_(std::move(cache)),
      token_bytes_(std::move(token_bytes)),
      is_end_(std::move(is_end)) {
  thread_ = std::thread([this] {
    set_thread_name("maas-sched");
    loop();
  });
}

Scheduler::~Scheduler() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
  for (auto& job : waiting_) job->push(JobEvent::error_event(0, Status(Code::kUnavailable, "model unloaded")));
  for (auto& s : running_)
    if (!s->done) s->job->push(JobEvent::error_event(s->choice, Status(Code::kUnavailable, "model unloaded")));
}

Status Scheduler::submit(const std::shared_ptr<Job>& job) {
  const JobSpec& spec = job->spec();
  const int64_t n_vocab = model_->hparams().n_vocab;
  if (spec.prompt.empty()) return invalid_argument("the prompt is empty (no tokens)");
  for (int32_t t : spec.prompt)
    if (t < 0 || t >= n_vocab) return invalid_argument("prompt token id {} is outside the vocabulary (0..{})", t, n_vocab - 1);
  if (spec.params.max_tokens < 0) return invalid_argument("max_tokens must be >= 0");
  const int64_t need = static_cast<int64_t>(spec.prompt.size()) + spec.params.max_tokens;
  if (need > context_length_)
    return invalid_argument(
        "this model's maximum context length is {} tokens; the request needs {} ({} in the prompt + {} max_tokens)",
        context_length_, need, spec.prompt.size(), spec.params.max_tokens);
  if (spec.n < 1 || spec.n > options_.max_sequences)
    return invalid_argument("n must be between 1 and {}", options_.max_sequences);
  MAAS_RETURN_IF_ERROR(validate_sampling(spec.params.sampling, n_vocab));
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_) return Status(Code::kUnavailable, "model is unloading");
    if (static_cast<int>(waiting_.size()) >= options_.max_queue)
      return error(Code::kResourceExhausted, "the request queue is full ({} waiting); retry shortly", waiting_.size());
    waiting_.push_back(job);
  }
  wake_.notify_all();
  return Status::ok();
}

SchedulerStats Scheduler::stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  SchedulerStats st;
  st.queued = static_cast<int64_t>(waiting_.size());
  for (const auto& s : running_) st.active_sequences += s->done ? 0 : 1;
  st.steps = steps_;
  st.step_seconds = static_cast<double>(step_ns_.load()) * 1e-9;
  st.forward_seconds = static_cast<double>(forward_ns_.load()) * 1e-9;
  st.tokens_generated = tokens_generated_;
  st.prompt_tokens = prompt_tokens_;
  st.kv = cache_.usage();
  return st;
}

// Moves waiting jobs into free slots, whole jobs only (all n choices at once), in order.
void Scheduler::admit_locked() {
  while (!waiting_.empty()) {
    std::shared_ptr<Job> job = waiting_.front();
    if (job->cancelled()) {
      waiting_.pop_front();
      for (int c = 0; c < job->spec().n; ++c) job->push(JobEvent::done_event(c, FinishReason::kCancelled, 0));
      continue;
    }
    const KvUsage use = cache_.usage();
    if (use.max_sequences - use.sequences < job->spec().n) return;
    waiting_.pop_front();
    const JobSpec& spec = job->spec();
    const bool share = spec.n > 1 && spec.prompt.size() >= 2 && !spec.prompt_logprobs;
    Sequence* leader = nullptr;
    for (int c = 0; c < spec.n; ++c) {
      Result<SeqId> slot = cache_.allocate();
      if (!slot.is_ok()) {  // cannot happen after the check above; fail the job cleanly
        job->push(JobEvent::error_event(c, slot.status()));
        continue;
      }
      SamplingParams sp = spec.params.sampling;
      if (sp.seed) sp.seed = *sp.seed + static_cast<uint64_t>(c);
      auto s = std::make_unique<Sequence>(job, c, *slot, sp);
      s->tokens = spec.prompt;
      s->prompt_len = spec.prompt.size();
      s->sampler.accept(spec.prompt);
      if (spec.make_picker) s->picker = spec.make_picker();
      if (share && leader != nullptr) {
        s->awaits_prefix = true;
        leader->followers.push_back(s.get());
      } else if (share) {
        leader = s.get();
      }
      running_.push_back(std::move(s));
    }
  }
}

void Scheduler::drop_finished_locked() {
  running_.erase(std::remove_if(running_.begin(), running_.end(), [](const auto& s) { return s->done; }),
                 running_.end());
}

// The leader has computed the shared prefix (all prompt tokens but the last): its
// followers copy it and go on from there.
void Scheduler::share_prefix(Sequence& leader) {
  const int64_t n = static_cast<int64_t>(leader.prompt_len) - 1;
  for (Sequence* f : leader.followers) {
    if (f->done) continue;
    if (Status st = cache_.copy_prefix(leader.slot, f->slot, n); st.is_ok()) f->computed = n;
    f->awaits_prefix = false;  // on failure it computes the prompt itself
  }
  leader.followers.clear();
}

// A leader that ends before sharing (cancelled, failed) lets its followers compute the
// prompt themselves.
void Scheduler::release_followers(Sequence& leader) {
  for (Sequence* f : leader.followers) f->awaits_prefix = false;
  leader.followers.clear();
}

void Scheduler::finish(Sequence& s, FinishReason reason) {
  if (s.done) return;
  release_followers(s);
  if (!s.text.stopped()) {
    std::string rest = s.text.finish();
    if (!rest.empty()) {
      GeneratedToken tail;
      tail.token = -1;
      tail.text = std::move(rest);
      s.job->push(JobEvent::token_event(s.choice, std::move(tail)));
    }
  }
  s.job->push(JobEvent::done_event(s.choice, reason, s.generated));
  cache_.release(s.slot);
  s.done = true;
}

void Scheduler::emit_prompt_logprobs(Sequence& s, const ForwardResult& out, size_t batch_index, int64_t first_pos) {
  JobEvent e = JobEvent::prompt_event(s.choice);
  if (first_pos == 0) {  // the first prompt token has no logprob
    GeneratedToken first;
    first.token = s.tokens[0];
    first.logprob = std::numeric_limits<float>::quiet_NaN();
    e.prompt_tokens.push_back(first);
  }
  for (int64_t r = 0; r < out.n_rows[batch_index]; ++r) {
    const int64_t next_pos = first_pos + r + 1;
    if (next_pos >= static_cast<int64_t>(s.prompt_len)) break;
    e.prompt_tokens.push_back(score_token(out.row(out.first_row[batch_index] + r), s.tokens[next_pos],
                                          s.job->spec().params.sampling.n_probs));
  }
  s.job->push(std::move(e));
}

void Scheduler::step() {
  const auto started = std::chrono::steady_clock::now();
  struct StepTimer {  // adds the step's wall time however it returns
    Scheduler* s;
    std::chrono::steady_clock::time_point t0;
    ~StepTimer() { s->step_ns_ += std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - t0).count(); }
  } timer{this, started};
  // Plan: one token for every decoding sequence, then prompt chunks within the budget.
  Batch batch;
  std::vector<Sequence*> planned;
  std::vector<int64_t> first_pos;
  {
    std::lock_guard<std::mutex> lock(mu_);
    const auto now = std::chrono::steady_clock::now();
    for (auto& s : running_)
      if (!s->done && (s->job->cancelled() || now > s->job->spec().deadline)) finish(*s, FinishReason::kCancelled);
    drop_finished_locked();
    admit_locked();
    int budget = options_.step_token_budget;
    for (int pass = 0; pass < 2; ++pass) {
      for (auto& s : running_) {
        const int64_t pending = static_cast<int64_t>(s->tokens.size()) - s->computed;
        const bool decoding = static_cast<size_t>(s->computed) >= s->prompt_len;
        if (s->done || s->awaits_prefix || pending <= 0 || decoding != (pass == 0) || budget <= 0) continue;
        const int64_t take = std::min<int64_t>(pending, budget);
        budget -= static_cast<int>(take);
        SequenceBatch sb;
        sb.seq = s->slot;
        sb.tokens.assign(s->tokens.begin() + s->computed, s->tokens.begin() + s->computed + take);
        sb.start_pos = s->computed;
        sb.all_logits = !decoding && s->job->spec().prompt_logprobs;
        batch.seqs.push_back(std::move(sb));
        planned.push_back(s.get());
        first_pos.push_back(s->computed);
      }
    }
  }
  if (planned.empty()) return;

  const auto forward_start = std::chrono::steady_clock::now();
  Result<ForwardResult> result = model_->forward(batch, cache_);
  forward_ns_ += std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - forward_start).count();
  ++steps_;
  std::lock_guard<std::mutex> lock(mu_);
  if (!result.is_ok()) {
    log_event(LogLevel::kError, "forward_failed", {{"error", result.status().to_string()}});
    for (Sequence* s : planned) {
      s->job->push(JobEvent::error_event(s->choice, result.status()));
      cache_.release(s->slot);
      s->done = true;
      release_followers(*s);
    }
    return;
  }
  const ForwardResult& out = *result;
  for (size_t i = 0; i < planned.size(); ++i) {
    Sequence& s = *planned[i];
    const bool was_prompt = static_cast<size_t>(first_pos[i]) < s.prompt_len;
    s.computed += static_cast<int64_t>(batch.seqs[i].tokens.size());
    if (!s.followers.empty() && s.computed >= static_cast<int64_t>(s.prompt_len) - 1) share_prefix(s);
    if (was_prompt) {
      prompt_tokens_ += static_cast<int64_t>(batch.seqs[i].tokens.size());
      if (s.job->spec().prompt_logprobs) emit_prompt_logprobs(s, out, i, first_pos[i]);
    }
    if (s.computed < static_cast<int64_t>(s.tokens.size())) continue;  // prompt not finished yet
    const GenerateParams& gp = s.job->spec().params;
    if (s.generated >= gp.max_tokens) {
      finish(s, FinishReason::kLength);
      continue;
    }
    std::span<const float> logits = out.last_logits(i);
    SampledToken next = s.picker ? s.picker->pick(s.sampler, logits) : s.sampler.sample(logits);
    s.sampler.accept(next.token);
    if (s.picker) s.picker->accepted(next.token);
    ++s.generated;
    ++tokens_generated_;
    const bool at_end = (!gp.ignore_eos && is_end_ && is_end_(next.token)) ||
                        std::find(gp.stop_tokens.begin(), gp.stop_tokens.end(), next.token) != gp.stop_tokens.end();
    GeneratedToken g;
    g.token = next.token;
    g.text = at_end ? std::string() : s.text.push(token_bytes_(next.token));
    g.logprob = next.logprob;
    g.top = std::move(next.top);
    s.job->push(JobEvent::token_event(s.choice, std::move(g)));
    if (at_end) {
      finish(s, FinishReason::kEndOfText);
    } else if (s.text.stopped()) {
      finish(s, FinishReason::kStop);
    } else if (s.generated >= gp.max_tokens) {
      finish(s, FinishReason::kLength);
    } else {
      s.tokens.push_back(next.token);
    }
  }
}

void Scheduler::loop() {
  for (;;) {
    {
      std::unique_lock<std::mutex> lock(mu_);
      wake_.wait(lock, [&] {
        if (stopping_) return true;
        if (!waiting_.empty()) return true;
        for (const auto& s : running_)
          if (!s->done) return true;
        return false;
      });
      if (stopping_) return;
    }
    step();
  }
}

}  // namespace maas::llm

#include "serving/training/jobs.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <filesystem>

#include "core/clock.h"
#include "core/files.h"
#include "core/hash.h"
#include "core/log.h"

namespace maas::serving {

const char* job_state_name(JobState state) {
  switch (state) {
    case JobState::kRunning: return "running";
    case JobState::kSucceeded: return "succeeded";
    case JobState::kFailed: return "failed";
    case JobState::kCancelled: return "cancelled";
  }
  return "?";
}

struct JobManager::Job {
  std::string id, kind;
  nlohmann::json request;
  JobState state = JobState::kRunning;
  TrainProgress progress;
  bool has_progress = false;
  std::deque<std::string> log;  // the last lines
  nlohmann::json result;
  std::string error;
  int64_t created_ms = 0, finished_ms = 0;
  std::atomic<bool> cancel{false};
  nlohmann::json record;  // loaded from disk (finished jobs of an earlier run)
};

// The job's TrainMonitor: progress and log lines go into the job under the manager's lock.
class JobManager::Monitor final : public TrainMonitor {
 public:
  Monitor(JobManager& manager, std::shared_ptr<Job> job) : manager_(manager), job_(std::move(job)) {}
  void progress(const TrainProgress& p) override {
    std::lock_guard lock(manager_.mu_);
    job_->progress = p;
    job_->has_progress = true;
  }
  void log(const std::string& line) override {
    std::lock_guard lock(manager_.mu_);
    job_->log.push_back(line);
    while (job_->log.size() > 50) job_->log.pop_front();
  }
  bool cancelled() const override { return job_->cancel.load(); }

 private:
  JobManager& manager_;
  std::shared_ptr<Job> job_;
};

JobManager::JobManager(std::string dir, int max_running) : dir_(std::move(dir)), max_running_(max_running) {}

JobManager::~JobManager() {
  {
    std::lock_guard lock(mu_);
    for (auto& [_, job] : jobs_) job->cancel = true;
  }
  for (std::thread& t : threads_)
    if (t.joinable()) t.join();
}

Status JobManager::open() {
  MAAS_RETURN_IF_ERROR(make_dirs(dir_));
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir_, ec)) {
    if (entry.path().extension() != ".json") continue;
    Result<std::string> text = read_file(entry.path().string());
    if (!text.is_ok()) continue;
    nlohmann::json record = nlohmann::json::parse(*text, nullptr, false);
    if (!record.is_object() || !record.contains("id") || !record["id"].is_string()) continue;
    auto job = std::make_shared<Job>();
    job->id = record["id"].get<std::string>();
    if (record.value("state", "") == "running") {  // this process died while it ran
      record["state"] = "failed";
      record["error"] = "the server stopped while the job was running";
      (void)write_file_atomic(entry.path().string(), record.dump(2));
    }
    job->record = std::move(record);
    jobs_[job->id] = std::move(job);
  }
  return Status::ok();
}

int JobManager::running() const {
  std::lock_guard lock(mu_);
  int n = 0;
  for (const auto& [_, job] : jobs_)
    if (job->record.is_null() && job->state == JobState::kRunning) ++n;
  return n;
}

Result<nlohmann::json> JobManager::submit(const std::string& kind, const nlohmann::json& request, JobWork work) {
  if (running() >= max_running_)
    return Status(Code::kResourceExhausted,
                  fmt::format("{} job(s) already running, the most this server runs at once (--max-train-jobs); "
                              "retry when one has finished",
                              max_running_));
  auto job = std::make_shared<Job>();
  job->id = "job-" + random_hex(8);
  job->kind = kind;
  job->request = request;
  job->created_ms = unix_millis();
  std::lock_guard lock(mu_);
  jobs_[job->id] = job;
  persist(*job);
  threads_.emplace_back([this, job, work = std::move(work)]() mutable { run(job, std::move(work)); });
  return to_json(*job);
}

void JobManager::run(std::shared_ptr<Job> job, JobWork work) {
  Monitor monitor(*this, job);
  Result<nlohmann::json> result = work(monitor);
  std::lock_guard lock(mu_);
  job->finished_ms = unix_millis();
  if (result.is_ok()) {
    job->state = JobState::kSucceeded;
    job->result = *result;
  } else {
    job->state = job->cancel.load() || result.status().code() == Code::kCancelled ? JobState::kCancelled
                                                                                  : JobState::kFailed;
    job->error = result.status().message();
    log_event(LogLevel::kWarn, "job_" + std::string(job_state_name(job->state)),
              {{"job", job->id}, {"kind", job->kind}, {"error", job->error}});
  }
  persist(*job);
}

Result<nlohmann::json> JobManager::get(const std::string& id) const {
  std::lock_guard lock(mu_);
  auto it = jobs_.find(id);
  if (it == jobs_.end()) return not_found("job '{}' not found", id).with_field("id");
  return to_json(*it->second);
}

std::vector<nlohmann::json> JobManager::list() const {
  std::lock_guard lock(mu_);
  std::vector<nlohmann::json> out;
  for (const auto& [_, job] : jobs_) out.push_back(to_json(*job));
  std::sort(out.begin(), out.end(), [](const nlohmann::json& a, const nlohmann::json& b) {
    return a.value("created_at_ms", int64_t{0}) > b.value("created_at_ms", int64_t{0});
  });
  return out;
}

Result<nlohmann::json> JobManager::cancel(const std::string& id) {
  std::lock_guard lock(mu_);
  auto it = jobs_.find(id);
  if (it == jobs_.end()) return not_found("job '{}' not found", id).with_field("id");
  Job& job = *it->second;
  if (!job.record.is_null() || job.state != JobState::kRunning)
    return Status(Code::kFailedPrecondition, fmt::format("job '{}' has already finished", id));
  job.cancel = true;
  return to_json(job);
}

nlohmann::json JobManager::to_json(const Job& job) const {
  if (!job.record.is_null()) return job.record;
  nlohmann::json j = {{"id", job.id},
                      {"object", "job"},
                      {"kind", job.kind},
                      {"state", job_state_name(job.state)},
                      {"request", job.request},
                      {"created_at_ms", job.created_ms},
                      {"cancel_requested", job.cancel.load()},
                      {"log", job.log}};
  if (job.has_progress) {
    const TrainProgress& p = job.progress;
    nlohmann::json pj = {{"phase", p.phase}, {"unit", p.unit}};
    if (p.epochs > 0) pj["epoch"] = p.epoch, pj["epochs"] = p.epochs;
    if (p.steps > 0) pj["step"] = p.step, pj["steps"] = p.steps, pj["fraction"] = double(p.step) / double(p.steps);
    if (std::isfinite(p.loss)) pj["loss"] = p.loss;
    if (!p.metric.empty() && std::isfinite(p.metric_value)) pj[p.metric] = p.metric_value;
    if (p.items_per_second > 0) pj["items_per_second"] = p.items_per_second;
    j["progress"] = pj;
  }
  if (job.finished_ms) j["finished_at_ms"] = job.finished_ms;
  if (!job.result.is_null()) j["result"] = job.result;
  if (!job.error.empty()) j["error"] = job.error;
  return j;
}

void JobManager::persist(const Job& job) const {
  const std::string path = (std::filesystem::path(dir_) / (job.id + ".json")).string();
  if (Status st = write_file_atomic(path, to_json(job).dump(2)); !st.is_ok())
    log_event(LogLevel::kWarn, "job_record_failed", {{"job", job.id}, {"error", st.message()}});
}

}  // namespace maas::serving

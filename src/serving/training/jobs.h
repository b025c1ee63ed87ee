// Background jobs of the server (training runs, evaluations): at most `max_running` at
// once (more is a 429), each on its own thread with progress, a log tail, a result and
// cancellation. Each job's record is a JSON file under <data-dir>/jobs, rewritten on
// every state change, so `GET /admin/v1/jobs` shows finished jobs after a restart and a
// job that was running when the process stopped is marked failed at the next start.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/status.h"
#include "core/train.h"

namespace maas::serving {

enum class JobState { kRunning, kSucceeded, kFailed, kCancelled };
const char* job_state_name(JobState state);

// What a job does: its work reports through the monitor and returns the job's result.
using JobWork = std::function<Result<nlohmann::json>(TrainMonitor& monitor)>;

class JobManager {
 public:
  JobManager(std::string dir, int max_running);
  ~JobManager();  // cancels running jobs and waits for them

  // Loads earlier records; those still "running" become failed ("server restarted").
  Status open();
  // Starts `work` as a new job of `kind` ("train", "evaluate"); `request` is recorded.
  Result<nlohmann::json> submit(const std::string& kind, const nlohmann::json& request, JobWork work);
  Result<nlohmann::json> get(const std::string& id) const;
  std::vector<nlohmann::json> list() const;  // newest first
  Result<nlohmann::json> cancel(const std::string& id);
  int running() const;

 private:
  struct Job;
  class Monitor;
  void run(std::shared_ptr<Job> job, JobWork work);
  void persist(const Job& job) const;  // under mu_
  nlohmann::json to_json(const Job& job) const;

  std::string dir_;
  int max_running_;
  mutable std::mutex mu_;
  std::map<std::string, std::shared_ptr<Job>> jobs_;
  std::vector<std::thread> threads_;
};

}  // namespace maas::serving

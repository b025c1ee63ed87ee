// Live feedback of one model version: every event is appended to
// <state_dir>/feedback.csv (fsync'd before it is acknowledged) in the training data's
// own columns — user, item, rating, timestamp — so the file survives a restart (it is
// replayed at load) and can be appended to the data of the next training run. Without
// a state_dir (CLI, tests) feedback lives in memory only.
#pragma once

#include <cstdint>
#include <memory>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/status.h"
#include "recsys/data.h"

namespace maas::recsys {

class FeedbackLog {
 public:
  static Result<std::unique_ptr<FeedbackLog>> open(const std::string& state_dir, const Columns& columns);
  ~FeedbackLog();

  Status append(const std::string& user, const std::string& item, float value, int64_t timestamp);
  // The user's events in arrival order: (item id, value).
  std::vector<std::pair<std::string, float>> for_user(const std::string& user) const;
  int64_t size() const;
  const std::string& path() const { return path_; }

 private:
  FeedbackLog() = default;
  std::string path_;
  int fd_ = -1;
  mutable std::shared_mutex mu_;
  std::unordered_map<std::string, std::vector<std::pair<std::string, float>>> by_user_;
  int64_t events_ = 0;
};

// A CSV field, quoted when it holds a comma, quote or line break.
std::string csv_field(const std::string& s);

}  // namespace maas::recsys

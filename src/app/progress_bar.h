// A training run's progress on stderr: one line redrawn in place on a terminal, plain
// lines (at most one every few seconds, and one per epoch) when stderr is a file or pipe.
#pragma once

#include <atomic>
#include <chrono>
#include <string>

#include "core/train.h"

namespace maas::app {

class ProgressBar final : public TrainMonitor {
 public:
  explicit ProgressBar(bool quiet = false);
  ~ProgressBar() override;
  void progress(const TrainProgress& p) override;
  void log(const std::string& line) override;
  bool cancelled() const override { return cancelled_.load(); }
  void cancel() { cancelled_ = true; }
  void finish();  // ends the redrawn line

 private:
  std::string render(const TrainProgress& p) const;
  bool tty_ = false;
  bool quiet_ = false;
  bool line_open_ = false;
  int64_t last_epoch_ = -1;
  std::chrono::steady_clock::time_point start_, last_print_;
  std::atomic<bool> cancelled_{false};
};

// "1:02:03" / "4:05" for an ETA.
std::string format_duration(double seconds);

}  // namespace maas::app

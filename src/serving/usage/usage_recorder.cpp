#include "serving/usage/usage_recorder.h"

#include "core/log.h"
#include "core/thread_name.h"

namespace maas::serving::usage {

UsageRecorder::UsageRecorder(registry::UsageStore& store, RecorderOptions options,
                             std::function<void(uint64_t, uint64_t)> on_written)
    : store_(store), options_(options), on_written_(std::move(on_written)) {
  writer_ = std::thread([this] {
    set_thread_name("maas-usage");
    run();
  });
}

UsageRecorder::~UsageRecorder() { stop(); }

void UsageRecorder::record(registry::UsageRecord row) {
  std::unique_lock lock(mu_);
  if (usage_.size() >= options_.max_queued_rows) {
    lock.unlock();
    log_event(LogLevel::kError, "usage_dropped", {{"reason", "queue full"}, {"queued", options_.max_queued_rows}});
    if (on_written_) on_written_(0, 1);
    return;
  }
  usage_.push_back(std::move(row));
  ++queued_total_;
  if (stopped_) {
    write_batch(lock);  // after stop(): write at once, nothing may be left behind
    return;
  }
  if (usage_.size() >= options_.batch_rows) wake_.notify_one();
}

void UsageRecorder::record_log(registry::RequestLogRecord row) {
  std::unique_lock lock(mu_);
  if (log_.size() >= options_.max_queued_rows) return;
  log_.push_back(std::move(row));
  if (stopped_) write_batch(lock);
}

// Writes the queued rows with the lock released; returns false (rows put back) on error.
bool UsageRecorder::write_batch(std::unique_lock<std::mutex>& lock) {
  if (usage_.empty() && log_.empty()) return true;
  std::vector<registry::UsageRecord> usage;
  std::vector<registry::RequestLogRecord> log;
  usage.swap(usage_);
  log.swap(log_);
  lock.unlock();
  Status st = store_.append(usage, log);
  lock.lock();
  if (!st.is_ok()) {
    log_event(LogLevel::kError, "usage_write_failed", {{"error", st.to_string()}, {"rows", usage.size()}});
    usage.insert(usage.end(), std::make_move_iterator(usage_.begin()), std::make_move_iterator(usage_.end()));
    log.insert(log.end(), std::make_move_iterator(log_.begin()), std::make_move_iterator(log_.end()));
    usage_.swap(usage);
    log_.swap(log);
    return false;
  }
  written_total_ += usage.size();
  if (on_written_) on_written_(usage.size(), 0);
  written_.notify_all();
  return true;
}

void UsageRecorder::run() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    wake_.wait_for(lock, options_.flush_interval,
                   [this] { return stopping_ || flush_requested_ || usage_.size() >= options_.batch_rows; });
    flush_requested_ = false;
    write_batch(lock);
  }
  // Final flush: a few attempts (the database may be briefly busy), then give up loudly.
  for (int attempt = 0; attempt < 5 && !write_batch(lock); ++attempt) {
    lock.unlock();
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    lock.lock();
  }
  if (!usage_.empty()) {
    log_event(LogLevel::kError, "usage_lost", {{"rows", usage_.size()}});
    if (on_written_) on_written_(0, usage_.size());
  }
  stopped_ = true;
  written_.notify_all();
}

void UsageRecorder::flush() {
  std::unique_lock lock(mu_);
  uint64_t target = queued_total_;
  flush_requested_ = true;
  wake_.notify_one();
  written_.wait_for(lock, std::chrono::seconds(30), [&] { return written_total_ >= target || stopped_; });
}

void UsageRecorder::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_one();
  std::call_once(joined_, [this] { writer_.join(); });
}

}  // namespace maas::serving::usage

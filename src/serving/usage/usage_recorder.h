// Usage rows leave the request path through a queue: record() only appends under a
// mutex; a background thread writes what has queued up in one transaction every
// `flush_interval` (or as soon as `batch_rows` are waiting). stop() — called on
// graceful shutdown after the HTTP server drained, and by the destructor — writes
// everything still queued before it returns. A failed write is retried with the next
// batch; rows are dropped (and counted) only past `max_queued_rows`.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "registry/usage_store.h"

namespace maas::serving::usage {

struct RecorderOptions {
  std::chrono::milliseconds flush_interval{250};
  size_t batch_rows = 512;
  size_t max_queued_rows = 200000;
};

class UsageRecorder {
 public:
  // `on_written(rows_written, rows_dropped)` is told about each batch (metrics).
  UsageRecorder(registry::UsageStore& store, RecorderOptions options,
                std::function<void(uint64_t, uint64_t)> on_written = nullptr);
  ~UsageRecorder();

  void record(registry::UsageRecord row);
  void record_log(registry::RequestLogRecord row);
  // Writes everything queued and stops the writer; later records are written
  // synchronously. Idempotent.
  void stop();
  // Blocks until everything queued before the call is written (tests, reports).
  void flush();

 private:
  void run();
  bool write_batch(std::unique_lock<std::mutex>& lock);

  registry::UsageStore& store_;
  RecorderOptions options_;
  std::function<void(uint64_t, uint64_t)> on_written_;
  std::mutex mu_;
  std::condition_variable wake_, written_;
  std::vector<registry::UsageRecord> usage_;
  std::vector<registry::RequestLogRecord> log_;
  uint64_t queued_total_ = 0, written_total_ = 0;
  bool stopping_ = false, stopped_ = false, flush_requested_ = false;
  std::once_flag joined_;
  std::thread writer_;
};

}  // namespace maas::serving::usage

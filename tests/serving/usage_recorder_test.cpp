// The background usage writer on a real registry database: rows from many threads are
// all written, in batches, and stop() leaves nothing behind.
#include <thread>

#include <gtest/gtest.h>

#include "helpers/server_process.h"
#include "registry/store.h"
#include "serving/usage/usage_recorder.h"

namespace maas::serving::usage {
namespace {

TEST(UsageRecorder, WritesEveryRowFromManyThreadsAndFlushesOnStop) {
  maas::testing::TempDir dir;
  registry::RegistryOptions o;
  o.data_dir = dir.path();
  auto reg = registry::Registry::open(o);
  ASSERT_TRUE(reg.is_ok());
  auto store = registry::UsageStore::open((*reg)->db_path());
  ASSERT_TRUE(store.is_ok());
  std::atomic<uint64_t> written{0}, batches{0};
  {
    // A long interval: only the batch size and stop() trigger writes.
    UsageRecorder rec(**store, {.flush_interval = std::chrono::hours(1), .batch_rows = 100},
                      [&](uint64_t w, uint64_t) {
                        written += w;
                        ++batches;
                      });
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
      threads.emplace_back([&rec, t] {
        for (int i = 0; i < 250; ++i)
          rec.record({.time_ms = i, .key_name = "k" + std::to_string(t), .route = "/r", .method = "GET", .status = 200});
      });
    }
    for (auto& th : threads) th.join();
    rec.flush();
    EXPECT_EQ(*(*store)->count(), 1000);
    for (int i = 0; i < 7; ++i) rec.record({.time_ms = i, .route = "/r", .method = "GET", .status = 200});
    rec.stop();
    EXPECT_EQ(*(*store)->count(), 1007);
    rec.record({.route = "/late", .method = "GET", .status = 200});  // after stop: written at once
    EXPECT_EQ(*(*store)->count(), 1008);
  }
  EXPECT_EQ(written.load(), 1008u);
  EXPECT_GE(batches.load(), 3u);
  EXPECT_LT(batches.load(), 100u) << "rows were not batched";
}

}  // namespace
}  // namespace maas::serving::usage

#include "tensor/thread_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <vector>

namespace maas::tensor {
namespace {

TEST(ThreadPool, CoversEveryIndexExactlyOnce) {
  ThreadPool pool(3);
  EXPECT_EQ(pool.size(), 3);
  for (int64_t n : {0, 1, 2, 5, 17, 64, 1000, 100003}) {
    for (int64_t grain : {1, 4, 16}) {
      std::vector<std::atomic<int>> hits(static_cast<size_t>(n));
      pool.parallel_for(n, [&](int64_t b, int64_t e) {
        EXPECT_EQ(b % grain, 0);
        for (int64_t i = b; i < e; ++i) hits[size_t(i)].fetch_add(1);
      }, grain);
      for (int64_t i = 0; i < n; ++i) ASSERT_EQ(hits[size_t(i)].load(), 1) << n << " " << i;
    }
  }
}

TEST(ThreadPool, ManySmallCallsAndNestedCallsRunInline) {
  ThreadPool pool(2);
  std::atomic<int64_t> total{0};
  for (int call = 0; call < 20000; ++call)
    pool.parallel_for(8, [&](int64_t b, int64_t e) { total.fetch_add(e - b); });
  EXPECT_EQ(total.load(), 20000 * 8);

  std::atomic<int64_t> inner{0};
  pool.parallel_for(4, [&](int64_t b, int64_t e) {
    for (int64_t i = b; i < e; ++i)
      pool.parallel_for(10, [&](int64_t ib, int64_t ie) { inner.fetch_add(ie - ib); });
  });
  EXPECT_EQ(inner.load(), 40);
}

TEST(ThreadPool, DefaultSizeIsTheCpuCount) {
  ThreadPool pool;
  EXPECT_GE(pool.size(), 1);
}

}  // namespace
}  // namespace maas::tensor

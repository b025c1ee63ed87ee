#include "tensor/bandwidth.h"

#include <gtest/gtest.h>

#include "tensor/thread_pool.h"

namespace maas::tensor {
namespace {

// Any machine that runs maas reads memory at well over 1 GB/s and under 10 TB/s; the
// CPU-time rate is at least the wall-clock rate per thread.
TEST(Bandwidth, MeasuresAPlausibleReadRate) {
  ThreadPool pool(2);
  const ReadBandwidth bw = measure_read_bandwidth_detail(pool);
  EXPECT_GT(bw.wall, 1e9);
  EXPECT_LT(bw.wall, 1e13);
  EXPECT_GT(bw.cpu_time, 0.5 * bw.wall / pool.size());
}

}  // namespace
}  // namespace maas::tensor

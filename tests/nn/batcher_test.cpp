// Concurrent requests share forward passes and get exactly the answers they get alone.
#include <gtest/gtest.h>

#include <thread>

#include "nn/batcher.h"
#include "nn/trainer.h"
#include "tensor/thread_pool.h"

namespace maas::nn {
namespace {

TEST(Batcher, ConcurrentCallersGetTheirOwnRowsBitForBit) {
  FitConfig c;
  c.hidden = {32, 16};
  Network<float> net = init_network(10, 3, c);
  tensor::ThreadPool pool(2);
  Batcher batcher(net, &pool);
  const int kThreads = 8, kCalls = 40;
  std::vector<std::vector<float>> inputs(kThreads);
  for (int t = 0; t < kThreads; ++t)
    for (int i = 0; i < (t % 3 + 1) * 10; ++i) inputs[t].push_back(std::sin(float(t * 100 + i)));
  std::vector<std::vector<float>> alone(kThreads);
  for (int t = 0; t < kThreads; ++t) alone[t] = predict(net, inputs[t].data(), int64_t(inputs[t].size() / 10), nullptr);

  std::vector<int> mismatches(kThreads, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < kCalls; ++i)
        if (batcher.run(inputs[t].data(), int64_t(inputs[t].size() / 10)) != alone[t]) ++mismatches[t];
    });
  for (auto& th : threads) th.join();
  for (int t = 0; t < kThreads; ++t) EXPECT_EQ(mismatches[t], 0) << "thread " << t;
  EXPECT_EQ(batcher.requests(), kThreads * kCalls);
  EXPECT_LE(batcher.passes(), batcher.requests());
  EXPECT_GT(batcher.passes(), 0);
}

}  // namespace
}  // namespace maas::nn

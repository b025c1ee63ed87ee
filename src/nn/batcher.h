// Forward passes shared by concurrent requests: a caller that finds no pass running
// takes every request queued so far (its own included), runs them as one batch, and
// hands each its rows; callers arriving meanwhile queue for the next pass. A row's
// outputs do not depend on the batch it rides in (tensor::gemm sums each element in
// the same order for any m), so batching changes throughput, never answers.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <vector>

#include "nn/network.h"

namespace maas::tensor {
class ThreadPool;
}

namespace maas::nn {

class Batcher {
 public:
  Batcher(const Network<float>& net, tensor::ThreadPool* pool) : net_(net), pool_(pool) {}

  // The network's outputs for `rows` rows of x (rows x inputs).
  std::vector<float> run(const float* x, int64_t rows);

  int64_t passes() const { return passes_.load(); }
  int64_t requests() const { return requests_.load(); }

 private:
  struct Pending {
    const float* x;
    int64_t rows;
    std::vector<float> out;
    bool done = false;
  };
  void run_batch(const std::vector<Pending*>& batch);

  const Network<float>& net_;
  tensor::ThreadPool* pool_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Pending*> queue_;
  bool running_ = false;
  std::atomic<int64_t> passes_{0}, requests_{0};
};

}  // namespace maas::nn

#include "nn/batcher.h"

#include <algorithm>

#include "nn/trainer.h"

namespace maas::nn {

void Batcher::run_batch(const std::vector<Pending*>& batch) {
  const int64_t in = net_.inputs(), out = net_.outputs();
  if (batch.size() == 1) {
    batch[0]->out = predict(net_, batch[0]->x, batch[0]->rows, pool_);
    return;
  }
  int64_t rows = 0;
  for (const Pending* p : batch) rows += p->rows;
  std::vector<float> x(static_cast<size_t>(rows * in));
  int64_t r = 0;
  for (const Pending* p : batch) {
    std::copy_n(p->x, p->rows * in, x.begin() + r * in);
    r += p->rows;
  }
  const std::vector<float> y = predict(net_, x.data(), rows, pool_);
  r = 0;
  for (Pending* p : batch) {
    p->out.assign(y.begin() + r * out, y.begin() + (r + p->rows) * out);
    r += p->rows;
  }
}

std::vector<float> Batcher::run(const float* x, int64_t rows) {
  Pending me{x, rows, {}};
  requests_++;
  std::unique_lock<std::mutex> lock(mu_);
  queue_.push_back(&me);
  while (!me.done) {
    if (running_) {
      cv_.wait(lock);
      continue;
    }
    running_ = true;
    std::vector<Pending*> batch;
    batch.swap(queue_);
    lock.unlock();
    run_batch(batch);
    passes_++;
    lock.lock();
    for (Pending* p : batch) p->done = true;
    running_ = false;
    cv_.notify_all();
  }
  return std::move(me.out);
}

}  // namespace maas::nn

#include "nn/trainer.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>
#include <random>

#include "nn/metrics.h"

namespace maas::nn {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

// Rows `idx[begin..end)` of `data` gathered into contiguous x and y.
void gather(const Encoded& data, const std::vector<int64_t>& idx, size_t begin, size_t end, std::vector<float>& x,
            std::vector<float>& y) {
  const int64_t n = static_cast<int64_t>(end - begin);
  x.resize(static_cast<size_t>(n * data.features));
  y.resize(static_cast<size_t>(n * data.outputs));
  for (int64_t r = 0; r < n; ++r) {
    const int64_t src = idx[begin + r];
    std::copy_n(data.x.begin() + src * data.features, data.features, x.begin() + r * data.features);
    std::copy_n(data.y.begin() + src * data.outputs, data.outputs, y.begin() + r * data.outputs);
  }
}

// The validation loss and the task's metric (accuracy or R^2) of `net` on `val`.
std::pair<double, double> validate(const Network<float>& net, const Encoded& val, const FitConfig& c,
                                   tensor::ThreadPool* pool) {
  const std::vector<float> out = predict(net, val.x.data(), val.rows, pool);
  const double l = loss(net, c.loss, out.data(), val.y.data(), val.rows, 0.0);
  if (c.task == Task::kClassify) return {l, accuracy(out, val.label, val.outputs)};
  std::vector<double> truth(val.y.begin(), val.y.end()), pred(out.begin(), out.end());
  return {l, r_squared(truth, pred)};
}

}  // namespace

Network<float> init_network(int64_t inputs, int64_t outputs, const FitConfig& c) {
  Network<float> net;
  net.hidden = c.activation;
  net.output = c.task == Task::kClassify ? Activation::kSoftmax : Activation::kIdentity;
  std::mt19937_64 rng(c.seed);
  std::vector<int64_t> sizes = {inputs};
  sizes.insert(sizes.end(), c.hidden.begin(), c.hidden.end());
  sizes.push_back(outputs);
  const bool he = c.init == Init::kHe || (c.init == Init::kAuto && c.activation == Activation::kRelu);
  for (size_t l = 0; l + 1 < sizes.size(); ++l) {
    Dense<float> layer;
    layer.in = sizes[l];
    layer.out = sizes[l + 1];
    layer.w.resize(static_cast<size_t>(layer.in * layer.out));
    layer.b.assign(static_cast<size_t>(layer.out), 0.0f);
    if (he) {  // N(0, 2 / fan_in)
      std::normal_distribution<double> dist(0.0, std::sqrt(2.0 / double(layer.in)));
      for (float& w : layer.w) w = float(dist(rng));
    } else {  // U(-a, a), a = sqrt(6 / (fan_in + fan_out))
      const double a = std::sqrt(6.0 / double(layer.in + layer.out));
      std::uniform_real_distribution<double> dist(-a, a);
      for (float& w : layer.w) w = float(dist(rng));
    }
    net.layers.push_back(std::move(layer));
  }
  return net;
}

std::vector<float> predict(const Network<float>& net, const float* x, int64_t rows, tensor::ThreadPool* pool) {
  constexpr int64_t kChunk = 256;
  std::vector<float> out(static_cast<size_t>(rows * net.outputs()));
  Tape<float> tape;
  for (int64_t r0 = 0; r0 < rows; r0 += kChunk) {
    const int64_t n = std::min(kChunk, rows - r0);
    forward(net, x + r0 * net.inputs(), n, tape, pool);
    std::copy(tape.output().begin(), tape.output().end(), out.begin() + r0 * net.outputs());
  }
  return out;
}

void split_rows(const Encoded& all, double fraction, uint64_t seed, Encoded& first, Encoded& second) {
  std::vector<int64_t> idx(static_cast<size_t>(all.rows));
  std::iota(idx.begin(), idx.end(), 0);
  std::mt19937_64 rng(seed);
  std::shuffle(idx.begin(), idx.end(), rng);
  int64_t n_second = static_cast<int64_t>(std::llround(fraction * double(all.rows)));
  if (fraction > 0) n_second = std::clamp<int64_t>(n_second, 1, all.rows - 1);
  first = Encoded{};
  second = Encoded{};
  first.features = second.features = all.features;
  first.outputs = second.outputs = all.outputs;
  for (size_t i = 0; i < idx.size(); ++i) (int64_t(i) < all.rows - n_second ? first : second).append(all, idx[i]);
}

Result<FitResult> fit(const Encoded& train, const Encoded& val, const FitConfig& c, TrainMonitor& monitor,
                      tensor::ThreadPool* pool) {
  if (train.rows == 0) return invalid_argument("no training rows");
  FitResult r;
  r.net = init_network(train.features, train.outputs, c);
  Optimizer opt(r.net, c.optimizer);
  std::mt19937_64 rng(c.seed + 1);
  std::vector<int64_t> order(static_cast<size_t>(train.rows));
  std::iota(order.begin(), order.end(), 0);

  Network<float> best = r.net;
  double best_val = INFINITY;
  int64_t since_best = 0;
  Tape<float> tape;
  Gradients<float> grads;
  std::vector<float> x, y;
  double train_seconds = 0;
  const int64_t batches = (train.rows + c.batch - 1) / c.batch;
  for (int64_t epoch = 1; epoch <= c.epochs; ++epoch) {
    const auto t0 = Clock::now();
    std::shuffle(order.begin(), order.end(), rng);
    double loss_sum = 0;
    for (int64_t b = 0; b < batches; ++b) {
      if (b % 64 == 0 && monitor.cancelled()) return Status(Code::kCancelled, "training cancelled");
      const size_t begin = size_t(b * c.batch), end = std::min(size_t(train.rows), begin + size_t(c.batch));
      gather(train, order, begin, end, x, y);
      const int64_t n = int64_t(end - begin);
      forward(r.net, x.data(), n, tape, pool);
      loss_sum += loss(r.net, c.loss, tape.output().data(), y.data(), n, c.l2) * double(n);
      backward(r.net, tape, c.loss, y.data(), c.l2, grads, pool);
      opt.step(r.net, grads);
    }
    train_seconds += seconds_since(t0);
    r.train_loss = loss_sum / double(train.rows);
    if (!std::isfinite(r.train_loss))
      return invalid_argument("training diverged at epoch {} (loss {}); try a smaller lr", epoch, r.train_loss);
    r.epochs_run = epoch;

    TrainProgress p;
    p.epoch = epoch;
    p.epochs = c.epochs;
    p.step = epoch;
    p.steps = c.epochs;
    p.loss = r.train_loss;
    p.unit = "samples";
    p.items_per_second = double(train.rows) * double(epoch) / std::max(train_seconds, 1e-9);
    if (val.rows > 0) {
      const auto [val_loss, metric] = validate(r.net, val, c, pool);
      p.metric = c.task == Task::kClassify ? "val_accuracy" : "val_r2";
      p.metric_value = metric;
      if (val_loss < best_val) {
        best_val = val_loss;
        best = r.net;
        r.best_epoch = epoch;
        since_best = 0;
      } else {
        ++since_best;
      }
    }
    monitor.progress(p);
    if (c.patience > 0 && since_best >= c.patience) break;
  }
  if (val.rows > 0) {
    r.net = std::move(best);
    r.val_loss = best_val;
  } else {
    r.best_epoch = r.epochs_run;
  }
  r.samples_per_second = double(train.rows) * double(r.epochs_run) / std::max(train_seconds, 1e-9);
  return r;
}

}  // namespace maas::nn

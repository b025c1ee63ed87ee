// Training throughput of the mlp family's trainer (the same code `maas train mlp` runs):
// an MLP on a table (--data, e.g. ../shared/data/tabular/digits.csv.gz, seeded 80/20
// split) or an IDX pair (--images/--labels, e.g. Debian's dataset-fashion-mnist, with
// --test-images/--test-labels), Adam, relu. Prints one JSON line: per-epoch seconds,
// training samples/s (median epoch), samples per CPU-second (all threads), test accuracy. bench/mlp_vs_torch.sh runs it and
// bench/mlp_torch.py side by side.
//   bench_mlp_train (--data F | --images F --labels F [--test-images F --test-labels F])
//                   [--hidden 256,128] [--epochs 10] [--batch 128] [--lr 0.001]
//                   [--threads 2] [--seed 1]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "nn/idx.h"
#include "nn/metrics.h"
#include "nn/schema.h"
#include "nn/table.h"
#include "nn/trainer.h"
#include "tensor/kernels/kernels.h"
#include "tensor/thread_pool.h"

using namespace maas;
using namespace maas::nn;

namespace {

double cpu_seconds() {  // this process, all threads
  timespec t;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return double(t.tv_sec) + 1e-9 * double(t.tv_nsec);
}

// Wall and CPU seconds of each epoch (the CPU time is what the run got on a shared machine).
class EpochClock final : public TrainMonitor {
 public:
  std::vector<double> epoch_seconds, epoch_cpu_seconds;
  void progress(const TrainProgress&) override {
    const auto now = std::chrono::steady_clock::now();
    const double cpu = cpu_seconds();
    epoch_seconds.push_back(std::chrono::duration<double>(now - last_).count());
    epoch_cpu_seconds.push_back(cpu - last_cpu_);
    last_ = now;
    last_cpu_ = cpu;
  }
  void log(const std::string&) override {}
  bool cancelled() const override { return false; }
  void start() {
    last_ = std::chrono::steady_clock::now();
    last_cpu_ = cpu_seconds();
  }

 private:
  std::chrono::steady_clock::time_point last_;
  double last_cpu_ = 0;
};

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

int fail(const Status& s) {
  std::fprintf(stderr, "bench_mlp_train: %s\n", s.message().c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  std::string data, images, labels, test_images, test_labels, hidden = "256,128";
  int64_t epochs = 10, batch = 128, threads = 2, seed = 1;
  double lr = 1e-3;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string k = argv[i], v = argv[i + 1];
    if (k == "--data") data = v;
    else if (k == "--images") images = v;
    else if (k == "--labels") labels = v;
    else if (k == "--test-images") test_images = v;
    else if (k == "--test-labels") test_labels = v;
    else if (k == "--hidden") hidden = v;
    else if (k == "--epochs") epochs = std::atoll(v.c_str());
    else if (k == "--batch") batch = std::atoll(v.c_str());
    else if (k == "--threads") threads = std::atoll(v.c_str());
    else if (k == "--seed") seed = std::atoll(v.c_str());
    else if (k == "--lr") lr = std::atof(v.c_str());
    else {
      std::fprintf(stderr, "bench_mlp_train: unknown option %s\n", k.c_str());
      return 2;
    }
  }
  Encoded train, test;
  if (!data.empty()) {
    auto table = read_table(data);
    if (!table.is_ok()) return fail(table.status());
    auto schema = build_schema(*table, "", std::nullopt);
    if (!schema.is_ok()) return fail(schema.status());
    auto all = encode_table(*schema, *table);
    if (!all.is_ok()) return fail(all.status());
    split_rows(*all, 0.2, 42, train, test);
  } else {
    auto tr = read_idx(images, labels);
    if (!tr.is_ok()) return fail(tr.status());
    train = tr->rows;
    if (!test_images.empty()) {
      auto te = read_idx(test_images, test_labels, &tr->schema);
      if (!te.is_ok()) return fail(te.status());
      test = te->rows;
    }
  }
  FitConfig c;
  c.hidden.clear();
  for (size_t p = 0; p < hidden.size();) {
    const size_t q = hidden.find(',', p);
    c.hidden.push_back(std::atoll(hidden.substr(p, q - p).c_str()));
    p = q == std::string::npos ? hidden.size() : q + 1;
  }
  c.epochs = epochs;
  c.batch = batch;
  c.optimizer.lr = lr;
  c.seed = uint64_t(seed);
  tensor::ThreadPool pool(static_cast<int>(threads));
  EpochClock clock;
  clock.start();
  auto r = fit(train, Encoded{}, c, clock, &pool);
  if (!r.is_ok()) return fail(r.status());
  const double epoch_s = median(clock.epoch_seconds);
  double acc = NAN;
  if (test.rows > 0) acc = accuracy(predict(r->net, test.x.data(), test.rows, &pool), test.label, test.outputs);
  nlohmann::json out = {{"impl", "maas"},
                        {"kernels", std::string(tensor::isa_name(tensor::kernels().isa))},
                        {"threads", threads},
                        {"train_rows", train.rows},
                        {"epoch_seconds", clock.epoch_seconds},
                        {"median_epoch_seconds", epoch_s},
                        {"samples_per_second", double(train.rows) / epoch_s},
                        {"epoch_cpu_seconds", clock.epoch_cpu_seconds},
                        {"samples_per_cpu_second", double(train.rows) / median(clock.epoch_cpu_seconds)},
                        {"test_accuracy", acc}};
  std::printf("%s\n", out.dump().c_str());
  return 0;
}

// `maas bench MODEL.gguf`: prompt processing and generation speed like llama-bench
// (pp: one forward step of p tokens from an empty cache; tg: n steps of one token),
// medians over repetitions, plus peak RSS and the share of the machine's read
// bandwidth generation uses (weight bytes per token x tokens/s / bandwidth, measured
// in the same run).
#include <sys/resource.h>

#include <algorithm>
#include <cstdio>
#include <random>
#include <vector>

#include "app/commands.h"
#include "core/clock.h"
#include "llm/model/model.h"
#include "tensor/bandwidth.h"
#include "tensor/kernels/kernels.h"
#include "tensor/thread_pool.h"

namespace maas::app {
namespace {

struct BenchOptions {
  std::string model;
  int prompt = 128;
  int generate = 64;
  int threads = 0;
  int reps = 3;
  int batch = 1;  // sequences decoded together in the tg test
};

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
}

double peak_rss_mib() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_maxrss) / 1024.0;  // KiB on Linux
}

// Tokens per second of wall-clock time, and per busy CPU-second of the threads (on a
// shared machine other processes take CPU time away; the second rate shows what the
// threads achieve while they run).
struct Rate {
  double wall = 0;
  double cpu_time = 0;
};

class RateClock {
 public:
  explicit RateClock(int threads) : threads_(threads), cpu0_(tensor::process_cpu_seconds()) {}
  Rate rate(double tokens) const {
    const double cpu = (tensor::process_cpu_seconds() - cpu0_) / threads_;
    return {tokens / wall_.seconds(), tokens / cpu};
  }

 private:
  int threads_;
  double cpu0_;
  Stopwatch wall_;
};

// One prompt-processing step of n tokens.
Result<Rate> time_prompt(llm::Model& model, llm::KvCache& cache, const std::vector<int32_t>& tokens) {
  MAAS_ASSIGN_OR_RETURN(llm::SeqId seq, cache.allocate());
  RateClock clock(model.threads());
  auto r = model.forward({{{seq, tokens, 0, false}}}, cache);
  const Rate rate = clock.rate(static_cast<double>(tokens.size()));
  cache.release(seq);
  if (!r.is_ok()) return r.status();
  return rate;
}

// n single-token steps from an empty cache, for `sequences` sequences decoded together
// (one forward step carries one token of each); the rate counts all their tokens.
Result<Rate> time_generation(llm::Model& model, llm::KvCache& cache, int n, int sequences, int32_t first) {
  llm::Batch b;
  for (int s = 0; s < sequences; ++s) {
    MAAS_ASSIGN_OR_RETURN(llm::SeqId seq, cache.allocate());
    b.seqs.push_back({seq, {first + s}, 0, false});
  }
  RateClock clock(model.threads());
  for (int i = 0; i < n; ++i) {
    auto r = model.forward(b, cache);
    if (!r.is_ok()) return r.status();
    for (size_t s = 0; s < b.seqs.size(); ++s) {
      auto logits = r->last_logits(s);
      b.seqs[s].tokens = {static_cast<int32_t>(std::max_element(logits.begin(), logits.end()) - logits.begin())};
      b.seqs[s].start_pos += 1;
    }
  }
  const Rate rate = clock.rate(static_cast<double>(n) * sequences);
  for (const auto& s : b.seqs) cache.release(s.seq);
  return rate;
}

Status bench(const BenchOptions& o) {
  if (o.prompt < 1 || o.generate < 1 || o.reps < 1 || o.batch < 1)
    return invalid_argument("-p, -n, -r and -b must be positive");
  Stopwatch load_clock;
  MAAS_ASSIGN_OR_RETURN(auto model, llm::Model::load(o.model, {o.threads}));
  const double load_seconds = load_clock.seconds();
  const llm::Hparams& hp = model->hparams();
  const int64_t n_ctx = std::max(o.prompt, o.generate + 1);
  if (n_ctx > hp.n_ctx_train) return invalid_argument("-p/-n exceed the model's context of {}", hp.n_ctx_train);
  MAAS_ASSIGN_OR_RETURN(llm::KvCache cache, model->make_cache({o.batch, n_ctx}));

  std::mt19937 rng(1234);
  std::vector<int32_t> prompt(static_cast<size_t>(o.prompt));
  for (int32_t& t : prompt) t = static_cast<int32_t>(rng() % static_cast<uint32_t>(hp.n_vocab));

  // Warm-up (pages the weights in), then the measured repetitions.
  MAAS_RETURN_IF_ERROR(time_prompt(*model, cache, std::vector<int32_t>(prompt.begin(), prompt.begin() + std::min(o.prompt, 16))).status());
  std::vector<Rate> pp, tg;
  for (int r = 0; r < o.reps; ++r) {
    MAAS_ASSIGN_OR_RETURN(Rate v, time_prompt(*model, cache, prompt));
    pp.push_back(v);
  }
  for (int r = 0; r < o.reps; ++r) {
    MAAS_ASSIGN_OR_RETURN(Rate v, time_generation(*model, cache, o.generate, o.batch, prompt[0] % static_cast<int32_t>(hp.n_vocab - o.batch)));
    tg.push_back(v);
  }
  const double rss_mib = peak_rss_mib();  // before the bandwidth probe's buffer
  tensor::ReadBandwidth bandwidth;
  {
    tensor::ThreadPool pool(model->threads());
    bandwidth = tensor::measure_read_bandwidth_detail(pool);
  }

  std::printf("model %s: %s, %lld layers, dim %lld, %.2f GiB of weights read per token, %d threads, %d reps\n",
              o.model.c_str(), std::string(model->architecture()).c_str(), static_cast<long long>(hp.n_layer),
              static_cast<long long>(hp.n_embd), model->weight_bytes() / 1073741824.0, model->threads(), o.reps);
  std::printf("loaded in %.2f s; %.0f MiB of weights packed for the %s kernels\n", load_seconds,
              static_cast<double>(model->packed_bytes()) / 1048576.0,
              std::string(tensor::isa_name(tensor::kernels().isa)).c_str());
  std::printf("%-8s %14s %10s %10s %16s\n", "test", "tok/s (median)", "min", "max", "per CPU-second");
  auto row = [](const std::string& name, const std::vector<Rate>& v) {
    std::vector<double> wall, cpu;
    for (const Rate& r : v) {
      wall.push_back(r.wall);
      cpu.push_back(r.cpu_time);
    }
    std::printf("%-8s %14.2f %10.2f %10.2f %16.2f\n", name.c_str(), median(wall),
                *std::min_element(wall.begin(), wall.end()), *std::max_element(wall.begin(), wall.end()), median(cpu));
    return std::pair(median(wall), median(cpu));
  };
  row("pp" + std::to_string(o.prompt), pp);
  const std::string tg_name = "tg" + std::to_string(o.generate) + (o.batch > 1 ? "x" + std::to_string(o.batch) : "");
  const auto [tg_wall, tg_cpu] = row(tg_name, tg);
  // Each step reads the weights once for all sequences of the batch.
  const double steps_wall = tg_wall / o.batch, steps_cpu = tg_cpu / o.batch;
  std::printf("peak RSS %.0f MiB\n", rss_mib);
  const double bytes = static_cast<double>(model->weight_bytes());
  std::printf("read bandwidth %.2f GB/s (%.2f per CPU-second); generation reads %.2f GB/s of weights = %.0f%% of it "
              "(%.0f%% per CPU-second)\n",
              bandwidth.wall / 1e9, bandwidth.cpu_time / 1e9, bytes * steps_wall / 1e9, 100.0 * bytes * steps_wall / bandwidth.wall,
              100.0 * bytes * steps_cpu / bandwidth.cpu_time);
  return Status::ok();
}

}  // namespace

void add_bench_command(CLI::App& app) {
  auto o = std::make_shared<BenchOptions>();
  auto* sub = app.add_subcommand("bench", "Measure prompt and generation speed of a GGUF model");
  sub->add_option("model", o->model, "GGUF model file")->required();
  sub->add_option("-p,--prompt", o->prompt, "Prompt tokens (pp test)")->capture_default_str();
  sub->add_option("-n,--gen", o->generate, "Generated tokens (tg test)")->capture_default_str();
  sub->add_option("-t,--threads", o->threads, "Threads (0 = all cores)")->capture_default_str();
  sub->add_option("-r,--reps", o->reps, "Repetitions (median reported)")->capture_default_str();
  sub->add_option("-b,--batch", o->batch, "Sequences decoded together in the tg test")->capture_default_str();
  on_run(sub, [o] { return bench(*o); });
}

}  // namespace maas::app

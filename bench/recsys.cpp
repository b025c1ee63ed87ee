// bench_recsys: offline quality and speed of the recsys family, and the latency of
// /v1/recommendations under load (out of CI; results in docs/PERFORMANCE.md).
//
//   bench_recsys cv --data ratings.csv [--folds 5] [--seed 0] [--algos bias,itemknn,mf:factors=50:epochs=40]
//       [--rank-algos popularity,als,itemknn,hybrid] [--max-folds N (run only the first N)]
//       k-fold cross-validation (random rating split): RMSE/MAE per algorithm, training
//       seconds; then a time split (each user's last 10%): top-10 metrics of
//       popularity, als, itemknn, hybrid.
//   bench_recsys train --data ratings.csv --out model.gguf --algo itemknn[:key=value...]
//   bench_recsys load --url http://127.0.0.1:PORT --model NAME --users 1,2,3 --rate 500
//       [--seconds 10] [--threads 32] [--k 10]
//       open loop at a fixed request rate (latency measured from each request's
//       scheduled start, so queueing counts); p50/p90/p99/max. Loopback only.
#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <map>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/csv.h"
#include "core/files.h"
#include "recsys/evaluate.h"
#include "recsys/feedback.h"
#include "recsys/model.h"
#include "recsys/scorer.h"
#include "recsys/split.h"
#include "recsys/train.h"

namespace {

using namespace maas;
using Clock = std::chrono::steady_clock;

std::string arg(int argc, char** argv, const std::string& name, const std::string& fallback) {
  for (int i = 2; i + 1 < argc; ++i)
    if (name == argv[i]) return argv[i + 1];
  return fallback;
}

std::vector<std::string> split_list(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= s.size()) {
    size_t c = s.find(',', start);
    if (c == std::string::npos) c = s.size();
    if (c > start) out.push_back(s.substr(start, c - start));
    start = c + 1;
  }
  return out;
}

std::string row_text(const std::vector<std::string>& f) {
  std::string out;
  for (size_t k = 0; k < f.size(); ++k) out += (k ? "," : "") + recsys::csv_field(f[k]);
  return out + "\n";
}

struct Run {
  double seconds = 0, fit_seconds = 0, cpu_seconds = 0;  // cpu: all threads of the process
  Metrics metrics;
};

Run train_and_eval(const std::string& train, const std::string& test, const std::string& out, nlohmann::json options) {
  Run run;
  auto resolved = resolve_options(recsys::train_option_specs(), options);
  if (!resolved.is_ok()) {
    std::fprintf(stderr, "%s\n", resolved.status().to_string().c_str());
    std::exit(1);
  }
  NullTrainMonitor monitor;
  const auto t0 = Clock::now();
  const std::clock_t c0 = std::clock();
  auto r = recsys::train_recsys({train, *resolved, out, &monitor});
  run.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  run.cpu_seconds = static_cast<double>(std::clock() - c0) / CLOCKS_PER_SEC;
  if (!r.is_ok()) {
    std::fprintf(stderr, "train: %s\n", r.status().to_string().c_str());
    std::exit(1);
  }
  auto m = recsys::load_model(out);
  recsys::Scorer scorer(std::move(m).value());
  auto metrics = recsys::evaluate_recsys(scorer, test, {{"k", 10}});
  if (!metrics.is_ok()) {
    std::fprintf(stderr, "evaluate: %s\n", metrics.status().to_string().c_str());
    std::exit(1);
  }
  run.metrics = *metrics;
  run.fit_seconds = r->metrics["fit_seconds"].get<double>();
  return run;
}

// "mf" or "mf:factors=100:epochs=40:lr=0.007" (numbers, or strings for the rest).
nlohmann::json algo_options(const std::string& spec) {
  nlohmann::json o;
  size_t start = 0;
  bool first = true;
  while (start <= spec.size()) {
    size_t c = spec.find(':', start);
    if (c == std::string::npos) c = spec.size();
    const std::string part = spec.substr(start, c - start);
    if (first) {
      o["algo"] = part;
      first = false;
    } else if (size_t eq = part.find('='); eq != std::string::npos) {
      const std::string key = part.substr(0, eq), value = part.substr(eq + 1);
      char* end = nullptr;
      const double d = std::strtod(value.c_str(), &end);
      if (end && *end == '\0' && !value.empty())
        o[key] = value.find_first_of(".e") == std::string::npos ? nlohmann::json(static_cast<int64_t>(d)) : nlohmann::json(d);
      else
        o[key] = value;
    }
    start = c + 1;
  }
  return o;
}

int cross_validation(int argc, char** argv) {
  const std::string data = arg(argc, argv, "--data", "");
  const int folds = std::stoi(arg(argc, argv, "--folds", "5"));
  const uint64_t seed = std::stoull(arg(argc, argv, "--seed", "0"));
  const auto algos = split_list(arg(argc, argv, "--algos", "bias,itemknn,mf"));
  const auto rank_algos = split_list(arg(argc, argv, "--rank-algos", "popularity,als,itemknn,hybrid"));
  auto table = read_csv(data);
  if (!table.is_ok()) {
    std::fprintf(stderr, "%s\n", table.status().to_string().c_str());
    return 1;
  }
  const std::string dir = std::filesystem::temp_directory_path() / ("bench_recsys_" + std::to_string(::getpid()));
  (void)make_dirs(dir);
  std::vector<size_t> order(table->rows.size());
  for (size_t k = 0; k < order.size(); ++k) order[k] = k;
  std::mt19937_64 rng(seed);
  std::shuffle(order.begin(), order.end(), rng);
  std::vector<int> fold_of(order.size());
  for (size_t k = 0; k < order.size(); ++k) fold_of[order[k]] = static_cast<int>(k % folds);

  std::map<std::string, std::vector<double>> rmse, mae, secs, fit, cpu;
  const int run_folds = std::min(folds, std::stoi(arg(argc, argv, "--max-folds", std::to_string(folds))));
  for (int f = 0; f < run_folds; ++f) {
    std::string train = row_text(table->columns), test = train;
    for (size_t r = 0; r < table->rows.size(); ++r) (fold_of[r] == f ? test : train) += row_text(table->rows[r]);
    (void)write_file_atomic(dir + "/train.csv", train);
    (void)write_file_atomic(dir + "/test.csv", test);
    for (const auto& algo : algos) {
      Run run = train_and_eval(dir + "/train.csv", dir + "/test.csv", dir + "/m.gguf", algo_options(algo));
      rmse[algo].push_back(run.metrics.values["rmse"].get<double>());
      mae[algo].push_back(run.metrics.values["mae"].get<double>());
      secs[algo].push_back(run.seconds);
      fit[algo].push_back(run.fit_seconds);
      cpu[algo].push_back(run.cpu_seconds);
      std::printf("fold %d %-10s rmse %.4f mae %.4f train %.2fs (fit %.2fs, cpu %.2fs)\n", f + 1, algo.c_str(),
                  rmse[algo].back(), mae[algo].back(), run.seconds, run.fit_seconds, run.cpu_seconds);
      std::fflush(stdout);
    }
  }
  auto mean = [](const std::vector<double>& v) {
    double s = 0;
    for (double x : v) s += x;
    return s / v.size();
  };
  std::printf("\n%d-fold CV (random rating split, seed %llu), %d fold(s) run\n", folds,
              static_cast<unsigned long long>(seed), run_folds);
  std::printf("| algorithm | RMSE | MAE | fit s (wall) | train s (wall: read CSV + fit + write) | train CPU s |\n"
              "|---|---|---|---|---|---|\n");
  for (const auto& algo : algos)
    std::printf("| %s | %.4f | %.4f | %.2f | %.2f | %.2f |\n", algo.c_str(), mean(rmse[algo]), mean(mae[algo]),
                mean(fit[algo]), mean(secs[algo]), mean(cpu[algo]));

  if (rank_algos.empty() || rank_algos[0] == "none") {
    std::filesystem::remove_all(dir);
    return 0;
  }
  recsys::SplitOptions so;
  so.by_time = true;
  auto c = recsys::split_interactions(data, so, dir + "/ttrain.csv", dir + "/ttest.csv");
  if (!c.is_ok()) return 1;
  std::printf("\ntime split (each user's last 10%%): top-10\n");
  std::printf("| algorithm | NDCG@10 | P@10 | R@10 | MAP@10 | coverage | train s (wall) |\n|---|---|---|---|---|---|---|\n");
  for (const auto& algo : rank_algos) {
    Run run = train_and_eval(dir + "/ttrain.csv", dir + "/ttest.csv", dir + "/m.gguf", algo_options(algo));
    auto& v = run.metrics.values;
    std::printf("| %s | %.4f | %.4f | %.4f | %.4f | %.4f | %.2f |\n", algo.c_str(), v["ndcg_at_10"].get<double>(),
                v["precision_at_10"].get<double>(), v["recall_at_10"].get<double>(), v["map_at_10"].get<double>(),
                v["coverage"].get<double>(), run.seconds);
    std::fflush(stdout);
  }
  std::filesystem::remove_all(dir);
  return 0;
}

// Trains one model file (until `maas train` exists everywhere): --data F --out M.gguf --algo SPEC.
int train_file(int argc, char** argv) {
  auto resolved = resolve_options(recsys::train_option_specs(), algo_options(arg(argc, argv, "--algo", "itemknn")));
  if (!resolved.is_ok()) {
    std::fprintf(stderr, "%s\n", resolved.status().to_string().c_str());
    return 1;
  }
  NullTrainMonitor monitor;
  auto r = recsys::train_recsys({arg(argc, argv, "--data", ""), *resolved, arg(argc, argv, "--out", "model.gguf"), &monitor});
  if (!r.is_ok()) {
    std::fprintf(stderr, "%s\n", r.status().to_string().c_str());
    return 1;
  }
  std::printf("%s\n", nlohmann::json({{"params", r->params}, {"metrics", r->metrics}}).dump().c_str());
  return 0;
}

int load(int argc, char** argv) {
  const std::string url = arg(argc, argv, "--url", "");
  const std::string model = arg(argc, argv, "--model", "");
  const auto users = split_list(arg(argc, argv, "--users", "1"));
  const double rate = std::stod(arg(argc, argv, "--rate", "500"));
  const double seconds = std::stod(arg(argc, argv, "--seconds", "10"));
  const int threads = std::stoi(arg(argc, argv, "--threads", "32"));
  const int k = std::stoi(arg(argc, argv, "--k", "10"));
  if (url.rfind("http://127.0.0.1:", 0) != 0 && url.rfind("http://localhost:", 0) != 0) {
    std::fprintf(stderr, "--url must be http://127.0.0.1:PORT (loopback only)\n");
    return 1;
  }
  if (users.empty() || model.empty()) {
    std::fprintf(stderr, "--model and --users are required\n");
    return 1;
  }
  if (rate <= 0 || rate > 20000 || seconds <= 0 || seconds > 120 || threads < 1 || threads > 256) {
    std::fprintf(stderr, "out of bounds: --rate (0, 20000], --seconds (0, 120], --threads [1, 256]\n");
    return 1;
  }
  const int64_t total = static_cast<int64_t>(rate * seconds);
  std::atomic<int64_t> next{0};
  std::atomic<int64_t> errors{0};
  std::vector<double> latencies(static_cast<size_t>(total), -1);
  const auto start = Clock::now() + std::chrono::milliseconds(200);
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t)
    pool.emplace_back([&] {
      httplib::Client cli(url);
      cli.set_keep_alive(true);
      cli.set_tcp_nodelay(true);  // header and body go out at once (no Nagle wait on the delayed ACK)
      cli.set_read_timeout(10, 0);
      for (int64_t i; (i = next.fetch_add(1)) < total;) {
        const auto when = start + std::chrono::nanoseconds(static_cast<int64_t>(i * 1e9 / rate));
        std::this_thread::sleep_until(when);
        nlohmann::json body = {{"model", model}, {"user", users[static_cast<size_t>(i) % users.size()]}, {"k", k}};
        auto r = cli.Post("/v1/recommendations", body.dump(), "application/json");
        latencies[static_cast<size_t>(i)] = std::chrono::duration<double, std::milli>(Clock::now() - when).count();
        if (!r || r->status != 200) ++errors;
      }
    });
  for (auto& t : pool) t.join();
  const double wall = std::chrono::duration<double>(Clock::now() - start).count();
  std::sort(latencies.begin(), latencies.end());
  auto pct = [&](double p) { return latencies[std::min(latencies.size() - 1, static_cast<size_t>(p * latencies.size()))]; };
  std::printf("rate %.0f/s for %.0fs: %lld requests in %.2fs (%.0f/s achieved), errors %lld\n", rate, seconds,
              static_cast<long long>(total), wall, total / wall, static_cast<long long>(errors.load()));
  std::printf("latency ms: p50 %.2f  p90 %.2f  p99 %.2f  max %.2f\n", pct(0.5), pct(0.9), pct(0.99), latencies.back());
  return errors.load() == 0 ? 0 : 2;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc >= 2 && std::strcmp(argv[1], "cv") == 0) return cross_validation(argc, argv);
  if (argc >= 2 && std::strcmp(argv[1], "load") == 0) return load(argc, argv);
  if (argc >= 2 && std::strcmp(argv[1], "train") == 0) return train_file(argc, argv);
  std::fprintf(stderr, "usage: bench_recsys cv --data FILE | load --url http://127.0.0.1:PORT --model M --users 1,2\n");
  return 1;
}

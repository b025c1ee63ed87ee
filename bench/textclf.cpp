// bench_textclf: text classification accuracy and speed (not in CI).
//
//   bench_textclf accuracy [--splits 12,1,2,3,4] [--configs '[{"epochs":10}, ...]']
//     Trains on imdb + amazon (../shared/data/sentiment) minus a seeded 20% held-back
//     split and scores the held-back texts, for each split seed and each configuration
//     below (the defaults first). Prints accuracy per split, the mean, and training time.
//
//   bench_textclf throughput [--threads 1,8] [--seconds 2]
//     One model (default options, all 2,000 texts), T threads each classifying one
//     sentence per call, in process: texts/s per level.
//
//   bench_textclf http --url http://127.0.0.1:PORT --model NAME [--clients 1,8] [--batch 1] [--seconds 2]
//     C clients, each sending POST /v1/classifications with `batch` sentences per request
//     after the previous answer (keep-alive): texts/s and p50/p99 request latency per level.
#include <arpa/inet.h>
#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "text/textclf/labelled_texts.h"
#include "text/textclf/metrics.h"
#include "text/textclf/softmax_regression.h"
#include "text/textclf/textclf_family.h"
#include "text/textclf/train.h"

namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;
using namespace maas;
using namespace maas::text;

const std::string kShared = std::string(MAAS_SHARED_DIR) + "/data/sentiment/";

[[noreturn]] void die(const std::string& msg) {
  std::fprintf(stderr, "bench_textclf: %s\n", msg.c_str());
  std::exit(2);
}

std::vector<int> int_list(const std::string& s) {
  std::vector<int> out;
  size_t start = 0;
  while (start <= s.size()) {
    size_t comma = s.find(',', start);
    if (comma == std::string::npos) comma = s.size();
    out.push_back(std::stoi(s.substr(start, comma - start)));
    start = comma + 1;
  }
  return out;
}

std::string arg(int argc, char** argv, const std::string& name, const std::string& fallback) {
  for (int i = 2; i + 1 < argc; ++i)
    if (argv[i] == name) return argv[i + 1];
  return fallback;
}

std::vector<std::string> sentiment_rows() {
  std::vector<std::string> rows;
  for (const char* name : {"imdb.tsv", "amazon.tsv"}) {
    std::ifstream in(kShared + name);
    if (!in) die("cannot read " + kShared + name);
    std::string line;
    std::getline(in, line);
    while (std::getline(in, line))
      if (!line.empty()) rows.push_back(line);
  }
  return rows;
}

std::string write(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

std::string temp_dir() {
  char tmpl[] = "/tmp/bench-textclf-XXXXXX";
  if (!mkdtemp(tmpl)) die("mkdtemp failed");
  return tmpl;
}

std::shared_ptr<LoadedModel> train(const std::string& data, const json& options, const std::string& out, double* seconds) {
  auto family = make_textclf_family();
  auto resolved = resolve_options(textclf_train_options(), options);
  if (!resolved.is_ok()) die(resolved.status().to_string());
  NullTrainMonitor monitor;
  const auto t0 = Clock::now();
  auto trained = family->train(TrainSpec{data, *resolved, out, &monitor});
  if (seconds) *seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  if (!trained.is_ok()) die(trained.status().to_string());
  auto loaded = family->load(Artifact{out}, LoadOptions{});
  if (!loaded.is_ok()) die(loaded.status().to_string());
  return *loaded;
}

int accuracy(int argc, char** argv) {
  const std::vector<int> splits = int_list(arg(argc, argv, "--splits", "12,1,2,3,4"));
  std::vector<json> configs = {
      json::object(),
      {{"ngrams", {1, 1}}},
      {{"sublinear_tf", false}},
      {{"min_df", 2}},
      {{"char_ngrams", {3, 5}}},
      {{"char_ngrams", {2, 5}}},
  };
  if (const std::string given = arg(argc, argv, "--configs", ""); !given.empty())
    configs = json::parse(given).get<std::vector<json>>();
  const std::vector<std::string> rows = sentiment_rows();
  const std::string dir = temp_dir();
  auto family = make_textclf_family();
  for (json config : configs) {
    config["validation"] = 0.0;
    double sum = 0, seconds_sum = 0;
    std::string per_split;
    for (int seed : splits) {
      const std::vector<size_t> order = seeded_permutation(rows.size(), static_cast<uint64_t>(seed));
      std::string train_tsv = "text\tlabel\n", test_tsv = "text\tlabel\n";
      for (size_t r = 0; r < order.size(); ++r) (r < rows.size() / 5 ? test_tsv : train_tsv) += rows[order[r]] + "\n";
      double seconds = 0;
      auto model = train(write(dir + "/train.tsv", train_tsv), config, dir + "/m.gguf", &seconds);
      auto metrics = family->evaluate(*model, EvalSpec{write(dir + "/test.tsv", test_tsv), json::object()});
      if (!metrics.is_ok()) die(metrics.status().to_string());
      const double acc = metrics->values["accuracy"].get<double>();
      sum += acc;
      seconds_sum += seconds;
      per_split += fmt::format(" {:.2f}", 100 * acc);
    }
    std::printf("%-40s mean %.2f%%  splits%s  train %.2f s\n", config.dump().c_str(), 100 * sum / splits.size(),
                per_split.c_str(), seconds_sum / splits.size());
  }
  std::filesystem::remove_all(dir);
  return 0;
}

// Every sentence of the data set, for classifying in turn.
std::vector<std::string> sentences() {
  std::vector<std::string> out;
  for (const std::string& row : sentiment_rows()) out.push_back(row.substr(0, row.rfind('\t')));
  return out;
}

int throughput(int argc, char** argv) {
  const std::vector<int> levels = int_list(arg(argc, argv, "--threads", "1,8"));
  const double seconds = std::stod(arg(argc, argv, "--seconds", "2"));
  const std::string dir = temp_dir();
  std::string all = "text\tlabel\n";
  for (const auto& row : sentiment_rows()) all += row + "\n";
  auto model = train(write(dir + "/all.tsv", all), {{"validation", 0.0}}, dir + "/m.gguf", nullptr);
  Classifier* classifier = model->as<Classifier>();
  const std::vector<std::string> texts = sentences();
  for (int threads : levels) {
    std::atomic<int64_t> done{0};
    std::atomic<bool> stop{false};
    std::vector<std::thread> pool;
    const auto t0 = Clock::now();
    for (int t = 0; t < threads; ++t)
      pool.emplace_back([&, t] {
        for (size_t i = static_cast<size_t>(t) * 97; !stop.load(std::memory_order_relaxed); ++i) {
          auto out = classifier->classify({json(texts[i % texts.size()])});
          if (!out.is_ok()) die(out.status().to_string());
          done.fetch_add(1, std::memory_order_relaxed);
        }
      });
    std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
    stop = true;
    for (auto& th : pool) th.join();
    const double wall = std::chrono::duration<double>(Clock::now() - t0).count();
    std::printf("in process, %d thread(s): %.0f texts/s\n", threads, done.load() / wall);
  }
  std::filesystem::remove_all(dir);
  return 0;
}

int http(int argc, char** argv) {
  const std::string url = arg(argc, argv, "--url", "");
  const std::string model = arg(argc, argv, "--model", "");
  const std::string prefix = "http://127.0.0.1:";
  if (url.rfind(prefix, 0) != 0 || model.empty()) die("http needs --url http://127.0.0.1:PORT and --model NAME");
  const int port = std::stoi(url.substr(prefix.size()));
  const std::vector<int> levels = int_list(arg(argc, argv, "--clients", "1,8"));
  const double seconds = std::stod(arg(argc, argv, "--seconds", "2"));
  const size_t batch = static_cast<size_t>(std::stoi(arg(argc, argv, "--batch", "1")));
  const std::vector<std::string> texts = sentences();
  for (int clients : levels) {
    std::atomic<bool> stop{false};
    std::vector<std::vector<double>> latencies(static_cast<size_t>(clients));
    std::vector<std::thread> pool;
    const auto t0 = Clock::now();
    for (int c = 0; c < clients; ++c)
      pool.emplace_back([&, c] {
        httplib::Client client("127.0.0.1", port);
        client.set_keep_alive(true);
        client.set_tcp_nodelay(true);  // else a small body waits for the delayed ACK (~40 ms)
        for (size_t i = static_cast<size_t>(c) * 97; !stop.load(std::memory_order_relaxed); i += batch) {
          json input = json::array();
          for (size_t k = 0; k < batch; ++k) input.push_back(texts[(i + k) % texts.size()]);
          const json body = {{"model", model}, {"input", batch == 1 ? input[0] : input}};
          const auto r0 = Clock::now();
          auto res = client.Post("/v1/classifications", body.dump(), "application/json");
          if (!res || res->status != 200) die("request failed: " + (res ? res->body : httplib::to_string(res.error())));
          latencies[static_cast<size_t>(c)].push_back(std::chrono::duration<double>(Clock::now() - r0).count());
        }
      });
    std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
    stop = true;
    for (auto& th : pool) th.join();
    const double wall = std::chrono::duration<double>(Clock::now() - t0).count();
    std::vector<double> all;
    for (const auto& l : latencies) all.insert(all.end(), l.begin(), l.end());
    std::sort(all.begin(), all.end());
    std::printf("http, %d client(s), %zu text(s) per request: %.0f texts/s, latency p50 %.2f ms p99 %.2f ms\n",
                clients, batch, all.size() * batch / wall,
                1e3 * all[all.size() / 2], 1e3 * all[all.size() * 99 / 100]);
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "";
  if (mode == "accuracy") return accuracy(argc, argv);
  if (mode == "throughput") return throughput(argc, argv);
  if (mode == "http") return http(argc, argv);
  die("usage: bench_textclf accuracy|throughput|http [options] (see the comment at the top of bench/textclf.cpp)");
}

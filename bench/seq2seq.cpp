// bench_seq2seq: the seq2seq family's training and translation figures, in process.
//
//   bench_seq2seq train DATA.tsv OUT.gguf '{"src_col":"2","tgt_col":"3","max_minutes":10,...}'
//       trains with the family's train() (options as `maas train seq2seq` takes them),
//       printing progress, and reports wall and CPU seconds and target tokens/s.
//   bench_seq2seq eval MODEL.gguf TEST.tsv [beam]
//       the family's evaluate(): BLEU/chrF of the model and of the two baselines.
//   bench_seq2seq latency MODEL.gguf TEST.tsv CLIENTS REQUESTS [beam]
//       CLIENTS threads each translating REQUESTS sentences of TEST.tsv one at a time
//       through the loaded model (the Translator behind /v1/translations, no HTTP):
//       p50/p90 latency per sentence and sentences/s.
//   bench_seq2seq show MODEL.gguf TEST.tsv [N]
//       the first N translations next to their references.
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <thread>

#include <nlohmann/json.hpp>

#include "core/capability/translator.h"
#include "core/family.h"
#include "seq2seq/parallel_text.h"
#include "seq2seq/seq2seq_family.h"

using namespace maas;
using nlohmann::json;
using Clock = std::chrono::steady_clock;

namespace {

double cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

class PrintMonitor final : public TrainMonitor {
 public:
  void progress(const TrainProgress& p) override {
    std::fprintf(stderr, "[%s] epoch %lld/%lld step %lld/%lld loss %.4f %s %.2f %.0f %s/s\n", p.phase.c_str(),
                 static_cast<long long>(p.epoch), static_cast<long long>(p.epochs), static_cast<long long>(p.step),
                 static_cast<long long>(p.steps), p.loss, p.metric.c_str(), p.metric_value, p.items_per_second,
                 p.unit.c_str());
  }
  void log(const std::string& line) override { std::fprintf(stderr, "%s\n", line.c_str()); }
  bool cancelled() const override { return false; }
};

int fail(const Status& s) {
  std::fprintf(stderr, "error: %s\n", s.message().c_str());
  return 1;
}

Result<std::shared_ptr<LoadedModel>> load(const ModelFamily& family, const std::string& path) {
  Artifact a;
  a.path = path;
  return family.load(a, LoadOptions{});
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: see the top of bench/seq2seq.cpp\n");
    return 2;
  }
  const std::string cmd = argv[1];
  auto family = seq2seq::make_seq2seq_family();
  if (cmd == "train" && argc >= 5) {
    Result<json> options = resolve_options(family->train_options(), json::parse(argv[4]));
    if (!options.is_ok()) return fail(options.status());
    PrintMonitor monitor;
    const auto t0 = Clock::now();
    const double c0 = cpu_seconds();
    Result<TrainResult> r = family->train({argv[2], *options, argv[3], &monitor});
    if (!r.is_ok()) return fail(r.status());
    std::printf("%s\n", json({{"metrics", r->metrics},
                              {"wall_seconds", std::chrono::duration<double>(Clock::now() - t0).count()},
                              {"cpu_seconds", cpu_seconds() - c0},
                              {"options", *options}})
                            .dump(2)
                            .c_str());
    return 0;
  }
  Result<std::shared_ptr<LoadedModel>> model = load(*family, argv[2]);
  if (!model.is_ok()) return fail(model.status());
  if (cmd == "eval") {
    json o = {{"beam", argc > 4 ? std::atoi(argv[4]) : 1}};
    Result<json> options = resolve_options(family->eval_options(), o);
    if (!options.is_ok()) return fail(options.status());
    const auto t0 = Clock::now();
    Result<Metrics> m = family->evaluate(**model, {argv[3], *options});
    if (!m.is_ok()) return fail(m.status());
    std::printf("%s\n", json({{"metrics", m->values},
                              {"seconds", std::chrono::duration<double>(Clock::now() - t0).count()}})
                            .dump(2)
                            .c_str());
    return 0;
  }
  if (cmd == "latency" && argc >= 6) {
    const int clients = std::atoi(argv[4]), requests = std::atoi(argv[5]);
    const int beam = argc > 6 ? std::atoi(argv[6]) : 1;
    Result<seq2seq::ParallelText> text = seq2seq::read_parallel_text(argv[3], {"2", "3", "no"});
    if (!text.is_ok()) return fail(text.status());
    Translator* t = (*model)->as<Translator>();
    std::vector<std::vector<double>> ms(static_cast<size_t>(clients));
    const auto t0 = Clock::now();
    std::vector<std::thread> threads;
    for (int c = 0; c < clients; ++c)
      threads.emplace_back([&, c] {
        for (int i = 0; i < requests; ++i) {
          TranslateRequest r;
          r.inputs = {text->pairs[static_cast<size_t>(c * requests + i) % text->pairs.size()].first};
          r.beam = beam;
          const auto s = Clock::now();
          if (!t->translate(r).is_ok()) std::abort();
          ms[c].push_back(std::chrono::duration<double, std::milli>(Clock::now() - s).count());
        }
      });
    for (auto& th : threads) th.join();
    const double wall = std::chrono::duration<double>(Clock::now() - t0).count();
    std::vector<double> all;
    for (auto& v : ms) all.insert(all.end(), v.begin(), v.end());
    std::sort(all.begin(), all.end());
    std::printf("%s\n", json({{"clients", clients},
                              {"beam", beam},
                              {"sentences", all.size()},
                              {"p50_ms", all[all.size() / 2]},
                              {"p90_ms", all[all.size() * 9 / 10]},
                              {"sentences_per_second", static_cast<double>(all.size()) / wall}})
                            .dump(2)
                            .c_str());
    return 0;
  }
  if (cmd == "show") {  // bench_seq2seq show MODEL TEST.tsv N: the first N translations
    Result<seq2seq::ParallelText> text = seq2seq::read_parallel_text(argv[3], {"2", "3", "no"});
    if (!text.is_ok()) return fail(text.status());
    TranslateRequest r;
    for (int i = 0; i < (argc > 4 ? std::atoi(argv[4]) : 5); ++i) r.inputs.push_back(text->pairs[i].first);
    Result<std::vector<TranslationResult>> t = (*model)->as<Translator>()->translate(r);
    if (!t.is_ok()) return fail(t.status());
    for (size_t i = 0; i < t->size(); ++i)
      std::printf("%s\n  -> %s\n  ref %s\n", r.inputs[i].c_str(), (*t)[i].text.c_str(), text->pairs[i].second.c_str());
    return 0;
  }
  std::fprintf(stderr, "unknown command %s\n", cmd.c_str());
  return 2;
}

// Trains word vectors with the word2vec family's trainer and prints words/s/thread,
// the loss and (with --eval FILE) the analogy accuracy: the maas side of
// bench/word2vec_vs_fasttext.sh (`maas train word2vec` does the same through the CLI).
// Usage: bench_word2vec_train CORPUS [--mode skipgram|cbow] [--dim N] [--window N]
//        [--negative N] [--epochs N] [--min-count N] [--sample X] [--lr X] [--threads N]
//        [--seed N] [--eval QUESTIONS] [--neighbours WORD] [--out FILE.vec]
//    or: bench_word2vec_train --vectors FILE.vec --eval QUESTIONS   (e.g. fastText's output)
#include <cstdio>
#include <cstdlib>
#include <string>

#include "text/word2vec/corpus.h"
#include "text/word2vec/evaluate.h"
#include "text/word2vec/formats.h"
#include "text/word2vec/neighbours.h"
#include "text/word2vec/sgns.h"
#include "text/word2vec/trainer.h"

using namespace maas;
using namespace maas::text::word2vec;

namespace {

class PrintMonitor : public TrainMonitor {
 public:
  void progress(const TrainProgress& p) override {
    if (p.phase != "train") return;
    std::fprintf(stderr, "\repoch %lld/%lld  %5.1f%%  %.0f words/s/thread  loss %.4f   ", static_cast<long long>(p.epoch),
                 static_cast<long long>(p.epochs), 100.0 * static_cast<double>(p.step) / static_cast<double>(p.steps),
                 p.items_per_second, p.loss);
  }
  void log(const std::string& line) override { std::fprintf(stderr, "%s\n", line.c_str()); }
  bool cancelled() const override { return false; }
};

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s CORPUS [options]\n", argv[0]);
    return 2;
  }
  if (std::string(argv[1]) == "--vectors" && argc == 5 && std::string(argv[3]) == "--eval") {
    Result<WordVectors> v = read_text_vectors(argv[2], true);
    Result<Metrics> m = v.is_ok() ? evaluate_file(UnitVectors(*v), argv[4]) : Result<Metrics>(v.status());
    if (!m.is_ok()) {
      std::fprintf(stderr, "%s\n", m.status().message().c_str());
      return 1;
    }
    std::printf("eval %s\n", m->values.dump().c_str());
    return 0;
  }
  TrainConfig c;
  int64_t min_count = 5;
  std::string eval, neighbour_word, out;
  for (int i = 2; i + 1 < argc; i += 2) {
    const std::string k = argv[i], v = argv[i + 1];
    if (k == "--mode") c.cbow = v == "cbow";
    else if (k == "--dim") c.dim = std::atoll(v.c_str());
    else if (k == "--window") c.window = std::atoll(v.c_str());
    else if (k == "--negative") c.negative = std::atoll(v.c_str());
    else if (k == "--epochs") c.epochs = std::atoll(v.c_str());
    else if (k == "--min-count") min_count = std::atoll(v.c_str());
    else if (k == "--sample") c.sample = std::atof(v.c_str());
    else if (k == "--lr") c.lr = std::atof(v.c_str());
    else if (k == "--threads") c.threads = std::atoll(v.c_str());
    else if (k == "--seed") c.seed = std::strtoull(v.c_str(), nullptr, 10);
    else if (k == "--eval") eval = v;
    else if (k == "--neighbours") neighbour_word = v;
    else if (k == "--out") out = v;
    else {
      std::fprintf(stderr, "unknown option %s\n", k.c_str());
      return 2;
    }
  }
  Result<Corpus> corpus = read_corpus(argv[1], TokenizeRules{}, min_count);
  if (!corpus.is_ok()) {
    std::fprintf(stderr, "%s\n", corpus.status().message().c_str());
    return 1;
  }
  std::fprintf(stderr, "corpus: %lld words, %zu in vocabulary, kernels %s\n", static_cast<long long>(corpus->words_read),
               corpus->words.size(), sgns_kernels().isa);
  PrintMonitor monitor;
  TrainStats stats;
  Result<WordVectors> v = train_vectors(*corpus, c, monitor, &stats);
  if (!v.is_ok()) {
    std::fprintf(stderr, "%s\n", v.status().message().c_str());
    return 1;
  }
  std::fprintf(stderr, "\n");
  std::printf("mode=%s threads=%lld seconds=%.2f words_per_second_per_thread=%.0f loss=%.4f\n", c.cbow ? "cbow" : "skipgram",
              static_cast<long long>(c.threads), stats.seconds, stats.words_per_second_per_thread, stats.final_loss);
  UnitVectors uv(*v);
  if (!neighbour_word.empty() && v->find(neighbour_word) >= 0) {
    std::printf("neighbours of %s:", neighbour_word.c_str());
    for (auto [id, s] : uv.nearest({v->find(neighbour_word)}, {}, 10)) std::printf(" %s(%.3f)", v->word(id).c_str(), s);
    std::printf("\n");
  }
  if (!eval.empty()) {
    Result<Metrics> m = evaluate_file(uv, eval);
    if (!m.is_ok()) {
      std::fprintf(stderr, "%s\n", m.status().message().c_str());
      return 1;
    }
    std::printf("eval %s\n", m->values.dump().c_str());
  }
  if (!out.empty()) {
    Status st = write_text_vectors(*v, out);
    if (!st.is_ok()) std::fprintf(stderr, "%s\n", st.message().c_str());
  }
  return 0;
}

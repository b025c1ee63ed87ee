#include "text/word2vec/trainer.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <thread>

#include "text/word2vec/sgns.h"

namespace maas::text::word2vec {
namespace {

// xorshift64*: fast, good enough for sampling; one per thread.
struct Rng {
  uint64_t s;
  explicit Rng(uint64_t seed) : s(seed * 0x9E3779B97F4A7C15ull + 0x632BE59BD9B4E019ull) {
    if (s == 0) s = 1;
  }
  uint64_t next() {
    s ^= s >> 12;
    s ^= s << 25;
    s ^= s >> 27;
    return s * 0x2545F4914F6CDD1Dull;
  }
  uint32_t below(uint32_t n) { return static_cast<uint32_t>(((next() >> 32) * n) >> 32); }
  float uniform() { return static_cast<float>(next() >> 40) * (1.0f / 16777216.0f); }
};

// Walker's alias table over count^0.75: a negative is one random number and one
// comparison, and the tables fit in cache (vocabulary-sized).
class NegativeSampler {
 public:
  explicit NegativeSampler(const std::vector<int64_t>& counts) {
    const size_t n = counts.size();
    std::vector<double> p(n);
    double total = 0;
    for (size_t i = 0; i < n; ++i) total += p[i] = std::pow(static_cast<double>(counts[i]), 0.75);
    threshold_.resize(n);
    alias_.resize(n);
    std::vector<uint32_t> small, large;
    for (size_t i = 0; i < n; ++i) {
      p[i] = p[i] * static_cast<double>(n) / total;
      (p[i] < 1.0 ? small : large).push_back(static_cast<uint32_t>(i));
    }
    while (!small.empty() && !large.empty()) {
      const uint32_t s = small.back(), l = large.back();
      small.pop_back();
      threshold_[s] = p[s];
      alias_[s] = l;
      p[l] -= 1.0 - p[s];
      if (p[l] < 1.0) {
        large.pop_back();
        small.push_back(l);
      }
    }
    for (uint32_t i : large) threshold_[i] = 1.0, alias_[i] = i;
    for (uint32_t i : small) threshold_[i] = 1.0, alias_[i] = i;
  }
  int32_t sample(Rng& rng) const {
    const uint64_t r = rng.next();
    const uint32_t i = static_cast<uint32_t>(((r >> 32) * threshold_.size()) >> 32);
    const double u = static_cast<double>(r & 0xFFFFFFFFu) * (1.0 / 4294967296.0);
    return static_cast<int32_t>(u < threshold_[i] ? i : alias_[i]);
  }

 private:
  std::vector<double> threshold_;
  std::vector<uint32_t> alias_;
};

// What one thread reports (written by it, read by the reporting thread).
struct alignas(64) ThreadState {
  std::atomic<double> loss{0};
  std::atomic<int64_t> targets{0};
};

class Trainer {
 public:
  Trainer(const Corpus& corpus, const TrainConfig& config, WordVectors& input)
      : corpus_(corpus),
        cfg_(config),
        stride_(input.stride()),
        in_(input.data()),
        out_(static_cast<size_t>(input.size() * input.stride()), 0.0f),
        sampler_(corpus.counts),
        kernels_(sgns_kernels()),
        total_words_(static_cast<int64_t>(corpus.tokens.size()) * config.epochs),
        threads_(static_cast<size_t>(config.threads)) {
    keep_probability_.resize(corpus.counts.size());
    const double words = static_cast<double>(corpus.tokens.size());
    for (size_t i = 0; i < corpus.counts.size(); ++i) {
      // word2vec's subsampling: keep a word of frequency f with (sqrt(f/t) + 1) t/f.
      const double f = static_cast<double>(corpus.counts[i]) / words;
      const double keep = config.sample > 0 ? (std::sqrt(f / config.sample) + 1) * config.sample / f : 1.0;
      keep_probability_[i] = static_cast<float>(std::min(1.0, keep));
    }
  }

  int64_t words_done() const { return words_done_.load(std::memory_order_relaxed); }
  int64_t total_words() const { return total_words_; }
  const std::vector<ThreadState>& threads() const { return threads_; }
  void stop() { stop_.store(true); }

  // Thread `t` trains every epoch on its shard of the lines.
  void run(int64_t t) {
    const int64_t lines = corpus_.lines();
    const int64_t first = lines * t / cfg_.threads, last = lines * (t + 1) / cfg_.threads;
    Rng rng(cfg_.seed + static_cast<uint64_t>(t) * 7919);
    std::vector<int32_t> kept;
    std::vector<int32_t> targets(static_cast<size_t>(cfg_.negative + 1));
    std::vector<int32_t> context;
    std::vector<float> hidden(static_cast<size_t>(stride_)), grad(static_cast<size_t>(stride_));
    double loss = 0;
    int64_t n_targets = 0;
    for (int64_t epoch = 0; epoch < cfg_.epochs; ++epoch) {
      for (int64_t line = first; line < last; ++line) {
        if (stop_.load(std::memory_order_relaxed)) return;
        const int64_t b = corpus_.line_starts[static_cast<size_t>(line)];
        const int64_t e = corpus_.line_starts[static_cast<size_t>(line) + 1];
        const float lr = current_lr();
        kept.clear();
        for (int64_t p = b; p < e; ++p) {
          const int32_t w = corpus_.tokens[static_cast<size_t>(p)];
          if (keep_probability_[static_cast<size_t>(w)] >= 1.0f || rng.uniform() < keep_probability_[static_cast<size_t>(w)])
            kept.push_back(w);
        }
        const int64_t n = static_cast<int64_t>(kept.size());
        for (int64_t i = 0; i < n; ++i) {
          const int64_t reach = 1 + rng.below(static_cast<uint32_t>(cfg_.window));
          const int64_t lo = std::max<int64_t>(0, i - reach), hi = std::min(n - 1, i + reach);
          if (cfg_.cbow) {
            context.clear();
            for (int64_t j = lo; j <= hi; ++j)
              if (j != i) context.push_back(kept[static_cast<size_t>(j)]);
            if (context.empty()) continue;
            kernels_.mean(in_, context.data(), static_cast<int>(context.size()), stride_, hidden.data());
            draw_targets(kept[static_cast<size_t>(i)], rng, targets);
            std::fill(grad.begin(), grad.end(), 0.0f);
            loss += kernels_.step(hidden.data(), grad.data(), out_.data(), targets.data(),
                                  static_cast<int>(targets.size()), stride_, lr, table_);
            n_targets += static_cast<int64_t>(targets.size());
            for (int32_t c : context) kernels_.add(grad.data(), in_ + c * stride_, stride_);
          } else {
            float* h = in_ + kept[static_cast<size_t>(i)] * stride_;
            for (int64_t j = lo; j <= hi; ++j) {
              if (j == i) continue;
              draw_targets(kept[static_cast<size_t>(j)], rng, targets);
              std::fill(grad.begin(), grad.end(), 0.0f);
              loss += kernels_.step(h, grad.data(), out_.data(), targets.data(), static_cast<int>(targets.size()),
                                    stride_, lr, table_);
              n_targets += static_cast<int64_t>(targets.size());
              kernels_.add(grad.data(), h, stride_);
            }
          }
        }
        words_done_.fetch_add(e - b, std::memory_order_relaxed);
        ThreadState& st = threads_[static_cast<size_t>(t)];
        st.loss.store(loss, std::memory_order_relaxed);
        st.targets.store(n_targets, std::memory_order_relaxed);
      }
    }
  }

 private:
  float current_lr() const {
    const double progress = static_cast<double>(words_done()) / static_cast<double>(std::max<int64_t>(1, total_words_));
    return static_cast<float>(cfg_.lr * std::max(1e-4, 1.0 - progress));
  }

  // targets[0] = the true word, then negatives that are not it.
  void draw_targets(int32_t word, Rng& rng, std::vector<int32_t>& targets) const {
    targets[0] = word;
    const bool single = corpus_.words.size() == 1;
    for (size_t k = 1; k < targets.size(); ++k) {
      int32_t neg = sampler_.sample(rng);
      while (neg == word && !single) neg = sampler_.sample(rng);
      targets[k] = neg;
    }
  }

  const Corpus& corpus_;
  const TrainConfig cfg_;
  const int64_t stride_;
  float* in_;
  std::vector<float> out_;
  NegativeSampler sampler_;
  std::vector<float> keep_probability_;
  const SgnsKernels& kernels_;
  const SigmoidTable table_;
  const int64_t total_words_;
  std::atomic<int64_t> words_done_{0};
  std::atomic<bool> stop_{false};
  std::vector<ThreadState> threads_;
};

// word2vec's initialisation: uniform in [-0.5/dim, 0.5/dim), padding left zero.
void init_input(WordVectors& v, uint64_t seed) {
  Rng rng(seed);
  for (int64_t i = 0; i < v.size(); ++i) {
    float* r = v.row(i);
    for (int64_t d = 0; d < v.dim(); ++d) r[d] = (rng.uniform() - 0.5f) / static_cast<float>(v.dim());
  }
}

}  // namespace

Result<WordVectors> train_vectors(const Corpus& corpus, const TrainConfig& config, TrainMonitor& monitor,
                                  TrainStats* stats) {
  if (corpus.tokens.empty()) return invalid_argument("the corpus has no words to train on");
  MAAS_ASSIGN_OR_RETURN(WordVectors vectors, WordVectors::create(corpus.words, config.dim));
  vectors.set_counts(corpus.counts);
  init_input(vectors, config.seed);
  Trainer trainer(corpus, config, vectors);

  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();
  std::vector<std::thread> workers;
  for (int64_t t = 0; t < config.threads; ++t) workers.emplace_back([&trainer, t] { trainer.run(t); });

  // Report twice a second: words/s/thread, the loss since the last report, the ETA.
  double last_loss_sum = 0, recent_loss = NAN;
  int64_t last_targets = 0;
  bool cancelled = false;
  auto report = [&](bool final) {
    double loss_sum = 0;
    int64_t targets = 0;
    for (const ThreadState& st : trainer.threads()) {
      loss_sum += st.loss.load(std::memory_order_relaxed);
      targets += st.targets.load(std::memory_order_relaxed);
    }
    if (targets > last_targets) recent_loss = (loss_sum - last_loss_sum) / static_cast<double>(targets - last_targets);
    last_loss_sum = loss_sum;
    last_targets = targets;
    const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    const int64_t done = final ? trainer.total_words() : trainer.words_done();
    TrainProgress p;
    p.phase = "train";
    p.epochs = config.epochs;
    p.epoch = std::min<int64_t>(config.epochs, 1 + done * config.epochs / std::max<int64_t>(1, trainer.total_words()));
    p.step = done;
    p.steps = trainer.total_words();
    p.loss = recent_loss;
    p.items_per_second = seconds > 0 ? static_cast<double>(done) / seconds / static_cast<double>(config.threads) : 0;
    p.unit = "words/thread";
    monitor.progress(p);
  };
  std::atomic<bool> finished{false};
  std::thread joiner([&] {
    for (auto& w : workers) w.join();
    finished.store(true);
  });
  auto next_report = Clock::now() + std::chrono::milliseconds(500);
  while (!finished.load()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    if (!cancelled && monitor.cancelled()) {
      cancelled = true;
      trainer.stop();
    }
    if (Clock::now() >= next_report && !cancelled) {
      report(false);
      next_report = Clock::now() + std::chrono::milliseconds(500);
    }
  }
  joiner.join();
  if (cancelled) return Status(Code::kCancelled, "training cancelled");
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  report(true);
  if (stats) {
    stats->seconds = seconds;
    stats->words_trained = trainer.total_words();
    stats->words_per_second_per_thread =
        static_cast<double>(trainer.total_words()) / std::max(seconds, 1e-9) / static_cast<double>(config.threads);
    stats->final_loss = recent_loss;
  }
  return vectors;
}

}  // namespace maas::text::word2vec

#include "seq2seq/trainer.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>

#include <fmt/format.h>

#include "seq2seq/metrics.h"
#include "seq2seq/model.h"
#include "seq2seq/network.h"
#include "seq2seq/optimizer.h"
#include "seq2seq/parallel_text.h"
#include "tensor/thread_pool.h"

namespace maas::seq2seq {
namespace {

using Clock = std::chrono::steady_clock;
using nlohmann::json;

struct Settings {
  Columns columns;
  Hparams hp;
  int64_t vocab = 0;
  bool subwords = true;
  int64_t epochs = 0, batch = 0, max_tokens = 0, bleu_samples = 0, threads = 0;
  double max_minutes = 0, lr = 0, dropout = 0, teacher_forcing = 1, clip = 0, validation = 0;
  uint64_t seed = 0;
};

Settings read_settings(const json& o) {
  Settings s;
  s.columns = {o.at("src_col").get<std::string>(), o.at("tgt_col").get<std::string>(), o.at("header").get<std::string>()};
  s.hp.embed = o.at("dim").get<int64_t>();
  s.hp.hidden = o.at("hidden").get<int64_t>();
  s.hp.layers = o.at("layers").get<int64_t>();
  s.vocab = o.at("vocab").get<int64_t>();
  s.subwords = o.at("vocab_type").get<std::string>() == "bpe";
  s.epochs = o.at("epochs").get<int64_t>();
  s.max_minutes = o.at("max_minutes").get<double>();
  s.batch = o.at("batch").get<int64_t>();
  s.lr = o.at("lr").get<double>();
  s.dropout = o.at("dropout").get<double>();
  s.teacher_forcing = o.at("teacher_forcing").get<double>();
  s.clip = o.at("clip").get<double>();
  s.validation = o.at("validation").get<double>();
  s.seed = static_cast<uint64_t>(o.at("seed").get<int64_t>());
  s.threads = o.at("threads").get<int64_t>();
  s.max_tokens = o.at("max_tokens").get<int64_t>();
  s.bleu_samples = o.at("bleu_samples").get<int64_t>();
  return s;
}

// Fisher-Yates with our own hash, so the order is the same on every platform.
void shuffle(std::vector<size_t>& v, uint64_t seed, uint64_t stream) {
  for (size_t i = v.size(); i > 1; --i) {
    const size_t j = static_cast<size_t>(mix64(mix64(seed ^ stream) + i) % i);
    std::swap(v[i - 1], v[j]);
  }
}

struct Example {
  std::vector<int32_t> src, tgt;
  size_t pair = 0;  // index into the pairs
};

// Batches of similar source length: shuffle, sort chunks of 32 batches by length, cut,
// shuffle the batches.
std::vector<std::vector<size_t>> make_batches(const std::vector<Example>& examples, int64_t batch, uint64_t seed,
                                              uint64_t epoch) {
  std::vector<size_t> order(examples.size());
  std::iota(order.begin(), order.end(), 0);
  shuffle(order, seed, 2 * epoch + 1);
  const size_t chunk = static_cast<size_t>(batch) * 32;
  for (size_t c = 0; c < order.size(); c += chunk) {
    auto end = order.begin() + static_cast<std::ptrdiff_t>(std::min(order.size(), c + chunk));
    std::stable_sort(order.begin() + static_cast<std::ptrdiff_t>(c), end, [&](size_t a, size_t b) {
      return examples[a].src.size() < examples[b].src.size();
    });
  }
  std::vector<std::vector<size_t>> batches;
  for (size_t i = 0; i < order.size(); i += static_cast<size_t>(batch))
    batches.emplace_back(order.begin() + static_cast<std::ptrdiff_t>(i),
                         order.begin() + static_cast<std::ptrdiff_t>(std::min(order.size(), i + static_cast<size_t>(batch))));
  std::vector<size_t> batch_order(batches.size());
  std::iota(batch_order.begin(), batch_order.end(), 0);
  shuffle(batch_order, seed, 2 * epoch + 2);
  std::vector<std::vector<size_t>> out;
  for (size_t i : batch_order) out.push_back(std::move(batches[i]));
  return out;
}

Batch batch_of(const std::vector<Example>& examples, const std::vector<size_t>& ids) {
  std::vector<const std::vector<int32_t>*> src, tgt;
  for (size_t i : ids) {
    src.push_back(&examples[i].src);
    tgt.push_back(&examples[i].tgt);
  }
  return make_batch(src, tgt);
}

struct Validation {
  double loss = NAN, bleu = NAN, chrf = NAN;
};

Validation validate(const Seq2seqModel& model, const std::vector<Example>& examples,
                    const std::vector<std::pair<std::string, std::string>>& pairs, const Settings& s, Workspace& ws,
                    tensor::ThreadPool* pool) {
  Validation v;
  if (examples.empty()) return v;
  LossSum total;
  std::vector<size_t> ids;
  for (size_t i = 0; i < examples.size(); i += static_cast<size_t>(s.batch)) {
    ids.clear();
    for (size_t k = i; k < std::min(examples.size(), i + static_cast<size_t>(s.batch)); ++k) ids.push_back(k);
    const LossSum l = batch_loss(model.layout, model.weights.data(), batch_of(examples, ids), ws, pool);
    total.nll += l.nll;
    total.tokens += l.tokens;
  }
  v.loss = total.nll / static_cast<double>(std::max<int64_t>(1, total.tokens));
  const size_t n = std::min(examples.size(), static_cast<size_t>(s.bleu_samples));
  if (n == 0) return v;
  std::vector<std::string> hyps, refs;
  for (size_t i = 0; i < n; i += static_cast<size_t>(s.batch)) {
    std::vector<std::vector<int32_t>> sources;
    for (size_t k = i; k < std::min(n, i + static_cast<size_t>(s.batch)); ++k) {
      sources.push_back(examples[k].src);
      refs.push_back(pairs[examples[k].pair].second);
    }
    for (const Hypothesis& h : greedy_decode(model.layout, model.weights.data(), sources, DecodeOptions{}, pool))
      hyps.push_back(model.tgt_vocab.decode(h.tokens));
  }
  v.bleu = corpus_bleu(hyps, refs).score;
  v.chrf = corpus_chrf(hyps, refs);
  return v;
}

}  // namespace

OptionSpecs train_options() {
  return {
      {"src_col", OptionType::kString, nullptr, "source text column: a name, or a 1-based index", {}, true},
      {"tgt_col", OptionType::kString, nullptr, "target text column: a name, or a 1-based index", {}, true},
      {"header", OptionType::kString, "auto", "first row is a header: auto (yes when a column is named), yes, no",
       {"auto", "yes", "no"}},
      {"hidden", OptionType::kInt, 256, "GRU state size (encoder: per direction)", {}, false, 4, 2048},
      {"dim", OptionType::kInt, 128, "embedding size", {}, false, 4, 1024},
      {"layers", OptionType::kInt, 1, "bidirectional encoder layers", {}, false, 1, 4},
      {"vocab", OptionType::kInt, 4000, "pieces per vocabulary (source and target each)", {}, false, 8, 100000},
      {"vocab_type", OptionType::kString, "bpe", "bpe: subwords learnt from the data; char: characters only",
       {"bpe", "char"}},
      {"epochs", OptionType::kInt, 10, "passes over the training pairs", {}, false, 1, 100000},
      {"max_minutes", OptionType::kFloat, 0.0, "stop training after this long (0: no limit); the best epoch is kept",
       {}, false, 0, 100000},
      {"batch", OptionType::kInt, 64, "sentence pairs per step", {}, false, 1, 4096},
      {"lr", OptionType::kFloat, 0.001, "Adam learning rate", {}, false, 1e-7, 1},
      {"dropout", OptionType::kFloat, 0.2, "dropout on embeddings, encoder inputs and the output layer", {}, false, 0,
       0.9},
      {"teacher_forcing", OptionType::kFloat, 1.0, "probability of feeding the reference token (else the model's)",
       {}, false, 0, 1},
      {"clip", OptionType::kFloat, 5.0, "maximum gradient L2 norm (0: no clipping)", {}, false, 0, 1e6},
      {"validation", OptionType::kFloat, 0.05, "fraction of pairs held out for validation", {}, false, 0, 0.5},
      {"seed", OptionType::kInt, 1, "random seed (with threads: the run is reproducible)", {}, false, 0, 2147483647},
      {"threads", OptionType::kInt, 0, "threads (0: all cores)", {}, false, 0, 256},
      {"max_tokens", OptionType::kInt, 100,
       "longest sentence in tokens: longer training pairs are skipped, longer inputs refused", {}, false, 2, 4096},
      {"bleu_samples", OptionType::kInt, 200, "validation pairs translated for BLEU each epoch", {}, false, 0,
       1000000},
  };
}

Result<TrainResult> train(const TrainSpec& spec) {
  NullTrainMonitor null_monitor;
  TrainMonitor& monitor = spec.monitor ? *spec.monitor : null_monitor;
  const Settings s = read_settings(spec.options);
  monitor.progress({"load"});

  MAAS_ASSIGN_OR_RETURN(ParallelText text, read_parallel_text(spec.data_path, s.columns));
  std::vector<size_t> order(text.pairs.size());
  std::iota(order.begin(), order.end(), 0);
  shuffle(order, s.seed, 0);
  const size_t n_val = text.pairs.size() < 2 ? 0 : static_cast<size_t>(std::round(s.validation * text.pairs.size()));
  std::vector<size_t> val_ids(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(n_val));
  std::vector<size_t> train_ids(order.begin() + static_cast<std::ptrdiff_t>(n_val), order.end());
  std::sort(train_ids.begin(), train_ids.end());

  Seq2seqModel model;
  model.columns = s.columns;
  model.max_source_tokens = s.max_tokens;
  std::vector<std::string> src_texts, tgt_texts;
  std::vector<std::pair<std::string, std::string>> train_pairs;
  for (size_t i : train_ids) {
    src_texts.push_back(text.pairs[i].first);
    tgt_texts.push_back(text.pairs[i].second);
    train_pairs.push_back(text.pairs[i]);
  }
  model.src_vocab = Vocabulary::train(src_texts, s.vocab, s.subwords);
  model.tgt_vocab = Vocabulary::train(tgt_texts, s.vocab, s.subwords);
  model.dictionary = WordDictionary::learn(train_pairs);
  monitor.log(fmt::format("{} pairs ({} training, {} validation; {} with an empty side skipped); vocabularies {} / {} "
                          "pieces; baseline dictionary {} words",
                          text.pairs.size(), train_ids.size(), val_ids.size(), text.skipped_empty,
                          model.src_vocab.size(), model.tgt_vocab.size(), model.dictionary.size()));

  auto encode_all = [&](const std::vector<size_t>& ids, int64_t* too_long) {
    std::vector<Example> out;
    for (size_t i : ids) {
      Example e{model.src_vocab.encode(text.pairs[i].first), model.tgt_vocab.encode(text.pairs[i].second), i};
      if (e.src.empty() || e.tgt.empty() || static_cast<int64_t>(e.src.size()) > s.max_tokens ||
          static_cast<int64_t>(e.tgt.size()) > s.max_tokens) {
        ++*too_long;
        continue;
      }
      out.push_back(std::move(e));
    }
    return out;
  };
  int64_t skipped_long = 0;
  const std::vector<Example> train_set = encode_all(train_ids, &skipped_long);
  const std::vector<Example> val_set = encode_all(val_ids, &skipped_long);
  if (skipped_long > 0) monitor.log(fmt::format("{} pairs longer than {} tokens skipped", skipped_long, s.max_tokens));
  if (train_set.empty())
    return invalid_argument("no training pair of at most {} tokens on each side (max_tokens)", s.max_tokens);

  Hparams hp = s.hp;
  hp.src_vocab = model.src_vocab.size();
  hp.tgt_vocab = model.tgt_vocab.size();
  model.layout = Layout::make(hp);
  model.weights = init_weights(model.layout, s.seed);
  tensor::ThreadPool pool(static_cast<int>(s.threads));
  Workspace workspace;
  Adam adam(model.weights.size(), s.lr);
  std::vector<float> grad(model.weights.size());
  std::vector<float> best = model.weights;
  Validation best_val;
  double best_loss = INFINITY;

  const int64_t batches_per_epoch = (static_cast<int64_t>(train_set.size()) + s.batch - 1) / s.batch;
  const int64_t total_steps = batches_per_epoch * s.epochs;
  int64_t step = 0, tokens_done = 0, epochs_run = 0;
  double train_seconds = 0, last_train_loss = NAN;
  bool out_of_time = false;
  // max_minutes bounds the optimisation: the clock starts at the first step.
  const auto started = Clock::now();
  auto minutes = [&] { return std::chrono::duration<double>(Clock::now() - started).count() / 60.0; };
  auto last_report = Clock::now();
  for (int64_t epoch = 1; epoch <= s.epochs && !out_of_time; ++epoch) {
    LossSum epoch_loss;
    const auto t0 = Clock::now();
    int64_t epoch_tokens = 0;
    for (const std::vector<size_t>& ids : make_batches(train_set, s.batch, s.seed, static_cast<uint64_t>(epoch))) {
      if (monitor.cancelled()) return Status(Code::kCancelled, "training cancelled");
      if (s.max_minutes > 0 && minutes() >= s.max_minutes) {
        out_of_time = true;
        break;
      }
      const Batch batch = batch_of(train_set, ids);
      std::fill(grad.begin(), grad.end(), 0.0f);
      TrainSettings ts{static_cast<float>(s.dropout), static_cast<float>(s.teacher_forcing), s.seed,
                       static_cast<uint64_t>(step)};
      const LossSum l = forward_backward(model.layout, model.weights.data(), grad.data(), batch, ts, workspace, &pool);
      Adam::clip(grad, s.clip);
      adam.step(model.weights, grad);
      epoch_loss.nll += l.nll;
      epoch_loss.tokens += l.tokens;
      epoch_tokens += l.tokens;
      ++step;
      const double secs = std::chrono::duration<double>(Clock::now() - t0).count();
      if (std::chrono::duration<double>(Clock::now() - last_report).count() >= 0.5) {
        last_report = Clock::now();
        TrainProgress p;
        p.epoch = epoch;
        p.epochs = s.epochs;
        p.step = step;
        p.steps = total_steps;
        p.loss = epoch_loss.nll / static_cast<double>(epoch_loss.tokens);
        p.items_per_second = secs > 0 ? static_cast<double>(epoch_tokens) / secs : 0;
        p.unit = "tokens";
        monitor.progress(p);
      }
    }
    train_seconds += std::chrono::duration<double>(Clock::now() - t0).count();
    tokens_done += epoch_tokens;
    if (epoch_loss.tokens == 0) break;  // the time ran out before this epoch's first step
    ++epochs_run;
    last_train_loss = epoch_loss.nll / static_cast<double>(epoch_loss.tokens);
    monitor.progress({"validate", epoch, s.epochs, step, total_steps, last_train_loss});
    const Validation v = validate(model, val_set, text.pairs, s, workspace, &pool);
    const bool better = val_set.empty() || v.loss < best_loss;
    if (better) {
      best = model.weights;
      best_loss = val_set.empty() ? last_train_loss : v.loss;
      best_val = v;
    }
    TrainProgress p{"train", epoch, s.epochs, step, total_steps, last_train_loss, "val_bleu", v.bleu,
                    train_seconds > 0 ? static_cast<double>(tokens_done) / train_seconds : 0, "tokens"};
    monitor.progress(p);
    monitor.log(fmt::format("epoch {}: train loss {:.4f}, validation loss {:.4f}, BLEU {:.2f}, chrF {:.2f}{}", epoch,
                            last_train_loss, v.loss, v.bleu, v.chrf, better ? " (best)" : ""));
  }
  if (epochs_run == 0) return Status(Code::kDeadlineExceeded, "max_minutes ran out before the first epoch finished a step");

  monitor.progress({"save"});
  model.weights = std::move(best);
  MAAS_RETURN_IF_ERROR(save_model(model, spec.output_path));

  TrainResult result;
  auto finite_or_null = [](double x) { return std::isfinite(x) ? json(x) : json(nullptr); };
  result.metrics = {{"val_loss", finite_or_null(best_val.loss)},
                    {"val_bleu", finite_or_null(best_val.bleu)},
                    {"val_chrf", finite_or_null(best_val.chrf)},
                    {"train_loss", finite_or_null(last_train_loss)},
                    {"epochs", epochs_run},
                    {"target_tokens_per_second",
                     train_seconds > 0 ? static_cast<double>(tokens_done) / train_seconds : 0.0}};
  result.higher_is_better = {{"val_loss", false}, {"val_bleu", true}, {"val_chrf", true}, {"train_loss", false}};
  result.params = spec.options;
  result.params["src_vocab_size"] = model.src_vocab.size();
  result.params["tgt_vocab_size"] = model.tgt_vocab.size();
  result.params["weights"] = model.layout.total;
  result.params["training_pairs"] = train_set.size();
  result.params["validation_pairs"] = val_set.size();
  return result;
}

}  // namespace maas::seq2seq

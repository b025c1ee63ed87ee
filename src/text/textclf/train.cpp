#include "text/textclf/train.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>

#include "text/textclf/artifact.h"
#include "text/textclf/labelled_texts.h"
#include "text/textclf/metrics.h"

namespace maas::text {

OptionSpecs textclf_train_options() {
  return {
      {"text_col", OptionType::kString, "text", "column holding the text"},
      {"label_col", OptionType::kString, "label", "column holding the label (any string)"},
      {"ngrams", OptionType::kIntList, nlohmann::json::array({1, 2}), "n-gram lengths, from,to (\"1,2\": words and word pairs)", {}, false, 1, 5},
      {"char_ngrams", OptionType::kIntList, nullptr, "also character n-grams of each word, from,to (e.g. \"2,5\"; default: none)", {}, false, 1, 10},
      {"min_df", OptionType::kInt, 1, "keep terms found in at least this many training texts", {}, false, 1},
      {"max_features", OptionType::kInt, 0, "keep at most this many terms, the most frequent (0: all)", {}, false, 0},
      {"sublinear_tf", OptionType::kBool, true, "term frequency 1 + ln(count) instead of count"},
      {"epochs", OptionType::kInt, 20, "passes over the training texts", {}, false, 1, 100000},
      {"lr", OptionType::kFloat, 0.02, "Adam learning rate", {}, false, 1e-9, 10},
      {"l2", OptionType::kFloat, 1e-4, "L2 penalty on the weights", {}, false, 0, 10},
      {"batch", OptionType::kInt, 32, "texts per gradient step", {}, false, 1, 1 << 20},
      {"validation", OptionType::kFloat, 0.1, "fraction of texts held out to report val_accuracy", {}, false, 0, 0.9},
      {"seed", OptionType::kInt, 1, "seed of the validation split and the shuffling", {}, false, 0},
  };
}

OptionSpecs textclf_eval_options() {
  return {{"text_col", OptionType::kString, "text", "column holding the text"},
          {"label_col", OptionType::kString, "label", "column holding the label"}};
}

namespace {

using Clock = std::chrono::steady_clock;

// Labels sorted as strings; y[i] is the index of texts' label i.
struct Classes {
  std::vector<std::string> labels;
  std::vector<int32_t> y;
};

Classes index_labels(const std::vector<std::string>& labels) {
  std::map<std::string, int32_t> ids;
  for (const auto& l : labels) ids.emplace(l, 0);
  Classes c;
  for (auto& [label, id] : ids) {
    id = static_cast<int32_t>(c.labels.size());
    c.labels.push_back(label);
  }
  for (const auto& l : labels) c.y.push_back(ids.at(l));
  return c;
}

double accuracy(const TextClassifier& model, const std::vector<SparseVector>& x, const std::vector<int32_t>& y) {
  if (x.empty()) return NAN;
  size_t correct = 0;
  for (size_t i = 0; i < x.size(); ++i) correct += argmax(softmax(model.linear.logits(x[i]))) == y[i];
  return static_cast<double>(correct) / static_cast<double>(x.size());
}

// "from,to" (or one length) of an n-gram option; empty when the option is absent.
Result<std::vector<int>> ngram_range(const nlohmann::json& opt, const std::string& name) {
  const std::vector<int> range = opt.value(name, std::vector<int>{});
  if (range.size() > 2 || (!range.empty() && range.back() < range.front()))
    return invalid_argument("option '{}' is from,to with from <= to", name).with_field("options." + name);
  return range;
}

Result<TfidfOptions> tfidf_options(const nlohmann::json& opt) {
  TfidfOptions tf;
  MAAS_ASSIGN_OR_RETURN(std::vector<int> words, ngram_range(opt, "ngrams"));
  MAAS_ASSIGN_OR_RETURN(std::vector<int> chars, ngram_range(opt, "char_ngrams"));
  tf.ngram_min = words.front();
  tf.ngram_max = words.back();
  if (!chars.empty()) tf.char_min = chars.front(), tf.char_max = chars.back();
  tf.min_df = opt.at("min_df").get<int64_t>();
  tf.max_features = opt.at("max_features").get<int64_t>();
  tf.sublinear_tf = opt.at("sublinear_tf").get<bool>();
  return tf;
}

AdamOptions adam_options(const nlohmann::json& opt) {
  AdamOptions adam;
  adam.epochs = opt.at("epochs").get<int64_t>();
  adam.batch = opt.at("batch").get<int64_t>();
  adam.lr = opt.at("lr").get<double>();
  adam.l2 = opt.at("l2").get<double>();
  adam.seed = opt.at("seed").get<uint64_t>();
  return adam;
}

// The texts split by a seeded permutation: its first `fraction` held out for validation.
struct Split {
  std::vector<std::string> train_texts, val_texts;
  std::vector<int32_t> train_y, val_y;
};

Split holdout_split(const LabelledTexts& data, const std::vector<int32_t>& y, double fraction, uint64_t seed) {
  const std::vector<size_t> order = seeded_permutation(data.texts.size(), seed);
  const size_t n_val = static_cast<size_t>(std::floor(fraction * static_cast<double>(order.size())));
  Split s;
  for (size_t r = 0; r < order.size(); ++r) {
    const size_t i = order[r];
    (r < n_val ? s.val_texts : s.train_texts).push_back(data.texts[i]);
    (r < n_val ? s.val_y : s.train_y).push_back(y[i]);
  }
  return s;
}

}  // namespace

Result<TrainResult> train_textclf(const TrainSpec& spec) {
  NullTrainMonitor null_monitor;
  TrainMonitor& monitor = spec.monitor ? *spec.monitor : null_monitor;
  const nlohmann::json& opt = spec.options;
  MAAS_ASSIGN_OR_RETURN(const TfidfOptions tf, tfidf_options(opt));
  const AdamOptions adam = adam_options(opt);

  monitor.progress({.phase = "load", .unit = "texts"});
  MAAS_ASSIGN_OR_RETURN(LabelledTexts data, read_labelled_texts(spec.data_path, opt.at("text_col").get<std::string>(),
                                                                opt.at("label_col").get<std::string>()));
  const Classes classes = index_labels(data.labels);
  if (classes.labels.size() < 2)
    return invalid_argument("{} has only one label ('{}'): a classifier needs at least two", spec.data_path,
                            classes.labels[0]);
  const Split split = holdout_split(data, classes.y, opt.at("validation").get<double>(), adam.seed);
  if (std::all_of(split.train_y.begin(), split.train_y.end(), [&](int32_t c) { return c == split.train_y[0]; }))
    return invalid_argument("{}: the training part (without the validation fraction) has only one label",
                            spec.data_path);

  // Features: the vocabulary and idf from the training texts only.
  TextClassifier model;
  model.labels = classes.labels;
  model.features = TfidfVectorizer::fit(split.train_texts, tf);
  if (model.features.size() == 0)
    return invalid_argument("{}: no term occurs in at least min_df={} training texts", spec.data_path, tf.min_df);
  std::vector<SparseVector> train_x, val_x;
  for (const auto& t : split.train_texts) train_x.push_back(model.features.transform(t));
  for (const auto& t : split.val_texts) val_x.push_back(model.features.transform(t));

  // Weights, with the loss and validation accuracy of every epoch on the monitor.
  const int64_t n_train = static_cast<int64_t>(train_x.size());
  double val_accuracy = NAN, last_loss = NAN;
  TrainProgress last;  // the latest epoch's figures, shown again while saving
  const Clock::time_point start = Clock::now();
  TrainHooks hooks;
  hooks.cancelled = [&] { return monitor.cancelled(); };
  hooks.on_epoch = [&](const EpochReport& r) {
    model.linear = *r.model;
    val_accuracy = accuracy(model, val_x, split.val_y);
    last_loss = r.loss;
    const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    TrainProgress p;
    p.epoch = r.epoch;
    p.epochs = adam.epochs;
    p.step = r.epoch * n_train;
    p.steps = adam.epochs * n_train;
    p.loss = r.loss;
    if (!val_x.empty()) p.metric = "val_accuracy", p.metric_value = val_accuracy;
    p.items_per_second = seconds > 0 ? static_cast<double>(p.step) / seconds : 0;
    p.unit = "texts";
    monitor.progress(p);
    last = p;
    return Status::ok();
  };
  MAAS_ASSIGN_OR_RETURN(model.linear, train_softmax_regression(train_x, split.train_y,
                                                               static_cast<int64_t>(model.labels.size()),
                                                               model.features.size(), adam, hooks));

  last.phase = "save";
  monitor.progress(last);
  MAAS_RETURN_IF_ERROR(save_text_classifier(model, spec.output_path));

  TrainResult result;
  result.metrics["train_loss"] = last_loss;
  result.higher_is_better["train_loss"] = false;
  if (!val_x.empty()) {
    result.metrics["val_accuracy"] = val_accuracy;
    result.higher_is_better["val_accuracy"] = true;
  }
  result.params = opt;
  result.params["labels"] = model.labels;
  result.params["vocabulary_size"] = model.features.size();
  result.params["train_texts"] = train_x.size();
  result.params["validation_texts"] = val_x.size();
  return result;
}

}  // namespace maas::text

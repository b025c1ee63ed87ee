#include "nn/mlp_family.h"

#include <filesystem>
#include <thread>

#include "llm/gguf/gguf.h"
#include "nn/idx.h"
#include "nn/metrics.h"
#include "nn/mlp_model.h"
#include "nn/trainer.h"

namespace maas::nn {
namespace {

using nlohmann::json;

// Train options -> the trainer's configuration (options are resolved: every key is there).
Result<FitConfig> fit_config(const json& o, Task task) {
  FitConfig c;
  c.task = task;
  c.hidden = o.at("hidden").get<std::vector<int64_t>>();
  c.activation = *parse_activation(o.at("activation").get<std::string>());
  const std::string loss = o.at("loss").get<std::string>();
  c.loss = loss == "auto" ? (task == Task::kClassify ? Loss::kCrossEntropy : Loss::kMse) : *parse_loss(loss);
  if (task == Task::kRegress && c.loss == Loss::kCrossEntropy)
    return invalid_argument("loss cross_entropy needs task classify").with_field("options.loss");
  c.optimizer.kind = o.at("optimizer").get<std::string>() == "sgd" ? OptimizerKind::kSgd : OptimizerKind::kAdam;
  c.optimizer.lr = o.at("lr").get<double>();
  c.optimizer.momentum = o.at("momentum").get<double>();
  c.epochs = o.at("epochs").get<int64_t>();
  c.batch = o.at("batch").get<int64_t>();
  c.l2 = o.at("l2").get<double>();
  c.patience = o.at("patience").get<int64_t>();
  const std::string init = o.at("init").get<std::string>();
  c.init = init == "he" ? Init::kHe : init == "xavier" ? Init::kXavier : Init::kAuto;
  c.seed = o.at("seed").get<uint64_t>();
  return c;
}

int thread_count(int64_t requested) {
  if (requested > 0) return int(requested);
  return int(std::max(1u, std::thread::hardware_concurrency()));
}

class MlpFamily final : public ModelFamily {
 public:
  std::string name() const override { return kArchitecture; }
  std::vector<std::string> capabilities() const override {
    return {Predictor::kName, Classifier::kName, Explainer::kName};
  }

  std::optional<std::string> detect(const FileProbe& probe) const override {
    if (probe.gguf_architecture != kArchitecture) return std::nullopt;
    return std::string("gguf");
  }

  Status validate(const Artifact& artifact) const override {
    MAAS_RETURN_IF_ERROR(llm::gguf_check_header(artifact.path));
    return load_mlp(artifact.path).status();
  }

  Result<uint64_t> estimate_memory(const Artifact& artifact, const LoadOptions&) const override {
    std::error_code ec;
    const uint64_t size = std::filesystem::file_size(artifact.path, ec);
    if (ec) return invalid_argument("{}: {}", artifact.path, ec.message());
    return size + (1 << 20);  // the weights copied out of the file, plus working buffers
  }

  Result<std::shared_ptr<LoadedModel>> load(const Artifact& artifact, const LoadOptions& options) const override {
    MAAS_ASSIGN_OR_RETURN(MlpArtifact m, load_mlp(artifact.path));
    return std::shared_ptr<LoadedModel>(std::make_shared<MlpModel>(std::move(m), options.threads));
  }

  // A held-out table with the training columns and target: classifiers get accuracy,
  // macro-F1, log-loss and the confusion matrix; regressors RMSE, MAE and R^2.
  Result<Metrics> evaluate(LoadedModel& loaded, const EvalSpec& spec) const override {
    auto* m = dynamic_cast<MlpModel*>(&loaded);
    if (!m) return invalid_argument("not an mlp model");
    MAAS_ASSIGN_OR_RETURN(Encoded data, read_rows(spec.data_path, spec.options, m->schema()));
    const std::vector<float> out = predict(m->network(), data.x.data(), data.rows, nullptr);
    return metrics_of(m->schema(), data, out);
  }

  OptionSpecs eval_options() const override {
    return {{"labels", OptionType::kPath, nullptr, "IDX labels file when the data is an IDX images file"}};
  }

  OptionSpecs train_options() const override {
    using T = OptionType;
    return {
        {"target", T::kString, "", "the column to predict (default: the last column)"},
        {"task", T::kString, "auto", "classify or regress (auto: classify a text target or few integer values)",
         {"auto", "classify", "regress"}},
        {"hidden", T::kIntList, json::array({64}), "hidden layer sizes, e.g. 128,64", {}, false, 1, 65536},
        {"activation", T::kString, "relu", "hidden activation", {"relu", "tanh", "sigmoid"}},
        {"loss", T::kString, "auto", "auto: cross_entropy to classify, mse to regress", {"auto", "cross_entropy", "mse"}},
        {"epochs", T::kInt, 50, "passes over the training rows", {}, false, 1, 100000},
        {"lr", T::kFloat, 0.001, "learning rate", {}, false, 1e-9, 10},
        {"batch", T::kInt, 32, "rows per gradient step", {}, false, 1, 1 << 20},
        {"optimizer", T::kString, "adam", "adam or sgd (with momentum)", {"adam", "sgd"}},
        {"momentum", T::kFloat, 0.9, "SGD momentum", {}, false, 0, 0.999},
        {"l2", T::kFloat, 0.0, "L2 penalty on the weights", {}, false, 0, 10},
        {"validation", T::kFloat, 0.1, "fraction of rows held out for early stopping and metrics", {}, false, 0, 0.5},
        {"patience", T::kInt, 10, "stop after this many epochs without a better validation loss (0: never)", {}, false, 0, 100000},
        {"init", T::kString, "auto", "weight init (auto: He for relu, Xavier otherwise)", {"auto", "xavier", "he"}},
        {"seed", T::kInt, 1, "random seed (init, shuffling, validation split)", {}, false, 0, 1e15},
        {"threads", T::kInt, 0, "threads (0: all cores)", {}, false, 0, 1024},
        {"labels", T::kPath, nullptr, "IDX labels file: the data file is then an IDX images file (MNIST format)"},
    };
  }

  Result<TrainResult> train(const TrainSpec& spec) const override {
    NullTrainMonitor null_monitor;
    TrainMonitor& monitor = spec.monitor ? *spec.monitor : null_monitor;
    const json& o = spec.options;
    TrainProgress loading;
    loading.phase = "load";
    monitor.progress(loading);
    const std::string task_opt = o.at("task").get<std::string>();
    std::optional<Task> task;
    if (task_opt != "auto") task = task_opt == "classify" ? Task::kClassify : Task::kRegress;
    Schema schema;
    Encoded all;
    std::string format;
    if (o.contains("labels")) {  // an IDX pair: images in data_path
      if (task == Task::kRegress) return invalid_argument("IDX images are classified, not regressed").with_field("options.task");
      MAAS_ASSIGN_OR_RETURN(IdxData idx, read_idx(spec.data_path, o.at("labels").get<std::string>()));
      schema = std::move(idx.schema);
      all = std::move(idx.rows);
      format = "idx";
    } else {
      MAAS_ASSIGN_OR_RETURN(Table table, read_table(spec.data_path));
      MAAS_ASSIGN_OR_RETURN(schema, build_schema(table, o.at("target").get<std::string>(), task));
      MAAS_ASSIGN_OR_RETURN(all, encode_table(schema, table));
      format = table_format_name(table.format);
    }
    MAAS_ASSIGN_OR_RETURN(FitConfig config, fit_config(o, schema.task));
    Encoded train, val;
    const double fraction = o.at("validation").get<double>();
    if (fraction > 0 && all.rows >= 4)
      split_rows(all, fraction, config.seed, train, val);
    else
      train = all;
    monitor.log(fmt::format("{} rows ({} format), {} inputs -> {} features, task {}, {} training / {} validation",
                            all.rows, format, schema.columns.size(), schema.features(),
                            task_name(schema.task), train.rows, val.rows));
    tensor::ThreadPool pool(thread_count(o.at("threads").get<int64_t>()));
    MAAS_ASSIGN_OR_RETURN(FitResult fit_result, fit(train, val, config, monitor, &pool));

    TrainProgress saving;
    saving.phase = "save";
    monitor.progress(saving);
    MlpArtifact artifact{schema, fit_result.net, o};
    MAAS_RETURN_IF_ERROR(save_mlp(spec.output_path, artifact));

    TrainResult r;
    Metrics m;
    if (val.rows > 0) m = metrics_of(schema, val, predict(fit_result.net, val.x.data(), val.rows, &pool));
    for (auto& [k, v] : m.values.items()) r.metrics["val_" + k] = v;
    for (auto& [k, v] : m.higher_is_better.items()) r.higher_is_better["val_" + k] = v;
    r.metrics["train_loss"] = fit_result.train_loss;
    r.higher_is_better["train_loss"] = false;
    r.metrics["epochs"] = fit_result.epochs_run;
    r.metrics["best_epoch"] = fit_result.best_epoch;
    r.metrics["samples_per_second"] = fit_result.samples_per_second;
    r.params = o;
    r.params["task"] = task_name(schema.task);
    r.params["target"] = schema.target;
    r.params["features"] = schema.features();
    if (schema.task == Task::kClassify) r.params["labels"] = schema.labels;
    return r;
  }

 private:
  // Held-out rows under the model's schema: a table, or an IDX pair (option "labels").
  static Result<Encoded> read_rows(const std::string& path, const json& options, const Schema& schema) {
    if (options.contains("labels") && !options["labels"].is_null()) {
      MAAS_ASSIGN_OR_RETURN(IdxData idx, read_idx(path, options["labels"].get<std::string>(), &schema));
      return std::move(idx.rows);
    }
    MAAS_ASSIGN_OR_RETURN(Table table, read_table(path));
    return encode_table(schema, table);
  }

  static Metrics metrics_of(const Schema& schema, const Encoded& data, const std::vector<float>& out) {
    Metrics m;
    if (schema.task == Task::kClassify) {
      m.values = classification_metrics(out, data.label, data.outputs);
      m.higher_is_better = {{"accuracy", true}, {"macro_f1", true}, {"log_loss", false}};
    } else {
      std::vector<double> pred;
      for (float v : out) pred.push_back(double(v) * schema.target_std + schema.target_mean);
      m.values = regression_metrics(data.value, pred);
      m.higher_is_better = {{"rmse", false}, {"mae", false}, {"r2", true}};
    }
    return m;
  }
};

}  // namespace

std::unique_ptr<ModelFamily> make_mlp_family() { return std::make_unique<MlpFamily>(); }

}  // namespace maas::nn

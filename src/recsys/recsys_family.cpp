#include "recsys/recsys_family.h"

#include <filesystem>

#include "llm/gguf/gguf.h"
#include "recsys/evaluate.h"
#include "recsys/model.h"
#include "recsys/recsys_model.h"
#include "recsys/train.h"

namespace maas::recsys {
namespace {

class RecsysFamily final : public ModelFamily {
 public:
  std::string name() const override { return "recsys"; }
  std::vector<std::string> capabilities() const override { return {Recommender::kName, Explainer::kName}; }

  std::optional<std::string> detect(const FileProbe& probe) const override {
    if (probe.gguf_architecture != "recsys") return std::nullopt;
    return std::string("gguf");
  }

  // Reads the whole model: every size and index is checked (the files are small).
  Status validate(const Artifact& artifact) const override { return load_model(artifact.path).status(); }

  Result<uint64_t> estimate_memory(const Artifact& artifact, const LoadOptions&) const override {
    std::error_code ec;
    const uint64_t bytes = std::filesystem::file_size(artifact.path, ec);
    if (ec) return not_found("cannot read '{}': {}", artifact.path, ec.message());
    return 4 * bytes + (16u << 20);
  }

  Result<std::shared_ptr<LoadedModel>> load(const Artifact& artifact, const LoadOptions& options) const override {
    MAAS_ASSIGN_OR_RETURN(RecModel m, load_model(artifact.path));
    MAAS_ASSIGN_OR_RETURN(std::unique_ptr<FeedbackLog> log, FeedbackLog::open(options.state_dir, m.columns));
    std::error_code ec;
    const uint64_t bytes = std::filesystem::file_size(artifact.path, ec);
    return std::shared_ptr<LoadedModel>(std::make_shared<RecsysModel>(std::move(m), std::move(log), ec ? 0 : bytes));
  }

  OptionSpecs eval_options() const override { return eval_option_specs(); }
  Result<Metrics> evaluate(LoadedModel& loaded, const EvalSpec& spec) const override {
    auto* m = dynamic_cast<RecsysModel*>(&loaded);
    if (!m) return invalid_argument("not a recsys model");
    return evaluate_recsys(m->scorer(), spec.data_path, spec.options);
  }

  OptionSpecs train_options() const override { return train_option_specs(); }
  Result<TrainResult> train(const TrainSpec& spec) const override { return train_recsys(spec); }
};

}  // namespace

std::unique_ptr<ModelFamily> make_recsys_family() { return std::make_unique<RecsysFamily>(); }

}  // namespace maas::recsys

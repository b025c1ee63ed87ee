#include "contract/linear_family.h"

#include <chrono>
#include <cmath>
#include <fstream>
#include <sstream>
#include <thread>

#include "core/capability/embedder.h"
#include "core/csv.h"
#include "core/files.h"

namespace maas::testing {
namespace {

struct Line {
  double w = 0, b = 0;
};

Result<Line> read_line_file(const std::string& path) {
  MAAS_ASSIGN_OR_RETURN(std::string text, read_file(path));
  std::istringstream in(text);
  std::string magic;
  Line l;
  if (!(in >> magic >> l.w >> l.b) || magic != "LINEAR1") return invalid_argument("'{}' is not a LINEAR1 file", path);
  return l;
}

class LinearModel final : public LoadedModel, public Embedder {
 public:
  explicit LinearModel(Line l) : line(l) {}
  std::string family() const override { return "linear"; }
  uint64_t memory_bytes() const override { return sizeof(*this); }
  int64_t dimensions() const override { return 1; }
  Result<EmbedResult> embed(const std::vector<EmbedInput>& inputs, const nlohmann::json&) override {
    EmbedResult r;
    for (const EmbedInput& in : inputs) {
      if (in.is_tokens) return invalid_argument("linear models take text, not token ids").with_field("input");
      r.vectors.push_back({static_cast<float>(line.w * static_cast<double>(in.text.size()) + line.b)});
      r.tokens += static_cast<int64_t>(in.text.size());
    }
    return r;
  }
  Line line;

 protected:
  void* find_capability(const std::type_info& type) override { return offer<Embedder>(this, type); }
};

class LinearFamily final : public ModelFamily {
 public:
  std::string name() const override { return "linear"; }
  std::vector<std::string> capabilities() const override { return {Embedder::kName}; }
  std::optional<std::string> detect(const FileProbe& probe) const override {
    if (probe.head.rfind("LINEAR1 ", 0) == 0) return std::string("linear-text");
    return std::nullopt;
  }
  Status validate(const Artifact& a) const override { return read_line_file(a.path).status(); }
  Result<uint64_t> estimate_memory(const Artifact&, const LoadOptions&) const override { return sizeof(LinearModel); }
  Result<std::shared_ptr<LoadedModel>> load(const Artifact& a, const LoadOptions&) const override {
    MAAS_ASSIGN_OR_RETURN(Line l, read_line_file(a.path));
    return std::shared_ptr<LoadedModel>(std::make_shared<LinearModel>(l));
  }

  OptionSpecs eval_options() const override { return {}; }
  Result<Metrics> evaluate(LoadedModel& model, const EvalSpec& spec) const override {
    MAAS_ASSIGN_OR_RETURN(auto xy, read_xy(spec.data_path));
    const Line& l = static_cast<LinearModel&>(model).line;
    double se = 0;
    for (auto [x, y] : xy) se += (l.w * x + l.b - y) * (l.w * x + l.b - y);
    Metrics m;
    m.values = {{"rmse", std::sqrt(se / static_cast<double>(xy.size()))}};
    m.higher_is_better = {{"rmse", false}};
    return m;
  }

  OptionSpecs train_options() const override {
    return {{"epochs", OptionType::kInt, 200, "passes over the data", {}, false, 1, 100000},
            {"lr", OptionType::kFloat, 0.05, "learning rate", {}, false, 0, 10},
            {"delay_ms", OptionType::kInt, 0, "sleep per epoch (to test cancelling)", {}, false, 0, 1000}};
  }
  Result<TrainResult> train(const TrainSpec& spec) const override {
    MAAS_ASSIGN_OR_RETURN(auto xy, read_xy(spec.data_path));
    const int64_t epochs = spec.options["epochs"].get<int64_t>();
    const double lr = spec.options["lr"].get<double>();
    const int delay = spec.options["delay_ms"].get<int>();
    Line l;
    double loss = 0;
    for (int64_t epoch = 1; epoch <= epochs; ++epoch) {  // full-batch gradient descent on MSE
      if (spec.monitor->cancelled()) return Status(Code::kCancelled, "cancelled");
      double gw = 0, gb = 0;
      loss = 0;
      for (auto [x, y] : xy) {
        const double err = l.w * x + l.b - y;
        gw += 2 * err * x;
        gb += 2 * err;
        loss += err * err;
      }
      const double n = static_cast<double>(xy.size());
      l.w -= lr * gw / n;
      l.b -= lr * gb / n;
      TrainProgress p;
      p.epoch = epoch, p.epochs = epochs, p.step = epoch, p.steps = epochs, p.loss = loss / n;
      spec.monitor->progress(p);
      if (delay) std::this_thread::sleep_for(std::chrono::milliseconds(delay));
    }
    std::ofstream(spec.output_path) << "LINEAR1 " << l.w << " " << l.b << "\n";
    TrainResult r;
    r.format = "linear-text";
    r.metrics = {{"train_mse", loss / static_cast<double>(xy.size())}};
    r.higher_is_better = {{"train_mse", false}};
    r.params = {{"w", l.w}, {"b", l.b}};
    return r;
  }

  std::vector<FamilyRoute> routes() const override {
    return {{"/v1/linear", [](LoadedModel& model, const nlohmann::json& body) -> Result<nlohmann::json> {
               if (!body.contains("x") || !body["x"].is_number())
                 return invalid_argument("'x' must be a number").with_field("x");
               const Line& l = static_cast<LinearModel&>(model).line;
               return nlohmann::json{{"y", l.w * body["x"].get<double>() + l.b}};
             }}};
  }

 private:
  static Result<std::vector<std::pair<double, double>>> read_xy(const std::string& path) {
    MAAS_ASSIGN_OR_RETURN(CsvTable t, read_csv(path));
    std::vector<std::pair<double, double>> xy;
    for (size_t i = 0; i < t.rows.size(); ++i) {
      auto x = parse_number(t.rows[i][0]);
      auto y = parse_number(t.rows[i].size() > 1 ? t.rows[i][1] : "");
      if (!x || !y) return invalid_argument("{}: x and y must be numbers", t.where(i));
      xy.emplace_back(*x, *y);
    }
    if (xy.empty()) return invalid_argument("{} has no rows", path);
    return xy;
  }
};

}  // namespace

std::unique_ptr<ModelFamily> make_linear_family() { return std::make_unique<LinearFamily>(); }

}  // namespace maas::testing

#include "nn/mlp_model.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "nn/trainer.h"

namespace maas::nn {
namespace {

using nlohmann::json;

constexpr const char* kInputTensor = "input";

std::string shape_text(const std::vector<int64_t>& shape) {
  std::string s;
  for (int64_t d : shape) s += (s.empty() ? "" : ", ") + std::to_string(d);
  return "[" + s + "]";
}

}  // namespace

MlpModel::MlpModel(MlpArtifact artifact, int threads)
    : m_(std::move(artifact)),
      pool_(std::make_unique<tensor::ThreadPool>(threads > 0 ? threads : 0)),
      batcher_(std::make_unique<Batcher>(m_.net, pool_.get())) {}

uint64_t MlpModel::memory_bytes() const {
  uint64_t n = 0;
  for (const auto& l : m_.net.layers) n += (l.w.size() + l.b.size()) * sizeof(float);
  return n + 64 * 1024;
}

json MlpModel::stats() const {
  std::vector<int64_t> sizes = {m_.net.inputs()};
  for (const auto& l : m_.net.layers) sizes.push_back(l.out);
  return {{"task", task_name(m_.schema.task)},
          {"layers", sizes},
          {"columns", m_.schema.columns.size()},
          {"requests", batcher_->requests()},
          {"forward_passes", batcher_->passes()}};
}

std::vector<LoadedModel::Gauge> MlpModel::gauges() const {
  return {{"maas_mlp_requests", "Requests the model answered (rows batched per forward pass: see maas_mlp_forward_passes)",
           double(batcher_->requests())},
          {"maas_mlp_forward_passes", "Forward passes run (concurrent requests share one)", double(batcher_->passes())}};
}

std::vector<float> MlpModel::run(const std::vector<float>& x, int64_t rows) {
  return batcher_->run(x.data(), rows);
}

json MlpModel::prediction_json(const float* out) const {
  const Schema& s = m_.schema;
  if (s.task == Task::kRegress) return {{"value", double(out[0]) * s.target_std + s.target_mean}};
  json probs = json::object();
  for (size_t k = 0; k < s.labels.size(); ++k) probs[s.labels[k]] = out[k];
  const size_t best = std::max_element(out, out + s.labels.size()) - out;
  return {{"label", s.labels[best]}, {"probabilities", probs}};
}

Result<std::vector<float>> MlpModel::outputs_for_rows(const std::vector<json>& rows, const std::string& field) {
  const int64_t d = m_.schema.features();
  std::vector<float> x(rows.size() * size_t(d));
  for (size_t r = 0; r < rows.size(); ++r)
    MAAS_RETURN_IF_ERROR(encode_object(m_.schema, rows[r], fmt::format("{}[{}]", field, r), x.data() + r * d));
  return run(x, int64_t(rows.size()));
}

Result<std::vector<json>> MlpModel::predict_rows(const std::vector<json>& rows) {
  MAAS_ASSIGN_OR_RETURN(std::vector<float> out, outputs_for_rows(rows, "inputs"));
  std::vector<json> preds;
  for (size_t r = 0; r < rows.size(); ++r) preds.push_back(prediction_json(out.data() + r * m_.schema.outputs()));
  return preds;
}

Result<std::vector<Classification>> MlpModel::classify(const std::vector<json>& inputs) {
  if (m_.schema.task != Task::kClassify)
    return invalid_argument("this model is a regressor (target '{}'); use /v1/predictions", m_.schema.target);
  MAAS_ASSIGN_OR_RETURN(std::vector<float> out, outputs_for_rows(inputs, "input"));
  std::vector<Classification> result;
  const size_t k = m_.schema.labels.size();
  for (size_t r = 0; r < inputs.size(); ++r) {
    const float* p = out.data() + r * k;
    Classification c;
    c.label = m_.schema.labels[std::max_element(p, p + k) - p];
    for (size_t j = 0; j < k; ++j) c.probabilities.emplace_back(m_.schema.labels[j], p[j]);
    result.push_back(std::move(c));
  }
  return result;
}

// OIP tensors: the numeric columns together in "input" (FP32, [batch, n_numeric]), each
// categorical column as a BYTES tensor of its own name ([batch, 1]).
std::vector<TensorSpec> MlpModel::input_specs() const {
  std::vector<TensorSpec> specs;
  int64_t numeric = 0;
  for (const Column& c : m_.schema.columns) numeric += c.categorical ? 0 : 1;
  if (numeric > 0) specs.push_back({kInputTensor, "FP32", {-1, numeric}});
  for (const Column& c : m_.schema.columns)
    if (c.categorical) specs.push_back({c.name, "BYTES", {-1, 1}});
  return specs;
}

std::vector<TensorSpec> MlpModel::output_specs() const {
  if (m_.schema.task == Task::kRegress) return {{"value", "FP32", {-1, 1}}};
  return {{"probabilities", "FP32", {-1, int64_t(m_.schema.labels.size())}}, {"label", "BYTES", {-1, 1}}};
}

Result<std::vector<TensorData>> MlpModel::infer(const std::vector<TensorData>& inputs) {
  const std::vector<TensorSpec> specs = input_specs();
  std::map<std::string, const TensorData*> given;
  for (const TensorData& t : inputs) {
    const bool known = std::any_of(specs.begin(), specs.end(), [&](const TensorSpec& s) { return s.name == t.name; });
    if (!known) {
      std::string names;
      for (const auto& s : specs) names += (names.empty() ? "" : ", ") + s.name;
      return invalid_argument("unexpected input tensor '{}' (the model takes: {})", t.name, names);
    }
    if (!given.emplace(t.name, &t).second) return invalid_argument("input tensor '{}' is given twice", t.name);
  }
  int64_t batch = -1;
  for (const TensorSpec& s : specs) {
    const auto it = given.find(s.name);
    if (it == given.end()) return invalid_argument("input tensor '{}' is missing", s.name);
    const TensorData& t = *it->second;
    if (t.datatype != s.datatype)
      return invalid_argument("input tensor '{}' has datatype {}, the model takes {}", s.name, t.datatype, s.datatype);
    if (t.shape.size() != 2 || t.shape[0] < 1 || t.shape[1] != s.shape[1])
      return invalid_argument("input tensor '{}' has shape {}, the model takes {} (batch first)", s.name,
                              shape_text(t.shape), shape_text(s.shape));
    if (batch >= 0 && t.shape[0] != batch)
      return invalid_argument("input tensor '{}' has batch {}, other inputs have {}", s.name, t.shape[0], batch);
    batch = t.shape[0];
    const size_t n = size_t(t.shape[0] * t.shape[1]);
    if ((s.datatype == "FP32" ? t.fp32.size() : t.bytes.size()) != n)
      return invalid_argument("input tensor '{}' has {} values, its shape {} needs {}", s.name,
                              s.datatype == "FP32" ? t.fp32.size() : t.bytes.size(), shape_text(t.shape), n);
  }
  // Rows as {column: value}, encoded as /v1/predictions encodes them.
  const int64_t d = m_.schema.features();
  std::vector<float> x(size_t(batch * d));
  const TensorData* numeric = given.count(kInputTensor) ? given.at(kInputTensor) : nullptr;
  for (int64_t r = 0; r < batch; ++r) {
    json row = json::object();
    int64_t ni = 0;
    for (const Column& c : m_.schema.columns) {
      if (c.categorical)
        row[c.name] = given.at(c.name)->bytes[size_t(r)];
      else
        row[c.name] = numeric->fp32[size_t(r * numeric->shape[1] + ni++)];
    }
    MAAS_RETURN_IF_ERROR(encode_object(m_.schema, row, fmt::format("row {}", r), x.data() + r * d));
  }
  const std::vector<float> out = run(x, batch);
  const int64_t k = m_.schema.outputs();
  if (m_.schema.task == Task::kRegress) {
    TensorData v{"value", "FP32", {batch, 1}, {}, {}};
    for (int64_t r = 0; r < batch; ++r)
      v.fp32.push_back(float(double(out[size_t(r)]) * m_.schema.target_std + m_.schema.target_mean));
    return std::vector<TensorData>{std::move(v)};
  }
  TensorData probs{"probabilities", "FP32", {batch, k}, out, {}};
  TensorData label{"label", "BYTES", {batch, 1}, {}, {}};
  for (int64_t r = 0; r < batch; ++r)
    label.bytes.push_back(m_.schema.labels[std::max_element(out.data() + r * k, out.data() + (r + 1) * k) - (out.data() + r * k)]);
  return std::vector<TensorData>{std::move(probs), std::move(label)};
}

// Integrated gradients from the training means x0 to x along the straight line, by the
// trapezoid rule over `steps` intervals (all points in one batched forward/backward):
// a_i = (x_i - x0_i) * mean over the path of dF/dx_i, summed per column. F is the
// probability of the explained label, or the predicted value. Completeness: the
// attributions add up to F(x) - F(x0).
Result<json> MlpModel::explain(const json& request) {
  if (!request.is_object()) return invalid_argument("the request must be an object");
  for (const auto& [key, value] : request.items())
    if (key != "input" && key != "steps" && key != "label")
      return invalid_argument("unknown field '{}' (known: input, steps, label)", key).with_field(key);
  if (!request.contains("input")) return invalid_argument("'input' is required: a row {{column: value}}").with_field("input");
  int64_t steps = 128;
  if (request.contains("steps")) {
    const json& v = request["steps"];
    if (!v.is_number_integer() || v.get<int64_t>() < 1 || v.get<int64_t>() > 4096)
      return invalid_argument("'steps' must be an integer in [1, 4096]").with_field("steps");
    steps = v.get<int64_t>();
  }
  const Schema& s = m_.schema;
  const int64_t d = s.features(), k = s.outputs();
  std::vector<float> x(static_cast<size_t>(d));
  MAAS_RETURN_IF_ERROR(encode_object(s, request["input"], "input", x.data()));

  // The path x0 + (j / steps)(x - x0), j = 0..steps.
  const int64_t n = steps + 1;
  std::vector<float> path(size_t(n * d));
  for (int64_t j = 0; j < n; ++j)
    for (int64_t i = 0; i < d; ++i)
      path[j * d + i] = s.baseline[i] + float(double(j) / double(steps)) * (x[i] - s.baseline[i]);
  Tape<float> tape;
  forward(m_.net, path.data(), n, tape, pool_.get());
  const float* out_x = tape.output().data() + steps * k;

  // Which output F is, and dF/d(output) on every row of the path.
  int64_t target = 0;
  double scale = 1.0;
  if (s.task == Task::kClassify) {
    target = std::max_element(out_x, out_x + k) - out_x;
    if (request.contains("label")) {
      if (!request["label"].is_string()) return invalid_argument("'label' must be a string").with_field("label");
      const std::string label = request["label"].get<std::string>();
      const auto it = std::find(s.labels.begin(), s.labels.end(), label);
      if (it == s.labels.end()) return invalid_argument("'label' '{}' is not one of the model's labels", label).with_field("label");
      target = it - s.labels.begin();
    }
  } else {
    scale = s.target_std;
  }
  std::vector<float> d_out(size_t(n * k), 0.0f), grad(size_t(n * d));
  for (int64_t j = 0; j < n; ++j) d_out[j * k + target] = float(scale);
  input_gradient(m_.net, tape, d_out.data(), grad.data(), pool_.get());

  auto value_of = [&](int64_t row) {
    const double v = tape.output()[size_t(row * k + target)];
    return s.task == Task::kClassify ? v : v * s.target_std + s.target_mean;
  };
  json attributions = json::object();
  double total = 0;
  int64_t feature = 0;
  for (const Column& c : s.columns) {
    double a = 0;
    for (int64_t w = 0; w < c.width(); ++w, ++feature) {
      double mean_grad = 0;
      for (int64_t j = 0; j < n; ++j)
        mean_grad += (j == 0 || j == steps ? 0.5 : 1.0) * grad[size_t(j * d + feature)] / double(steps);
      a += (double(x[feature]) - double(s.baseline[feature])) * mean_grad;
    }
    attributions[c.name] = a;
    total += a;
  }
  const double f_x = value_of(steps), f_base = value_of(0), diff = f_x - f_base;
  const double error = std::fabs(total - diff);
  json prediction = prediction_json(out_x);
  json out = {{"prediction", prediction},
              {"explained", s.task == Task::kClassify ? json{{"label", s.labels[target]}, {"output", f_x}}
                                                      : json{{"value", f_x}}},
              {"baseline_prediction", f_base},
              {"method", "integrated_gradients"},
              {"baseline", "training means"},
              {"steps", steps},
              {"attributions", attributions},
              {"completeness",
               {{"sum_of_attributions", total},
                {"prediction_minus_baseline", diff},
                {"absolute_error", error},
                {"within_1_percent", error <= 0.01 * std::max(std::fabs(diff), 1e-6)}}}};
  return out;
}

}  // namespace maas::nn

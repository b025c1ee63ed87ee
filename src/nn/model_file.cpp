#include "nn/model_file.h"

#include <cmath>
#include <cstring>

#include "llm/gguf/gguf.h"
#include "llm/gguf/gguf_writer.h"

namespace maas::nn {
namespace {

using llm::GgufFile;
using llm::GgufType;
using llm::GgufValue;
using llm::GgufWriter;

void set_float64_array(GgufWriter& w, const std::string& key, const std::vector<double>& v) {
  std::vector<GgufValue> items;
  for (double x : v) items.push_back(GgufValue{GgufType::kFloat64, x});
  w.set_value(key, llm::gguf_value_array(GgufType::kFloat64, std::move(items)));
}

std::string layer_key(size_t l, const char* part) { return "layer." + std::to_string(l) + "." + part; }

Result<std::vector<float>> read_f32(const GgufFile& file, const std::string& name, std::vector<uint64_t> dims) {
  const llm::GgufTensor* t = file.tensor(name);
  if (!t) return invalid_argument("{}: tensor '{}' is missing", file.path(), name);
  if (t->type != tensor::DType::kF32) return invalid_argument("{}: tensor '{}' must be F32", file.path(), name);
  if (t->dims != dims) {
    std::string want, got;
    for (auto d : dims) want += (want.empty() ? "" : ", ") + std::to_string(d);
    for (auto d : t->dims) got += (got.empty() ? "" : ", ") + std::to_string(d);
    return invalid_argument("{}: tensor '{}' has dims [{}], expected [{}]", file.path(), name, got, want);
  }
  std::vector<float> v(t->n_elements());
  std::memcpy(v.data(), t->data, v.size() * sizeof(float));
  for (float x : v)
    if (!std::isfinite(x)) return invalid_argument("{}: tensor '{}' holds a non-finite value", file.path(), name);
  return v;
}

}  // namespace

Status save_mlp(const std::string& path, const MlpArtifact& m) {
  const Schema& s = m.schema;
  GgufWriter w;
  w.set_string("general.architecture", kArchitecture);
  w.set_string("general.name", "mlp");
  w.set_string("mlp.task", task_name(s.task));
  w.set_string("mlp.hidden_activation", activation_name(m.net.hidden));
  w.set_string("mlp.output_activation", activation_name(m.net.output));
  w.set_uint32("mlp.layer_count", static_cast<uint32_t>(m.net.layers.size()));
  w.set_string("mlp.target", s.target);
  std::vector<std::string> names;
  std::vector<int32_t> categorical;
  std::vector<double> mean, std_dev;
  for (size_t c = 0; c < s.columns.size(); ++c) {
    const Column& col = s.columns[c];
    names.push_back(col.name);
    categorical.push_back(col.categorical ? 1 : 0);
    mean.push_back(col.mean);
    std_dev.push_back(col.std);
    if (col.categorical) w.set_string_array("mlp.input." + std::to_string(c) + ".categories", col.categories);
  }
  w.set_string_array("mlp.input.names", names);
  w.set_int32_array("mlp.input.categorical", categorical);
  set_float64_array(w, "mlp.input.mean", mean);
  set_float64_array(w, "mlp.input.std", std_dev);
  w.set_float32_array("mlp.baseline", s.baseline);
  if (s.task == Task::kClassify) w.set_string_array("mlp.labels", s.labels);
  w.set_float64("mlp.target_mean", s.target_mean);
  w.set_float64("mlp.target_std", s.target_std);
  w.set_string("mlp.train_options", m.train_options.dump());
  for (size_t l = 0; l < m.net.layers.size(); ++l) {
    const Dense<float>& d = m.net.layers[l];
    MAAS_RETURN_IF_ERROR(w.add_tensor_view(layer_key(l, "weight"), tensor::DType::kF32,
                                           {uint64_t(d.in), uint64_t(d.out)}, d.w.data(), d.w.size() * sizeof(float)));
    MAAS_RETURN_IF_ERROR(w.add_tensor_view(layer_key(l, "bias"), tensor::DType::kF32, {uint64_t(d.out)}, d.b.data(),
                                           d.b.size() * sizeof(float)));
  }
  return w.write(path);
}

Result<MlpArtifact> load_mlp(const GgufFile& file) {
  const std::string& p = file.path();
  MlpArtifact m;
  Schema& s = m.schema;
  MAAS_ASSIGN_OR_RETURN(std::string arch, file.get_string("general.architecture"));
  if (arch != kArchitecture) return invalid_argument("{}: general.architecture is '{}', not 'mlp'", p, arch);
  MAAS_ASSIGN_OR_RETURN(std::string task, file.get_string("mlp.task"));
  if (task != "classify" && task != "regress") return invalid_argument("{}: mlp.task '{}' is not classify|regress", p, task);
  s.task = task == "classify" ? Task::kClassify : Task::kRegress;
  MAAS_ASSIGN_OR_RETURN(std::string hidden, file.get_string("mlp.hidden_activation"));
  MAAS_ASSIGN_OR_RETURN(std::string output, file.get_string("mlp.output_activation"));
  const auto h = parse_activation(hidden), o = parse_activation(output);
  if (!h) return invalid_argument("{}: mlp.hidden_activation '{}' is unknown", p, hidden);
  if (!o) return invalid_argument("{}: mlp.output_activation '{}' is unknown", p, output);
  m.net.hidden = *h;
  m.net.output = *o;
  MAAS_ASSIGN_OR_RETURN(s.target, file.get_string("mlp.target"));
  MAAS_ASSIGN_OR_RETURN(std::vector<std::string> names, file.get_string_array("mlp.input.names"));
  MAAS_ASSIGN_OR_RETURN(std::vector<int64_t> categorical, file.get_int_array("mlp.input.categorical"));
  MAAS_ASSIGN_OR_RETURN(std::vector<double> mean, file.get_float_array("mlp.input.mean"));
  MAAS_ASSIGN_OR_RETURN(std::vector<double> std_dev, file.get_float_array("mlp.input.std"));
  if (names.empty()) return invalid_argument("{}: mlp.input.names is empty", p);
  if (categorical.size() != names.size() || mean.size() != names.size() || std_dev.size() != names.size())
    return invalid_argument("{}: mlp.input.* arrays differ in length ({} names)", p, names.size());
  for (size_t c = 0; c < names.size(); ++c) {
    Column col{names[c], categorical[c] != 0, mean[c], std_dev[c], {}};
    if (col.categorical) {
      MAAS_ASSIGN_OR_RETURN(col.categories, file.get_string_array("mlp.input." + std::to_string(c) + ".categories"));
      if (col.categories.empty()) return invalid_argument("{}: column '{}' has no categories", p, col.name);
    } else if (!std::isfinite(col.mean) || !(col.std > 0)) {
      return invalid_argument("{}: column '{}' has a bad mean/std", p, col.name);
    }
    s.columns.push_back(std::move(col));
  }
  if (s.task == Task::kClassify) {
    MAAS_ASSIGN_OR_RETURN(s.labels, file.get_string_array("mlp.labels"));
    if (s.labels.size() < 2) return invalid_argument("{}: mlp.labels needs at least two labels", p);
  }
  MAAS_ASSIGN_OR_RETURN(s.target_mean, file.get_float_or("mlp.target_mean", 0.0));
  MAAS_ASSIGN_OR_RETURN(s.target_std, file.get_float_or("mlp.target_std", 1.0));
  MAAS_ASSIGN_OR_RETURN(std::vector<double> baseline, file.get_float_array("mlp.baseline"));
  s.baseline.assign(baseline.begin(), baseline.end());
  if (int64_t(s.baseline.size()) != s.features())
    return invalid_argument("{}: mlp.baseline has {} values, the inputs encode to {}", p, s.baseline.size(), s.features());
  MAAS_ASSIGN_OR_RETURN(std::string options, file.get_string_or("mlp.train_options", "{}"));
  m.train_options = nlohmann::json::parse(options, nullptr, false);
  if (m.train_options.is_discarded()) m.train_options = nlohmann::json::object();

  MAAS_ASSIGN_OR_RETURN(uint64_t n_layers, file.get_uint("mlp.layer_count"));
  if (n_layers == 0 || n_layers > 64) return invalid_argument("{}: mlp.layer_count {} is out of range", p, n_layers);
  int64_t in = s.features();
  for (size_t l = 0; l < n_layers; ++l) {
    const llm::GgufTensor* t = file.tensor(layer_key(l, "weight"));
    if (!t || t->dims.size() != 2) return invalid_argument("{}: tensor '{}' is missing or not 2-D", p, layer_key(l, "weight"));
    Dense<float> d;
    d.in = in;
    d.out = int64_t(t->dims[1]);
    MAAS_ASSIGN_OR_RETURN(d.w, read_f32(file, layer_key(l, "weight"), {uint64_t(d.in), uint64_t(d.out)}));
    MAAS_ASSIGN_OR_RETURN(d.b, read_f32(file, layer_key(l, "bias"), {uint64_t(d.out)}));
    in = d.out;
    m.net.layers.push_back(std::move(d));
  }
  if (m.net.outputs() != s.outputs())
    return invalid_argument("{}: the last layer has {} outputs, the task needs {}", p, m.net.outputs(), s.outputs());
  return m;
}

Result<MlpArtifact> load_mlp(const std::string& path) {
  MAAS_ASSIGN_OR_RETURN(std::shared_ptr<GgufFile> file, GgufFile::open(path));
  return load_mlp(*file);
}

}  // namespace maas::nn

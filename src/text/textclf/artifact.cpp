#include "text/textclf/artifact.h"

#include <cmath>
#include <cstring>
#include <set>

#include "llm/gguf/gguf.h"
#include "llm/gguf/gguf_writer.h"
#include "text/textclf/labelled_texts.h"

namespace maas::text {
namespace {

using llm::GgufFile;
using llm::GgufTensor;
using tensor::DType;

// An F32 tensor of exactly `dims`, copied out of the mapping.
Result<std::vector<float>> read_f32(const GgufFile& file, const std::string& name, std::vector<uint64_t> dims) {
  const GgufTensor* t = file.tensor(name);
  if (!t) return invalid_argument("'{}' has no tensor '{}'", file.path(), name);
  if (t->type != DType::kF32) return invalid_argument("tensor '{}' must be F32", name);
  if (t->dims != dims) {
    std::string want, got;
    for (uint64_t d : dims) want += (want.empty() ? "" : " x ") + std::to_string(d);
    for (uint64_t d : t->dims) got += (got.empty() ? "" : " x ") + std::to_string(d);
    return invalid_argument("tensor '{}' is {} but the vocabulary and labels need {}", name, got, want);
  }
  std::vector<float> out(t->n_elements());
  std::memcpy(out.data(), t->data, out.size() * sizeof(float));
  for (float v : out)
    if (!std::isfinite(v)) return invalid_argument("tensor '{}' holds a value that is not finite", name);
  return out;
}

}  // namespace

Status save_text_classifier(const TextClassifier& model, const std::string& path) {
  const TfidfOptions& o = model.features.options();
  llm::GgufWriter w;
  w.set_string("general.architecture", kTextClfArchitecture);
  w.set_string_array("textclf.labels", model.labels);
  w.set_string_array("textclf.vocabulary", model.features.terms());
  w.set_uint32("textclf.ngram_min", static_cast<uint32_t>(o.ngram_min));
  w.set_uint32("textclf.ngram_max", static_cast<uint32_t>(o.ngram_max));
  w.set_uint32("textclf.char_ngram_min", static_cast<uint32_t>(o.char_min));
  w.set_uint32("textclf.char_ngram_max", static_cast<uint32_t>(o.char_max));
  w.set_bool("textclf.sublinear_tf", o.sublinear_tf);
  const uint64_t v = static_cast<uint64_t>(model.features.size()), k = model.labels.size();
  const std::vector<float>& idf = model.features.idf();
  MAAS_RETURN_IF_ERROR(w.add_tensor_view("idf", DType::kF32, {v}, idf.data(), idf.size() * sizeof(float)));
  MAAS_RETURN_IF_ERROR(w.add_tensor_view("weight", DType::kF32, {v, k}, model.linear.weight.data(),
                                         model.linear.weight.size() * sizeof(float)));
  MAAS_RETURN_IF_ERROR(w.add_tensor_view("bias", DType::kF32, {k}, model.linear.bias.data(),
                                         model.linear.bias.size() * sizeof(float)));
  return w.write(path);
}

Result<TextClassifier> load_text_classifier(const std::string& path) {
  MAAS_ASSIGN_OR_RETURN(std::shared_ptr<GgufFile> file, GgufFile::open(path));
  MAAS_ASSIGN_OR_RETURN(std::string arch, file->get_string("general.architecture"));
  if (arch != kTextClfArchitecture)
    return invalid_argument("'{}' is a '{}' model, not a text classifier", path, arch);

  TextClassifier m;
  MAAS_ASSIGN_OR_RETURN(m.labels, file->get_string_array("textclf.labels"));
  if (m.labels.size() < 2) return invalid_argument("textclf.labels must name at least two labels");
  for (const auto& label : m.labels)
    if (!is_valid_utf8(label)) return invalid_argument("textclf.labels holds a label that is not valid UTF-8");
  if (std::set<std::string>(m.labels.begin(), m.labels.end()).size() != m.labels.size())
    return invalid_argument("textclf.labels names a label twice");
  MAAS_ASSIGN_OR_RETURN(std::vector<std::string> terms, file->get_string_array("textclf.vocabulary"));
  TfidfOptions o;
  MAAS_ASSIGN_OR_RETURN(uint64_t n_min, file->get_uint("textclf.ngram_min"));
  MAAS_ASSIGN_OR_RETURN(uint64_t n_max, file->get_uint("textclf.ngram_max"));
  if (n_min < 1 || n_max < n_min || n_max > 16)
    return invalid_argument("textclf.ngram_min/max ({}, {}) are not a valid n-gram range", n_min, n_max);
  o.ngram_min = static_cast<int>(n_min);
  o.ngram_max = static_cast<int>(n_max);
  MAAS_ASSIGN_OR_RETURN(uint64_t c_min, file->get_uint_or("textclf.char_ngram_min", 0));
  MAAS_ASSIGN_OR_RETURN(uint64_t c_max, file->get_uint_or("textclf.char_ngram_max", 0));
  if (c_max > 16 || (c_min > 0 && c_max < c_min))
    return invalid_argument("textclf.char_ngram_min/max ({}, {}) are not a valid range", c_min, c_max);
  o.char_min = static_cast<int>(c_min);
  o.char_max = static_cast<int>(c_max);
  MAAS_ASSIGN_OR_RETURN(o.sublinear_tf, file->get_bool_or("textclf.sublinear_tf", false));

  const uint64_t v = terms.size(), k = m.labels.size();
  MAAS_ASSIGN_OR_RETURN(std::vector<float> idf, read_f32(*file, "idf", {v}));
  MAAS_ASSIGN_OR_RETURN(m.linear.weight, read_f32(*file, "weight", {v, k}));
  MAAS_ASSIGN_OR_RETURN(m.linear.bias, read_f32(*file, "bias", {k}));
  m.linear.classes = static_cast<int64_t>(k);
  m.linear.features = static_cast<int64_t>(v);
  auto features = TfidfVectorizer::from_parts(o, std::move(terms), std::move(idf));
  if (!features.is_ok()) return features.status().with_context("'" + path + "'");
  m.features = std::move(features).value();
  return m;
}

}  // namespace maas::text

// The GGUF file of a trained model: general.architecture "word2vec", the vocabulary as
// a string array, counts as an int64 array, the tokenizer rules and training
// parameters under "word2vec.*", and the vectors as one F32 tensor (dim x words).
#include <cstring>

#include "llm/gguf/gguf.h"
#include "llm/gguf/gguf_writer.h"
#include "text/word2vec/formats.h"

namespace maas::text::word2vec {
namespace {

constexpr const char* kVectorsTensor = "word2vec.vectors";

// Training parameters are stored as "word2vec.param.<name>" strings of their JSON.
constexpr std::string_view kParamPrefix = "word2vec.param.";

}  // namespace

Result<VectorModel> read_gguf_vectors(const std::string& path) {
  MAAS_ASSIGN_OR_RETURN(std::shared_ptr<llm::GgufFile> file, llm::GgufFile::open(path));
  MAAS_ASSIGN_OR_RETURN(std::string arch, file->get_string("general.architecture"));
  if (arch != kArchitecture) return data_loss("{}: general.architecture is '{}', not 'word2vec'", path, arch);
  MAAS_ASSIGN_OR_RETURN(std::vector<std::string> words, file->get_string_array("word2vec.vocab"));
  MAAS_ASSIGN_OR_RETURN(uint64_t dim, file->get_uint("word2vec.dim"));
  const llm::GgufTensor* t = file->tensor(kVectorsTensor);
  if (!t) return data_loss("{}: no tensor '{}'", path, kVectorsTensor);
  if (t->type != tensor::DType::kF32 || t->dims.size() != 2 || t->dims[0] != dim || t->dims[1] != words.size())
    return data_loss("{}: tensor '{}' must be F32 of shape [{}, {}] (dim, words)", path, kVectorsTensor, dim,
                     words.size());
  for (size_t i = 0; i < words.size(); ++i)
    if (!is_valid_utf8(words[i])) return data_loss("{}: word {} of word2vec.vocab is not valid UTF-8", path, i + 1);
  VectorModel m;
  Result<WordVectors> v = WordVectors::create(std::move(words), static_cast<int64_t>(dim));
  if (!v.is_ok()) return v.status().with_context(path);
  m.vectors = std::move(v).value();
  const auto* src = reinterpret_cast<const float*>(t->data);
  for (int64_t i = 0; i < m.vectors.size(); ++i)
    std::memcpy(m.vectors.row(i), src + i * static_cast<int64_t>(dim), dim * sizeof(float));
  if (file->has("word2vec.counts")) {
    MAAS_ASSIGN_OR_RETURN(std::vector<int64_t> counts, file->get_int_array("word2vec.counts"));
    if (counts.size() != static_cast<size_t>(m.vectors.size()))
      return data_loss("{}: word2vec.counts has {} entries for {} words", path, counts.size(), m.vectors.size());
    m.vectors.set_counts(std::move(counts));
  }
  MAAS_ASSIGN_OR_RETURN(std::string split, file->get_string_or("word2vec.split", "whitespace"));
  if (split != "letters" && split != "whitespace")
    return data_loss("{}: word2vec.split is '{}', expected 'letters' or 'whitespace'", path, split);
  m.rules.letters_only = split == "letters";
  MAAS_ASSIGN_OR_RETURN(m.rules.lowercase, file->get_bool_or("word2vec.lowercase", false));
  for (const auto& [key, value] : file->metadata()) {
    if (key.rfind(kParamPrefix, 0) != 0 || value.type != llm::GgufType::kString) continue;
    m.params[key.substr(kParamPrefix.size())] =
        nlohmann::json::parse(std::get<std::string>(value.v), nullptr, /*allow_exceptions=*/false);
  }
  return m;
}

Status write_gguf_vectors(const VectorModel& m, const std::string& path) {
  const WordVectors& v = m.vectors;
  llm::GgufWriter w;
  w.set_string("general.architecture", kArchitecture);
  w.set_uint32("word2vec.dim", static_cast<uint32_t>(v.dim()));
  w.set_string_array("word2vec.vocab", v.words());
  if (!v.counts().empty()) {
    std::vector<llm::GgufValue> counts;
    counts.reserve(v.counts().size());
    for (int64_t c : v.counts()) counts.push_back(llm::GgufValue{llm::GgufType::kInt64, c});
    w.set_value("word2vec.counts", llm::gguf_value_array(llm::GgufType::kInt64, std::move(counts)));
  }
  w.set_string("word2vec.split", m.rules.split_name());
  w.set_bool("word2vec.lowercase", m.rules.lowercase);
  for (const auto& [key, value] : m.params.items()) w.set_string(std::string(kParamPrefix) + key, value.dump());
  std::vector<uint8_t> packed(static_cast<size_t>(v.size() * v.dim()) * sizeof(float));
  for (int64_t i = 0; i < v.size(); ++i)
    std::memcpy(packed.data() + i * v.dim() * sizeof(float), v.row(i), v.dim() * sizeof(float));
  MAAS_RETURN_IF_ERROR(w.add_tensor(kVectorsTensor, tensor::DType::kF32,
                                    {static_cast<uint64_t>(v.dim()), static_cast<uint64_t>(v.size())},
                                    std::move(packed)));
  return w.write(path);
}

}  // namespace maas::text::word2vec

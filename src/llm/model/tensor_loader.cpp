#include "llm/model/tensor_loader.h"

#include <fmt/format.h>

#include "llm/gguf/gguf.h"

namespace maas::llm {
namespace {

std::string dims_text(const std::vector<uint64_t>& dims) {
  std::string s = "[";
  for (size_t i = 0; i < dims.size(); ++i) s += (i ? ", " : "") + std::to_string(dims[i]);
  return s + "]";
}

Status check_type(const GgufTensor& t, int64_t cols) {
  const tensor::DTypeInfo& info = tensor::dtype_info(t.type);
  if (!info.supported || !tensor::matmul_supports(t.type))
    return Status(Code::kUnimplemented,
                  fmt::format("tensor '{}' has type {}, which maas cannot compute with", t.name, info.name));
  if (cols % static_cast<int64_t>(info.block_size) != 0)
    return invalid_argument("tensor '{}': row length {} is not a multiple of the {} block size {}", t.name, cols,
                            info.name, info.block_size);
  return Status::ok();
}

}  // namespace

std::string layer_tensor(int layer, const char* suffix) { return fmt::format("blk.{}.{}", layer, suffix); }

Result<std::optional<tensor::Matrix>> TensorLoader::optional_matrix(const std::string& name, int64_t rows,
                                                                    int64_t cols) const {
  const GgufTensor* t = file_.tensor(name);
  if (!t) return std::optional<tensor::Matrix>();
  bool shape_ok = t->dims.size() == 2 && t->dims[0] == static_cast<uint64_t>(cols) &&
                  t->dims[1] == static_cast<uint64_t>(rows);
  if (!shape_ok)
    return invalid_argument("tensor '{}' has shape {}, expected [{}, {}]", name, dims_text(t->dims), cols, rows);
  MAAS_RETURN_IF_ERROR(check_type(*t, cols));
  return std::optional<tensor::Matrix>(tensor::Matrix{t->data, t->type, rows, cols});
}

Result<tensor::Matrix> TensorLoader::matrix(const std::string& name, int64_t rows, int64_t cols) const {
  MAAS_ASSIGN_OR_RETURN(std::optional<tensor::Matrix> m, optional_matrix(name, rows, cols));
  if (!m) return invalid_argument("missing tensor '{}' (expected shape [{}, {}])", name, cols, rows);
  return *m;
}

Result<std::vector<float>> TensorLoader::optional_vector(const std::string& name, int64_t n) const {
  const GgufTensor* t = file_.tensor(name);
  if (!t) return std::vector<float>();
  if (t->dims.size() != 1 || t->dims[0] != static_cast<uint64_t>(n))
    return invalid_argument("tensor '{}' has shape {}, expected [{}]", name, dims_text(t->dims), n);
  MAAS_RETURN_IF_ERROR(check_type(*t, n));
  std::vector<float> out(static_cast<size_t>(n));
  tensor::dequantize(t->data, t->type, n, out.data());
  return out;
}

Result<std::vector<float>> TensorLoader::vector(const std::string& name, int64_t n) const {
  if (!file_.tensor(name)) return invalid_argument("missing tensor '{}' (expected shape [{}])", name, n);
  return optional_vector(name, n);
}

Result<int64_t> TensorLoader::rows_of(const std::string& name) const {
  const GgufTensor* t = file_.tensor(name);
  if (!t) return invalid_argument("missing tensor '{}'", name);
  if (t->dims.size() != 2 || t->dims[1] == 0 || t->dims[1] > (1ull << 31))
    return invalid_argument("tensor '{}' has shape {}, expected 2 dimensions", name, dims_text(t->dims));
  return static_cast<int64_t>(t->dims[1]);
}

}  // namespace maas::llm

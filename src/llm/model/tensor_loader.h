// Looks tensors up by name and checks them: present, the expected shape, a type maas
// can compute with. Errors name the tensor and what was expected.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "tensor/ops.h"

namespace maas::llm {

class GgufFile;

class TensorLoader {
 public:
  explicit TensorLoader(const GgufFile& file) : file_(file) {}

  // A 2-D weight of `rows` rows by `cols` (GGUF dims {cols, rows}).
  Result<tensor::Matrix> matrix(const std::string& name, int64_t rows, int64_t cols) const;
  // nullopt when the tensor is absent; an error when present but wrong.
  Result<std::optional<tensor::Matrix>> optional_matrix(const std::string& name, int64_t rows,
                                                        int64_t cols) const;
  // A 1-D tensor of n values, converted to floats.
  Result<std::vector<float>> vector(const std::string& name, int64_t n) const;
  Result<std::vector<float>> optional_vector(const std::string& name, int64_t n) const;  // empty if absent

  // The second dimension of a 2-D tensor (e.g. n_vocab from token_embd).
  Result<int64_t> rows_of(const std::string& name) const;

 private:
  const GgufFile& file_;
};

// "blk.3.attn_q.weight" from ("attn_q.weight", 3).
std::string layer_tensor(int layer, const char* suffix);

}  // namespace maas::llm

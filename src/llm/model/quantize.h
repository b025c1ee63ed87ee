// Rewrites a GGUF model with its weight matrices in another type (`maas quantize`).
// 1-D tensors (norms, biases) stay F32. With q4_0 the output matrix (the embeddings
// when tied) goes to Q6_K, the quality-sensitive one, as llama.cpp does. Metadata is
// copied and general.file_type updated; the output appears atomically or not at all.
#pragma once

#include <cstdint>
#include <string>

#include "core/status.h"
#include "tensor/dtype.h"

namespace maas::llm {

struct QuantizeReport {
  int64_t tensors = 0;
  int64_t quantized = 0;  // 2-D tensors converted
  uint64_t bytes_in = 0;  // tensor data
  uint64_t bytes_out = 0;
};

// `type`: f32, f16, q8_0 or q4_0. `threads` 0 = all cores.
Result<QuantizeReport> quantize_model(const std::string& in_path, const std::string& out_path, tensor::DType type,
                                      int threads = 0);

// llama.cpp's general.file_type value for a model mostly of `type`.
Result<uint32_t> gguf_file_type(tensor::DType type);

}  // namespace maas::llm

// A plain reference forward pass for llama / qwen2 GGUF models, written independently
// of the engine and as simply as possible: float64 everywhere, weights dequantized to
// doubles up front, one sequence, one token at a time, no batching, no threads.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"

namespace maas::testing {

// Logits for every position of `tokens` (positions 0, 1, ...).
Result<std::vector<std::vector<double>>> reference_logits(const std::string& gguf_path,
                                                          const std::vector<int32_t>& tokens);

}  // namespace maas::testing

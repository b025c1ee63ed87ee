// Capability: texts (or words, or token ids) in, vectors out. Served at /v1/embeddings
// for every family that offers it (llm: pooled hidden states; word2vec: word vectors).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/status.h"

namespace maas {

struct EmbedInput {
  std::string text;              // when !is_tokens
  std::vector<int32_t> tokens;   // when is_tokens (families without token ids refuse: 400)
  bool is_tokens = false;
};

struct EmbedResult {
  std::vector<std::vector<float>> vectors;  // one per input
  int64_t tokens = 0;                       // tokens (or words) read, for usage
  // Per input, the words the model did not know (families with a vocabulary).
  std::vector<std::vector<std::string>> unknown;
};

class Embedder {
 public:
  static constexpr const char* kName = "embeddings";
  virtual ~Embedder() = default;
  virtual int64_t dimensions() const = 0;
  // `options`: the request's family-specific fields (e.g. {"sif": true}); unknown ones
  // are refused by the family (400 naming the field).
  virtual Result<EmbedResult> embed(const std::vector<EmbedInput>& inputs, const nlohmann::json& options) = 0;
};

}  // namespace maas

#include "helpers/model_random.h"

#include <fmt/format.h>

#include <cmath>
#include <random>
#include <vector>

#include "llm/gguf/gguf_writer.h"
#include "tensor/ops.h"

namespace maas::testing {
namespace {

class WeightMaker {
 public:
  explicit WeightMaker(uint64_t seed) : rng_(seed) {}

  // Uniform in [center - spread, center + spread].
  std::vector<float> values(size_t n, float center, float spread) {
    std::uniform_real_distribution<float> u(-spread, spread);
    std::vector<float> v(n);
    for (float& x : v) x = center + u(rng_);
    return v;
  }

 private:
  std::mt19937_64 rng_;
};

std::vector<uint8_t> encode(const std::vector<float>& v, tensor::DType type, int64_t row) {
  std::vector<uint8_t> bytes(tensor::row_bytes(type, v.size()));
  const size_t rb = tensor::row_bytes(type, static_cast<size_t>(row));
  for (size_t r = 0; r * static_cast<size_t>(row) < v.size(); ++r)
    tensor::quantize_row(v.data() + r * static_cast<size_t>(row), type, row, bytes.data() + r * rb);
  return bytes;
}

}  // namespace

Status write_random_model(const std::string& path, const RandomModelSpec& s) {
  using tensor::DType;
  llm::GgufWriter w;
  const std::string a = s.arch;
  const int head_dim = s.n_embd / s.n_head;
  w.set_string("general.architecture", a);
  w.set_string("general.name", "random-" + a);
  w.set_uint32(a + ".embedding_length", static_cast<uint32_t>(s.n_embd));
  w.set_uint32(a + ".block_count", static_cast<uint32_t>(s.n_layer));
  w.set_uint32(a + ".attention.head_count", static_cast<uint32_t>(s.n_head));
  w.set_uint32(a + ".attention.head_count_kv", static_cast<uint32_t>(s.n_head_kv));
  w.set_uint32(a + ".feed_forward_length", static_cast<uint32_t>(s.n_ff));
  w.set_uint32(a + ".context_length", static_cast<uint32_t>(s.n_ctx));
  w.set_uint32(a + ".rope.dimension_count", static_cast<uint32_t>(s.n_rot ? s.n_rot : head_dim));
  w.set_float32(a + ".rope.freq_base", a == "qwen2" ? 1000000.0f : 10000.0f);
  w.set_float32(a + ".attention.layer_norm_rms_epsilon", 1e-6f);

  std::vector<std::string> tokens = {"<unk>", "<s>", "</s>"};
  std::vector<float> scores = {0, 0, 0};
  std::vector<int32_t> types = {2, 3, 3};
  for (int b = 0; b < 256 && static_cast<int>(tokens.size()) < s.n_vocab; ++b) {
    tokens.push_back(fmt::format("<0x{:02X}>", b));
    scores.push_back(0);
    types.push_back(6);
  }
  while (static_cast<int>(tokens.size()) < s.n_vocab) {
    tokens.push_back(fmt::format("\xE2\x96\x81w{}", tokens.size()));
    scores.push_back(-static_cast<float>(tokens.size()));
    types.push_back(1);
  }
  w.set_string("tokenizer.ggml.model", "llama");
  w.set_string_array("tokenizer.ggml.tokens", tokens);
  w.set_float32_array("tokenizer.ggml.scores", scores);
  w.set_int32_array("tokenizer.ggml.token_type", types);
  w.set_uint32("tokenizer.ggml.unknown_token_id", 0);
  w.set_uint32("tokenizer.ggml.bos_token_id", 1);
  w.set_uint32("tokenizer.ggml.eos_token_id", 2);

  WeightMaker make(s.seed);
  const uint64_t d = static_cast<uint64_t>(s.n_embd), q = static_cast<uint64_t>(s.n_head * head_dim),
                 kv = static_cast<uint64_t>(s.n_head_kv * head_dim), ff = static_cast<uint64_t>(s.n_ff),
                 vocab = static_cast<uint64_t>(s.n_vocab);
  auto matrix = [&](const std::string& name, uint64_t rows, uint64_t cols, DType type) {
    const float spread = 1.7f / std::sqrt(static_cast<float>(cols));
    return w.add_tensor(name, type, {cols, rows},
                        encode(make.values(rows * cols, 0, spread), type, static_cast<int64_t>(cols)));
  };
  auto vector = [&](const std::string& name, uint64_t n, float center, float spread) {
    return w.add_tensor(name, DType::kF32, {n}, encode(make.values(n, center, spread), DType::kF32, 1));
  };
  MAAS_RETURN_IF_ERROR(matrix("token_embd.weight", vocab, d, s.type));
  MAAS_RETURN_IF_ERROR(vector("output_norm.weight", d, 1.0f, 0.2f));
  if (!s.tied) MAAS_RETURN_IF_ERROR(matrix("output.weight", vocab, d, s.type));
  for (int l = 0; l < s.n_layer; ++l) {
    auto name = [&](const char* suffix) { return fmt::format("blk.{}.{}", l, suffix); };
    MAAS_RETURN_IF_ERROR(vector(name("attn_norm.weight"), d, 1.0f, 0.2f));
    MAAS_RETURN_IF_ERROR(matrix(name("attn_q.weight"), q, d, s.type));
    MAAS_RETURN_IF_ERROR(matrix(name("attn_k.weight"), kv, d, s.type));
    MAAS_RETURN_IF_ERROR(matrix(name("attn_v.weight"), kv, d, s.type));
    if (a == "qwen2") {
      MAAS_RETURN_IF_ERROR(vector(name("attn_q.bias"), q, 0.0f, 0.5f));
      MAAS_RETURN_IF_ERROR(vector(name("attn_k.bias"), kv, 0.0f, 0.5f));
      MAAS_RETURN_IF_ERROR(vector(name("attn_v.bias"), kv, 0.0f, 0.5f));
    }
    MAAS_RETURN_IF_ERROR(matrix(name("attn_output.weight"), d, q, s.type));
    MAAS_RETURN_IF_ERROR(vector(name("ffn_norm.weight"), d, 1.0f, 0.2f));
    MAAS_RETURN_IF_ERROR(matrix(name("ffn_gate.weight"), ff, d, s.type));
    MAAS_RETURN_IF_ERROR(matrix(name("ffn_up.weight"), ff, d, s.type));
    MAAS_RETURN_IF_ERROR(matrix(name("ffn_down.weight"), d, ff, s.type));
  }
  return w.write(path);
}

}  // namespace maas::testing

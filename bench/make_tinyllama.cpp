// Writes a TinyLlama-1.1B-shaped llama GGUF with random F16 weights, for `maas bench`:
// dim 2048, 22 layers, 32 heads (4 KV heads), FFN 5632, vocabulary 32000 (a valid
// SentencePiece vocabulary: <unk> <s> </s>, the 256 byte tokens, then letter strings).
//
//   build/bench_make_tinyllama /work/models-tmp/tinyllama-f16.gguf
//   build/maas quantize /work/models-tmp/tinyllama-f16.gguf /work/models-tmp/tinyllama-q8_0.gguf --type q8_0
#include <fmt/format.h>

#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "llm/gguf/gguf_writer.h"
#include "tensor/fp16.h"

namespace {

using maas::tensor::DType;

constexpr uint64_t kDim = 2048, kLayers = 22, kHeads = 32, kKvHeads = 4, kFfn = 5632, kVocab = 32000, kCtx = 2048;

// xorshift64*: fast, deterministic random bits.
class Random {
 public:
  explicit Random(uint64_t seed) : s_(seed | 1) {}
  float uniform() {  // in [-1, 1)
    s_ ^= s_ >> 12;
    s_ ^= s_ << 25;
    s_ ^= s_ >> 27;
    return static_cast<float>((s_ * 0x2545F4914F6CDD1DULL) >> 40) / 8388608.0f - 1.0f;
  }

 private:
  uint64_t s_;
};

// rows x cols F16 values uniform in +-1.7/sqrt(cols) (activations keep their scale).
std::vector<uint8_t> f16_matrix(uint64_t rows, uint64_t cols, Random& rng) {
  std::vector<uint8_t> bytes(rows * cols * 2);
  auto* h = reinterpret_cast<uint16_t*>(bytes.data());
  const float spread = 1.7f / std::sqrt(static_cast<float>(cols));
  for (uint64_t i = 0; i < rows * cols; ++i) h[i] = maas::tensor::fp32_to_fp16(rng.uniform() * spread);
  return bytes;
}

std::vector<uint8_t> f32_ones(uint64_t n) {
  std::vector<float> v(n, 1.0f);
  return {reinterpret_cast<uint8_t*>(v.data()), reinterpret_cast<uint8_t*>(v.data() + n)};
}

void vocabulary(maas::llm::GgufWriter& w) {
  std::vector<std::string> tokens = {"<unk>", "<s>", "</s>"};
  std::vector<int32_t> types = {2, 3, 3};
  for (int b = 0; b < 256; ++b) {
    tokens.push_back(fmt::format("<0x{:02X}>", b));
    types.push_back(6);
  }
  // Then "▁a".."▁z", "a".."z", "▁aa".., "aa".., ... until the vocabulary is full.
  const std::string space = "\xE2\x96\x81";
  for (size_t len = 1; tokens.size() < kVocab; ++len) {
    size_t count = 1;
    for (size_t i = 0; i < len; ++i) count *= 26;
    for (const std::string& prefix : {space, std::string()}) {
      for (size_t k = 0; k < count && tokens.size() < kVocab; ++k) {
        std::string word(len, 'a');
        for (size_t i = 0, x = k; i < len; ++i, x /= 26) word[len - 1 - i] = static_cast<char>('a' + x % 26);
        tokens.push_back(prefix + word);
        types.push_back(1);
      }
    }
  }
  std::vector<float> scores(tokens.size());
  for (size_t i = 0; i < scores.size(); ++i) scores[i] = i < 259 ? 0.0f : -static_cast<float>(i);
  w.set_string("tokenizer.ggml.model", "llama");
  w.set_string_array("tokenizer.ggml.tokens", tokens);
  w.set_float32_array("tokenizer.ggml.scores", scores);
  w.set_int32_array("tokenizer.ggml.token_type", types);
  w.set_uint32("tokenizer.ggml.unknown_token_id", 0);
  w.set_uint32("tokenizer.ggml.bos_token_id", 1);
  w.set_uint32("tokenizer.ggml.eos_token_id", 2);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s OUT.gguf\n", argv[0]);
    return 2;
  }
  maas::llm::GgufWriter w;
  w.set_string("general.architecture", "llama");
  w.set_string("general.name", "tinyllama-shaped random weights");
  w.set_uint32("general.file_type", 1);  // mostly F16
  w.set_uint32("llama.context_length", kCtx);
  w.set_uint32("llama.embedding_length", kDim);
  w.set_uint32("llama.block_count", kLayers);
  w.set_uint32("llama.feed_forward_length", kFfn);
  w.set_uint32("llama.attention.head_count", kHeads);
  w.set_uint32("llama.attention.head_count_kv", kKvHeads);
  w.set_uint32("llama.rope.dimension_count", kDim / kHeads);
  w.set_float32("llama.rope.freq_base", 10000.0f);
  w.set_float32("llama.attention.layer_norm_rms_epsilon", 1e-5f);
  vocabulary(w);

  Random rng(2024);
  const uint64_t kv = kDim / kHeads * kKvHeads;
  auto check = [](const maas::Status& s) {
    if (!s.is_ok()) {
      std::fprintf(stderr, "make_tinyllama: %s\n", s.message().c_str());
      std::exit(1);
    }
  };
  auto matrix = [&](const std::string& name, uint64_t rows, uint64_t cols) {
    check(w.add_tensor(name, DType::kF16, {cols, rows}, f16_matrix(rows, cols, rng)));
  };
  matrix("token_embd.weight", kVocab, kDim);
  check(w.add_tensor("output_norm.weight", DType::kF32, {kDim}, f32_ones(kDim)));
  matrix("output.weight", kVocab, kDim);
  for (uint64_t l = 0; l < kLayers; ++l) {
    auto name = [&](const char* suffix) { return fmt::format("blk.{}.{}", l, suffix); };
    check(w.add_tensor(name("attn_norm.weight"), DType::kF32, {kDim}, f32_ones(kDim)));
    matrix(name("attn_q.weight"), kDim, kDim);
    matrix(name("attn_k.weight"), kv, kDim);
    matrix(name("attn_v.weight"), kv, kDim);
    matrix(name("attn_output.weight"), kDim, kDim);
    check(w.add_tensor(name("ffn_norm.weight"), DType::kF32, {kDim}, f32_ones(kDim)));
    matrix(name("ffn_gate.weight"), kFfn, kDim);
    matrix(name("ffn_up.weight"), kFfn, kDim);
    matrix(name("ffn_down.weight"), kDim, kFfn);
  }
  check(w.write(argv[1]));
  std::printf("wrote %s (%zu tensors)\n", argv[1], w.tensor_count());
  return 0;
}

// quantize_model: types chosen per tensor, metadata kept, and the result loads and runs
// close to the original.
#include <gtest/gtest.h>

#include <cmath>

#include "helpers/gguf_test_files.h"
#include "helpers/model_random.h"
#include "llm/gguf/gguf.h"
#include "llm/model/model.h"
#include "llm/model/quantize.h"
#include "llm/runtime/generate.h"
#include "tensor/kernels/kernels.h"

namespace maas::llm {
namespace {

using tensor::DType;

std::vector<float> last_logits(const std::string& path, const std::vector<int32_t>& tokens,
                               const ModelOptions& options = {}) {
  auto m = Model::load(path, options);
  EXPECT_TRUE(m.is_ok()) << m.status().to_string();
  if (!m.is_ok()) return {};
  auto cache = (*m)->make_cache({1, 32});
  auto r = (*m)->forward({{{*cache->allocate(), tokens, 0, false}}}, *cache);
  EXPECT_TRUE(r.is_ok());
  return {r->last_logits(0).begin(), r->last_logits(0).end()};
}

double relative_error(const std::vector<float>& a, const std::vector<float>& b) {
  double err = 0, scale = 0;
  for (size_t i = 0; i < b.size(); ++i) {
    err = std::max(err, static_cast<double>(std::fabs(a[i] - b[i])));
    scale = std::max(scale, static_cast<double>(std::fabs(b[i])));
  }
  return err / scale;
}

class ModelQuantize : public ::testing::Test {
 protected:
  void SetUp() override {
    spec_.n_embd = 256;  // rows of 256: Q6_K fits the output matrix
    spec_.n_ff = 512;
    spec_.n_head = 8;
    spec_.n_head_kv = 4;
    ASSERT_TRUE(testing::write_random_model(dir_.file("f32.gguf"), spec_).is_ok());
  }
  testing::RandomModelSpec spec_;
  testing::GgufTempDir dir_;
  const std::vector<int32_t> tokens_ = {1, 20, 30, 40, 50};
};

TEST_F(ModelQuantize, Q8_0RoundTrip) {
  auto report = quantize_model(dir_.file("f32.gguf"), dir_.file("q8.gguf"), DType::kQ8_0);
  ASSERT_TRUE(report.is_ok()) << report.status().to_string();
  EXPECT_EQ(report->quantized, 2 + 7 * spec_.n_layer);
  auto f = GgufFile::open(dir_.file("q8.gguf"));
  ASSERT_TRUE(f.is_ok());
  EXPECT_EQ((*f)->tensor("blk.0.attn_q.weight")->type, DType::kQ8_0);
  EXPECT_EQ((*f)->tensor("output.weight")->type, DType::kQ8_0);
  EXPECT_EQ((*f)->tensor("blk.0.attn_norm.weight")->type, DType::kF32);
  EXPECT_EQ(*(*f)->get_uint("general.file_type"), 7u);
  EXPECT_EQ(*(*f)->get_string("tokenizer.ggml.model"), "llama");
  EXPECT_EQ((*f)->get_string_array("tokenizer.ggml.tokens")->size(), 96u);
  EXPECT_LE(relative_error(last_logits(dir_.file("q8.gguf"), tokens_), last_logits(dir_.file("f32.gguf"), tokens_)),
            5e-2);
}

TEST_F(ModelQuantize, Q4_0PutsTheOutputMatrixInQ6_K) {
  ASSERT_TRUE(quantize_model(dir_.file("f32.gguf"), dir_.file("q4.gguf"), DType::kQ4_0).is_ok());
  auto f = GgufFile::open(dir_.file("q4.gguf"));
  ASSERT_TRUE(f.is_ok());
  EXPECT_EQ((*f)->tensor("blk.1.ffn_down.weight")->type, DType::kQ4_0);
  EXPECT_EQ((*f)->tensor("token_embd.weight")->type, DType::kQ4_0);
  EXPECT_EQ((*f)->tensor("output.weight")->type, DType::kQ6_K);
  EXPECT_EQ(*(*f)->get_uint("general.file_type"), 2u);
  // 4-bit weights (16 levels per block) on uniform random weights move the logits by
  // about a fifth of the largest one; the kernels themselves are checked in ModelReference.
  EXPECT_LE(relative_error(last_logits(dir_.file("q4.gguf"), tokens_), last_logits(dir_.file("f32.gguf"), tokens_)),
            0.35);

  // Quantized twice (from F16) still loads and generates.
  ASSERT_TRUE(quantize_model(dir_.file("f32.gguf"), dir_.file("f16.gguf"), DType::kF16).is_ok());
  ASSERT_TRUE(quantize_model(dir_.file("f16.gguf"), dir_.file("q4b.gguf"), DType::kQ4_0).is_ok());
  auto m = Model::load(dir_.file("q4b.gguf"));
  ASSERT_TRUE(m.is_ok()) << m.status().to_string();
  GenerateParams p;
  p.max_tokens = 8;
  p.sampling.seed = 3;
  p.ignore_eos = true;
  auto r = generate(**m, tokens_, p, [](int32_t) { return std::string("x"); });
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_EQ(r->tokens.size(), 8u);
}

// Q4_0, Q8_0 and Q4_K matrices are packed at load (tensor/quant/packed.h); the packed and the
// file layouts compute the same products (same int8 activations, other summation order).
TEST_F(ModelQuantize, PackedWeightsGiveTheSameLogits) {
  for (DType type : {DType::kQ4_0, DType::kQ8_0, DType::kQ4_K}) {
    const std::string path = dir_.file(std::string(tensor::dtype_info(type).name) + ".gguf");
    ASSERT_TRUE(quantize_model(dir_.file("f32.gguf"), path, type).is_ok());
    ModelOptions unpacked;
    unpacked.pack_weights = false;
    auto packed_model = Model::load(path);
    auto plain_model = Model::load(path, unpacked);
    ASSERT_TRUE(packed_model.is_ok() && plain_model.is_ok());
    if (tensor::kernels().isa != tensor::Isa::kAvx2) {  // AVX2 has no packed kernels
      // at least the three feed-forward matrices of each layer are packed, at >= 4.5
      // bits per weight
      EXPECT_GE((*packed_model)->packed_bytes(), 3 * spec_.n_layer * spec_.n_embd * spec_.n_ff * 9 / 16);
    }
    EXPECT_EQ((*plain_model)->packed_bytes(), 0);
    EXPECT_LE(relative_error(last_logits(path, tokens_), last_logits(path, tokens_, unpacked)), 1e-4)
        << tensor::dtype_info(type).name;
  }
}

TEST_F(ModelQuantize, TiedEmbeddingsGoToQ6_KWithQ4_0) {
  spec_.tied = true;
  ASSERT_TRUE(testing::write_random_model(dir_.file("tied.gguf"), spec_).is_ok());
  ASSERT_TRUE(quantize_model(dir_.file("tied.gguf"), dir_.file("tied_q4.gguf"), DType::kQ4_0).is_ok());
  auto f = GgufFile::open(dir_.file("tied_q4.gguf"));
  ASSERT_TRUE(f.is_ok());
  EXPECT_EQ((*f)->tensor("token_embd.weight")->type, DType::kQ6_K);
  EXPECT_TRUE(Model::load(dir_.file("tied_q4.gguf")).is_ok());
}

TEST_F(ModelQuantize, SmallRowsFallBackToQ8_0ForTheOutput) {
  ASSERT_TRUE(testing::write_random_model(dir_.file("small.gguf"), {}).is_ok());  // rows of 64
  ASSERT_TRUE(quantize_model(dir_.file("small.gguf"), dir_.file("small_q4.gguf"), DType::kQ4_0).is_ok());
  auto f = GgufFile::open(dir_.file("small_q4.gguf"));
  ASSERT_TRUE(f.is_ok());
  EXPECT_EQ((*f)->tensor("output.weight")->type, DType::kQ8_0);
}

TEST_F(ModelQuantize, BadRequestsWriteNothing) {
  EXPECT_FALSE(quantize_model(dir_.file("f32.gguf"), dir_.file("x.gguf"), DType::kQ5_0).is_ok());  // no writer
  EXPECT_FALSE(quantize_model(dir_.file("f32.gguf"), dir_.file("f32.gguf"), DType::kQ8_0).is_ok());
  EXPECT_FALSE(quantize_model(dir_.file("absent.gguf"), dir_.file("x.gguf"), DType::kQ8_0).is_ok());
  EXPECT_EQ(dir_.entry_count(), 1u);
}

// The real model survives Q8_0: same greedy start.
TEST(ModelQuantizeStories, Q8_0KeepsTheGreedyStory) {
  testing::GgufTempDir dir;
  const std::string stories = std::string(MAAS_SHARED_DIR) + "/models/stories260K.gguf";
  ASSERT_TRUE(quantize_model(stories, dir.file("q8.gguf"), DType::kQ8_0).is_ok());
  auto m = Model::load(dir.file("q8.gguf"));
  ASSERT_TRUE(m.is_ok());
  GenerateParams p;
  p.sampling.temperature = 0;
  p.max_tokens = 12;
  auto r = generate(**m, std::vector<int32_t>{1, 403, 407, 261, 378}, p, [](int32_t) { return std::string(); });
  ASSERT_TRUE(r.is_ok());
  EXPECT_EQ(r->tokens, (std::vector<int32_t>{432, 383, 286, 261, 376, 298, 315, 421, 395, 317, 426, 338}));
}

}  // namespace
}  // namespace maas::llm

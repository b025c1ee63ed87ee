// The real stories260K model (../shared/models) against its published greedy output.
#include <gtest/gtest.h>

#include <cmath>

#include "helpers/gguf_test_files.h"
#include "llm/gguf/gguf.h"
#include "llm/gguf/gguf_writer.h"
#include "llm/model/model.h"
#include "llm/runtime/generate.h"
#include "llm/tokenizer/tokenizer.h"

namespace maas::llm {
namespace {

const std::string kStories = std::string(MAAS_SHARED_DIR) + "/models/stories260K.gguf";
// "Once upon a time" with BOS, and the 30 greedy ids from models/README.md.
const std::vector<int32_t> kPrompt = {1, 403, 407, 261, 378};
const std::vector<int32_t> kExpected = {432, 383, 286, 261, 376, 298, 315, 421, 395, 317, 426, 338, 401, 396, 267,
                                        337, 410, 408, 419, 292, 411, 322, 265, 282, 295, 433, 426, 385, 328, 432};

std::shared_ptr<Model> load(const std::string& path, int threads = 0) {
  auto m = Model::load(path, {threads});
  EXPECT_TRUE(m.is_ok()) << m.status().to_string();
  return m.is_ok() ? *m : nullptr;
}

// Greedy decoding by hand: one forward step per token.
std::vector<int32_t> greedy(Model& model, size_t n, tensor::DType cache_type = tensor::DType::kF32) {
  auto cache = model.make_cache({1, 64, cache_type});
  EXPECT_TRUE(cache.is_ok());
  SeqId seq = *cache->allocate();
  std::vector<int32_t> out;
  Batch b{{{seq, kPrompt, 0, false}}};
  while (out.size() < n) {
    auto r = model.forward(b, *cache);
    EXPECT_TRUE(r.is_ok()) << r.status().to_string();
    if (!r.is_ok()) break;
    auto logits = r->last_logits(0);
    const int32_t next = static_cast<int32_t>(std::max_element(logits.begin(), logits.end()) - logits.begin());
    out.push_back(next);
    b.seqs[0].start_pos += static_cast<int64_t>(b.seqs[0].tokens.size());
    b.seqs[0].tokens = {next};
  }
  return out;
}

TEST(ModelStories, HyperParametersFromMetadata) {
  auto m = load(kStories);
  ASSERT_TRUE(m);
  const Hparams& hp = m->hparams();
  EXPECT_EQ(m->architecture(), "llama");
  EXPECT_EQ(hp.n_vocab, 512);
  EXPECT_EQ(hp.n_embd, 64);
  EXPECT_EQ(hp.n_layer, 5);
  EXPECT_EQ(hp.n_head, 8);
  EXPECT_EQ(hp.n_head_kv, 4);
  EXPECT_EQ(hp.head_dim, 8);
  EXPECT_EQ(hp.n_ff, 172);
  EXPECT_EQ(hp.n_ctx_train, 512);
  EXPECT_EQ(hp.n_rot, 8);
  EXPECT_DOUBLE_EQ(hp.rope_freq_base, 10000.0);
  EXPECT_NEAR(hp.rms_eps, 1e-5, 1e-12);
  EXPECT_FALSE(m->weights().tied_output);
  EXPECT_EQ(m->special_tokens().bos, 1);
  EXPECT_EQ(m->special_tokens().eos, 2);
}

TEST(ModelStories, GreedyContinuationMatchesReference) {
  auto m = load(kStories);
  ASSERT_TRUE(m);
  EXPECT_EQ(greedy(*m, 30), kExpected);
}

TEST(ModelStories, SameWithOneThreadAndWithF16Cache) {
  auto one = load(kStories, 1);
  ASSERT_TRUE(one);
  EXPECT_EQ(greedy(*one, 30), kExpected);
  EXPECT_EQ(greedy(*one, 30, tensor::DType::kF16), kExpected);
}

TEST(ModelStories, FirstTokenProbability) {
  auto m = load(kStories);
  ASSERT_TRUE(m);
  auto cache = m->make_cache({1, 16});
  ASSERT_TRUE(cache.is_ok());
  auto r = m->forward({{{*cache->allocate(), kPrompt, 0, false}}}, *cache);
  ASSERT_TRUE(r.is_ok());
  auto logits = r->last_logits(0);
  double max = *std::max_element(logits.begin(), logits.end()), sum = 0;
  for (float l : logits) sum += std::exp(l - max);
  EXPECT_NEAR(std::exp(logits[432] - max) / sum, 0.969, 0.002);  // ","
  EXPECT_NEAR(std::exp(logits[383] - max) / sum, 0.029, 0.002);  // " there"
}

TEST(ModelStories, GenerateWithTheTokenizerStreamsTheStory) {
  auto m = load(kStories);
  ASSERT_TRUE(m);
  auto tok = Tokenizer::from_gguf(m->file());
  ASSERT_TRUE(tok.is_ok()) << tok.status().to_string();
  const auto prompt = (*tok)->encode("Once upon a time", true);
  ASSERT_EQ(prompt, kPrompt);
  GenerateParams p;
  p.sampling.temperature = 0;
  p.max_tokens = 40;
  std::string streamed;
  auto r = generate(*m, **tok, prompt, p, [&](const GeneratedToken& t) {
    streamed += t.text;
    return true;
  });
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_EQ(std::vector<int32_t>(r->tokens.begin(), r->tokens.begin() + 30), kExpected);
  EXPECT_EQ(streamed, r->text);
  EXPECT_EQ(r->text.substr(0, 85),
            ", there was a little girl named Lily. She loved to play outside in the park. One day,");
  EXPECT_NE(r->text.find("One day, she saw a big, red ball."), std::string::npos) << r->text;

  // A stop sequence ends it early, without the stop text.
  p.stop = {" park"};
  auto stopped = generate(*m, **tok, prompt, p);
  ASSERT_TRUE(stopped.is_ok());
  EXPECT_EQ(stopped->finish, FinishReason::kStop);
  EXPECT_EQ(stopped->text, ", there was a little girl named Lily. She loved to play outside in the");
}

TEST(ModelStories, GenerateLoopGreedy) {
  auto m = load(kStories);
  ASSERT_TRUE(m);
  GenerateParams p;
  p.sampling.temperature = 0;
  p.max_tokens = 30;
  int calls = 0;
  auto r = generate(*m, kPrompt, p, [](int32_t id) { return "<" + std::to_string(id) + ">"; },
                    [&](const GeneratedToken&) { return ++calls > 0; });
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_EQ(r->tokens, kExpected);
  EXPECT_EQ(r->finish, FinishReason::kLength);
  EXPECT_EQ(calls, 30);
  EXPECT_EQ(r->text.substr(0, 10), "<432><383>");
}

// The converter writes output.weight as a copy of token_embd; without it the model is tied.
TEST(ModelStories, TiedEmbeddingsWithoutOutputTensor) {
  auto file = GgufFile::open(kStories);
  ASSERT_TRUE(file.is_ok());
  GgufWriter w((*file)->alignment());
  w.copy_metadata_from(**file);
  for (const GgufTensor& t : (*file)->tensors())
    if (t.name != "output.weight") {
      ASSERT_TRUE(w.add_tensor_view(t.name, t.type, t.dims, t.data, t.nbytes).is_ok());
    }
  testing::GgufTempDir dir;
  ASSERT_TRUE(w.write(dir.file("tied.gguf")).is_ok());
  auto m = load(dir.file("tied.gguf"));
  ASSERT_TRUE(m);
  EXPECT_TRUE(m->weights().tied_output);
  EXPECT_EQ(greedy(*m, 30), kExpected);
}

}  // namespace
}  // namespace maas::llm

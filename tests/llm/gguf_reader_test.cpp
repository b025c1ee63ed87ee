#include <gtest/gtest.h>

#include "llm/gguf/gguf.h"

namespace maas::llm {
namespace {

const std::string kStories = std::string(MAAS_SHARED_DIR) + "/models/stories260K.gguf";
const std::string kQwen = std::string(MAAS_SHARED_DIR) + "/models/tokenizers/qwen3-vocab-tiny-random.gguf";

TEST(GgufReader, ReadsStories260K) {
  auto f = GgufFile::open(kStories);
  ASSERT_TRUE(f.is_ok()) << f.status().message();
  const GgufFile& g = **f;
  EXPECT_EQ(g.version(), 3u);
  EXPECT_EQ(g.alignment(), 32u);
  EXPECT_EQ(*g.get_string("general.architecture"), "llama");
  EXPECT_EQ(*g.get_uint("llama.embedding_length"), 64u);
  EXPECT_EQ(*g.get_uint("llama.block_count"), 5u);
  EXPECT_EQ(*g.get_uint("llama.context_length"), 512u);
  EXPECT_NEAR(*g.get_float("llama.attention.layer_norm_rms_epsilon"), 1e-5, 1e-9);
  EXPECT_EQ(g.get_string_array("tokenizer.ggml.tokens")->size(), 512u);
  EXPECT_EQ((*g.get_string_array("tokenizer.ggml.tokens"))[3], "<0x00>");
  EXPECT_EQ(g.tensors().size(), 48u);
  const GgufTensor* emb = g.tensor("token_embd.weight");
  ASSERT_NE(emb, nullptr);
  EXPECT_EQ(emb->dims, (std::vector<uint64_t>{64, 512}));
  EXPECT_EQ(emb->type, tensor::DType::kF32);
  EXPECT_EQ(emb->nbytes, 64u * 512 * 4);
  EXPECT_EQ(emb->n_elements(), 64u * 512);
  uint64_t total = 0;
  for (const auto& t : g.tensors()) total += t.n_elements();
  EXPECT_EQ(total, 292800u);
  EXPECT_EQ(g.tensor("nope"), nullptr);
  EXPECT_EQ(*g.get_uint_or("llama.rope.freq_base_missing", 7), 7u);
  EXPECT_FALSE(g.get_uint("general.architecture").is_ok());
  EXPECT_EQ(g.get_string("missing.key").status().code(), Code::kNotFound);
}

TEST(GgufReader, ReadsQwenVocabulary) {
  auto f = GgufFile::open(kQwen);
  ASSERT_TRUE(f.is_ok()) << f.status().message();
  const GgufFile& g = **f;
  EXPECT_EQ(*g.get_string("tokenizer.ggml.model"), "gpt2");
  EXPECT_EQ(*g.get_string("tokenizer.ggml.pre"), "qwen2");
  EXPECT_EQ(g.get_string_array("tokenizer.ggml.tokens")->size(), 151936u);
  EXPECT_EQ(g.get_string_array("tokenizer.ggml.merges")->size(), 151387u);
  EXPECT_EQ(g.get_int_array("tokenizer.ggml.token_type")->size(), 151936u);
  EXPECT_EQ(*g.get_uint("tokenizer.ggml.eos_token_id"), 151645u);
  EXPECT_FALSE(*g.get_bool("tokenizer.ggml.add_bos_token"));
  for (const auto& t : g.tensors()) EXPECT_NE(t.data, nullptr) << t.name;
}

TEST(GgufReader, CheckHeaderAcceptsRealFilesAndRejectsOthers) {
  EXPECT_TRUE(gguf_check_header(kStories).is_ok());
  EXPECT_TRUE(gguf_check_header(kQwen).is_ok());
  Status st = gguf_check_header(std::string(MAAS_SHARED_DIR) + "/models/README.md");
  EXPECT_FALSE(st.is_ok());
  EXPECT_NE(st.message().find("bad magic"), std::string::npos) << st.message();
  EXPECT_EQ(gguf_check_header("/nonexistent/x.gguf").code(), Code::kNotFound);
}

}  // namespace
}  // namespace maas::llm

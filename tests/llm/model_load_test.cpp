// Loading refuses bad models with a Status that names the problem.
#include <gtest/gtest.h>

#include <functional>

#include "helpers/gguf_test_files.h"
#include "helpers/model_random.h"
#include "llm/gguf/gguf.h"
#include "llm/gguf/gguf_writer.h"
#include "llm/model/model.h"

namespace maas::llm {
namespace {

class ModelLoad : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(testing::write_random_model(good(), {}).is_ok()); }
  std::string good() const { return dir_.file("good.gguf"); }

  // Copies the good model, letting `edit` change metadata and choose tensors; returns the
  // error of loading the copy.
  Status load_edited(const std::function<void(GgufWriter&, const GgufFile&)>& edit) {
    auto in = GgufFile::open(good());
    EXPECT_TRUE(in.is_ok());
    GgufWriter w;
    w.copy_metadata_from(**in);
    edit(w, **in);
    const std::string path = dir_.file("edited.gguf");
    EXPECT_TRUE(w.write(path).is_ok());
    return Model::load(path).status();
  }

  // All tensors except `skip`, passed through unchanged.
  static void copy_tensors(GgufWriter& w, const GgufFile& f, const std::string& skip = "") {
    for (const GgufTensor& t : f.tensors())
      if (t.name != skip) {
        EXPECT_TRUE(w.add_tensor_view(t.name, t.type, t.dims, t.data, t.nbytes).is_ok());
      }
  }

  testing::GgufTempDir dir_;
};

TEST_F(ModelLoad, GoodModelLoads) {
  auto m = Model::load(good());
  ASSERT_TRUE(m.is_ok()) << m.status().to_string();
  EXPECT_EQ((*m)->hparams().n_vocab, 96);
  EXPECT_EQ((*m)->hparams().head_dim, 16);
  EXPECT_GT((*m)->weight_bytes(), 0);
}

TEST_F(ModelLoad, MissingTensor) {
  Status s = load_edited([](GgufWriter& w, const GgufFile& f) { copy_tensors(w, f, "blk.1.ffn_up.weight"); });
  EXPECT_EQ(s.code(), Code::kInvalidArgument);
  EXPECT_NE(s.message().find("missing tensor 'blk.1.ffn_up.weight'"), std::string::npos) << s.message();
}

TEST_F(ModelLoad, WrongShape) {
  Status s = load_edited([](GgufWriter& w, const GgufFile& f) {
    copy_tensors(w, f, "blk.0.attn_k.weight");
    std::vector<uint8_t> bytes(64 * 64 * 4);
    EXPECT_TRUE(w.add_tensor("blk.0.attn_k.weight", tensor::DType::kF32, {64, 64}, bytes).is_ok());
  });
  EXPECT_EQ(s.code(), Code::kInvalidArgument);
  EXPECT_NE(s.message().find("'blk.0.attn_k.weight' has shape [64, 64], expected [64, 32]"), std::string::npos)
      << s.message();
}

TEST_F(ModelLoad, UnsupportedType) {
  Status s = load_edited([](GgufWriter& w, const GgufFile& f) {
    copy_tensors(w, f, "blk.0.attn_q.weight");
    std::vector<uint8_t> bytes(tensor::row_bytes(tensor::DType::kQ5_0, 64) * 64);
    EXPECT_TRUE(w.add_tensor("blk.0.attn_q.weight", tensor::DType::kQ5_0, {64, 64}, bytes).is_ok());
  });
  EXPECT_EQ(s.code(), Code::kUnimplemented);
  EXPECT_NE(s.message().find("'blk.0.attn_q.weight' has type q5_0"), std::string::npos) << s.message();
}

TEST_F(ModelLoad, UnknownArchitecture) {
  Status s = load_edited([](GgufWriter& w, const GgufFile& f) {
    w.set_string("general.architecture", "mamba");
    copy_tensors(w, f);
  });
  EXPECT_EQ(s.code(), Code::kUnimplemented);
  EXPECT_NE(s.message().find("'mamba' is not supported (supported: llama, qwen2)"), std::string::npos) << s.message();
}

TEST_F(ModelLoad, MissingOrInconsistentHyperParameters) {
  Status s = load_edited([](GgufWriter& w, const GgufFile& f) {
    w.remove("llama.block_count");
    copy_tensors(w, f);
  });
  EXPECT_FALSE(s.is_ok());
  EXPECT_NE(s.message().find("llama.block_count"), std::string::npos) << s.message();

  s = load_edited([](GgufWriter& w, const GgufFile& f) {
    w.set_uint32("llama.attention.head_count_kv", 3);
    copy_tensors(w, f);
  });
  EXPECT_EQ(s.code(), Code::kInvalidArgument);
  EXPECT_NE(s.message().find("not a multiple of head_count_kv 3"), std::string::npos) << s.message();

  s = load_edited([](GgufWriter& w, const GgufFile& f) {
    w.set_string("llama.rope.scaling.type", "yarn");
    w.set_float32("llama.rope.scaling.factor", 4.0f);
    copy_tensors(w, f);
  });
  EXPECT_EQ(s.code(), Code::kUnimplemented);
}

TEST_F(ModelLoad, LinearRopeScalingIsRead) {
  Status s = load_edited([](GgufWriter& w, const GgufFile& f) {
    w.set_string("llama.rope.scaling.type", "linear");
    w.set_float32("llama.rope.scaling.factor", 4.0f);
    copy_tensors(w, f);
  });
  EXPECT_TRUE(s.is_ok()) << s.message();
  auto m = Model::load(dir_.file("edited.gguf"));
  ASSERT_TRUE(m.is_ok());
  EXPECT_DOUBLE_EQ((*m)->hparams().rope_freq_scale, 0.25);
}

TEST_F(ModelLoad, NotAFile) {
  EXPECT_FALSE(Model::load(dir_.file("absent.gguf")).is_ok());
}

}  // namespace
}  // namespace maas::llm

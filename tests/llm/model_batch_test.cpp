// A batch of several sequences in one forward step gives what each gives alone; prompt
// chunks, rewinds and KV cache slots behave.
#include <gtest/gtest.h>

#include "helpers/gguf_test_files.h"
#include "helpers/model_random.h"
#include "llm/model/model.h"
#include "llm/runtime/embed.h"

namespace maas::llm {
namespace {

class ModelBatch : public ::testing::Test {
 protected:
  void SetUp() override {
    testing::RandomModelSpec spec;
    spec.arch = "qwen2";
    ASSERT_TRUE(testing::write_random_model(dir_.file("m.gguf"), spec).is_ok());
    auto m = Model::load(dir_.file("m.gguf"));
    ASSERT_TRUE(m.is_ok()) << m.status().to_string();
    model_ = *m;
  }

  // All-position logits of `tokens` run alone in a fresh cache.
  std::vector<std::vector<float>> alone(const std::vector<int32_t>& tokens) {
    auto cache = model_->make_cache({1, 64});
    auto r = model_->forward({{{*cache->allocate(), tokens, 0, true}}}, *cache);
    EXPECT_TRUE(r.is_ok());
    std::vector<std::vector<float>> rows;
    for (int64_t i = 0; i < r->n_rows[0]; ++i) rows.emplace_back(r->row(i).begin(), r->row(i).end());
    return rows;
  }

  testing::GgufTempDir dir_;
  std::shared_ptr<Model> model_;
};

void expect_close(std::span<const float> a, const std::vector<float>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < b.size(); ++i) ASSERT_NEAR(a[i], b[i], 1e-4f * (1 + std::fabs(b[i]))) << "at " << i;
}

TEST_F(ModelBatch, ThreeSequencesOfDifferentLengthsEqualEachAlone) {
  const std::vector<std::vector<int32_t>> seqs = {{1, 5, 9, 13, 70, 71, 72}, {1, 40}, {3, 3, 3, 8}};
  auto cache = model_->make_cache({3, 64});
  ASSERT_TRUE(cache.is_ok());
  Batch b;
  for (const auto& s : seqs) b.seqs.push_back({*cache->allocate(), s, 0, true});
  auto r = model_->forward(b, *cache);
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  for (size_t i = 0; i < seqs.size(); ++i) {
    auto want = alone(seqs[i]);
    ASSERT_EQ(r->n_rows[i], static_cast<int64_t>(seqs[i].size()));
    for (int64_t j = 0; j < r->n_rows[i]; ++j) expect_close(r->row(r->first_row[i] + j), want[j]);
  }

  // Next step: one sequence decodes a token, another adds a 3-token chunk, all in one batch.
  Batch next;
  next.seqs.push_back({b.seqs[0].seq, {20}, 7, false});
  next.seqs.push_back({b.seqs[1].seq, {50, 51, 52}, 2, false});
  auto r2 = model_->forward(next, *cache);
  ASSERT_TRUE(r2.is_ok()) << r2.status().to_string();
  std::vector<int32_t> s0 = seqs[0], s1 = seqs[1];
  s0.push_back(20);
  s1.insert(s1.end(), {50, 51, 52});
  expect_close(r2->last_logits(0), alone(s0).back());
  expect_close(r2->last_logits(1), alone(s1).back());
  EXPECT_EQ(cache->length(b.seqs[0].seq), 8);
  EXPECT_EQ(cache->length(b.seqs[1].seq), 5);
  EXPECT_EQ(cache->length(b.seqs[2].seq), 4);
}

TEST_F(ModelBatch, PromptInChunksEqualsPromptAtOnce) {
  const std::vector<int32_t> tokens = {1, 9, 8, 7, 6, 5, 4, 30, 31};
  auto want = alone(tokens);
  auto cache = model_->make_cache({1, 64});
  SeqId seq = *cache->allocate();
  for (size_t at = 0; at < tokens.size(); at += 4) {
    std::vector<int32_t> chunk(tokens.begin() + at, tokens.begin() + std::min(tokens.size(), at + 4));
    auto r = model_->forward({{{seq, chunk, static_cast<int64_t>(at), false}}}, *cache);
    ASSERT_TRUE(r.is_ok());
    expect_close(r->last_logits(0), want[at + chunk.size() - 1]);
  }
}

TEST_F(ModelBatch, RewindReusesThePrefix) {
  auto cache = model_->make_cache({1, 64});
  SeqId seq = *cache->allocate();
  ASSERT_TRUE(model_->forward({{{seq, {1, 2, 3, 4, 5}, 0, false}}}, *cache).is_ok());
  auto r = model_->forward({{{seq, {60, 61}, 3, false}}}, *cache);  // keeps 1 2 3
  ASSERT_TRUE(r.is_ok());
  expect_close(r->last_logits(0), alone({1, 2, 3, 60, 61}).back());
  EXPECT_EQ(cache->length(seq), 5);
}

TEST_F(ModelBatch, HiddenStatesForEmbeddings) {
  auto cache = model_->make_cache({2, 64});
  Batch b;
  b.want_logits = false;
  b.want_hidden = true;
  b.seqs.push_back({*cache->allocate(), {1, 2, 3}, 0, false});
  b.seqs.push_back({*cache->allocate(), {4, 5}, 0, false});
  auto r = model_->forward(b, *cache);
  ASSERT_TRUE(r.is_ok());
  EXPECT_TRUE(r->logits.empty());
  EXPECT_EQ(r->hidden.size(), 5u * static_cast<size_t>(model_->hparams().n_embd));
  EXPECT_EQ(r->hidden_state(1, 1).data(), r->hidden.data() + 4 * model_->hparams().n_embd);
  // The same sequence alone has the same hidden states.
  auto c2 = model_->make_cache({1, 64});
  Batch one = b;
  one.seqs = {{*c2->allocate(), {4, 5}, 0, false}};
  auto r1 = model_->forward(one, *c2);
  ASSERT_TRUE(r1.is_ok());
  expect_close(r->hidden_state(1, 1), std::vector<float>(r1->hidden_state(0, 1).begin(), r1->hidden_state(0, 1).end()));
}

TEST_F(ModelBatch, MeanPooledEmbeddings) {
  auto e = mean_pooled_embeddings(*model_, {{1, 2, 3}, {4, 5}, {1, 2, 3}});
  ASSERT_TRUE(e.is_ok()) << e.status().to_string();
  ASSERT_EQ(e->size(), 3u);
  double norm = 0;
  for (float v : (*e)[0]) norm += v * v;
  EXPECT_NEAR(norm, 1.0, 1e-5);
  for (size_t k = 0; k < (*e)[0].size(); ++k) EXPECT_NEAR((*e)[0][k], (*e)[2][k], 1e-6);
  // The mean of the hidden states of a run alone, normalised.
  auto cache = model_->make_cache({1, 8});
  Batch b;
  b.want_hidden = true;
  b.seqs = {{*cache->allocate(), {4, 5}, 0, false}};
  auto r = model_->forward(b, *cache);
  ASSERT_TRUE(r.is_ok());
  std::vector<double> mean(static_cast<size_t>(model_->hparams().n_embd));
  double n2 = 0;
  for (size_t k = 0; k < mean.size(); ++k) {
    mean[k] = (r->hidden_state(0, 0)[k] + r->hidden_state(0, 1)[k]) / 2;
    n2 += mean[k] * mean[k];
  }
  for (size_t k = 0; k < mean.size(); ++k) EXPECT_NEAR((*e)[1][k], mean[k] / std::sqrt(n2), 1e-5);
  EXPECT_FALSE(mean_pooled_embeddings(*model_, {{1}, {}}).is_ok());
}

TEST_F(ModelBatch, BadBatchesAreRejectedAndChangeNothing) {
  auto cache = model_->make_cache({2, 8});
  SeqId a = *cache->allocate();
  ASSERT_TRUE(model_->forward({{{a, {1, 2}, 0, false}}}, *cache).is_ok());
  EXPECT_EQ(model_->forward({{{a, {1}, 5, false}}}, *cache).status().code(), Code::kInvalidArgument);  // gap
  EXPECT_EQ(model_->forward({{{a, {1, 2, 3, 4, 5, 6, 7}, 2, false}}}, *cache).status().code(),
            Code::kResourceExhausted);  // past the context
  EXPECT_EQ(model_->forward({{{a, {9999}, 2, false}}}, *cache).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(model_->forward({{{1, {1}, 0, false}}}, *cache).status().code(), Code::kInvalidArgument);  // free slot
  EXPECT_EQ(model_->forward({{{a, {}, 2, false}}}, *cache).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(model_->forward({{{a, {1}, 2, false}, {a, {1}, 2, false}}}, *cache).status().code(),
            Code::kInvalidArgument);
  EXPECT_EQ(cache->length(a), 2);
}

TEST_F(ModelBatch, CacheSlotsAllocateReleaseAndReport) {
  auto cache = model_->make_cache({2, 16, tensor::DType::kF16});
  ASSERT_TRUE(cache.is_ok());
  KvAllocator& alloc = *cache;
  SeqId a = *alloc.allocate(), b = *alloc.allocate();
  EXPECT_NE(a, b);
  EXPECT_EQ(alloc.allocate().status().code(), Code::kResourceExhausted);
  ASSERT_TRUE(model_->forward({{{a, {1, 2, 3}, 0, false}}}, *cache).is_ok());
  KvUsage u = alloc.usage();
  EXPECT_EQ(u.sequences, 2);
  EXPECT_EQ(u.max_sequences, 2);
  EXPECT_EQ(u.tokens, 3);
  EXPECT_EQ(u.bytes_per_token, 2 * model_->hparams().n_layer * model_->hparams().kv_dim() * 2);
  EXPECT_EQ(u.bytes_reserved, 2 * 16 * u.bytes_per_token);
  alloc.release(a);
  EXPECT_EQ(alloc.usage().sequences, 1);
  EXPECT_EQ(alloc.usage().tokens, 0);
  auto again = alloc.allocate();
  ASSERT_TRUE(again.is_ok());
  EXPECT_EQ(cache->length(*again), 0);
  EXPECT_FALSE(model_->make_cache({1, 16, tensor::DType::kQ8_0}).is_ok());
}

}  // namespace
}  // namespace maas::llm

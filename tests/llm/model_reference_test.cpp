// The engine's forward pass against the plain float64 reference (helpers/ref_forward)
// on small random-weight models of several shapes.
#include <gtest/gtest.h>

#include <cmath>

#include "helpers/gguf_test_files.h"
#include "helpers/model_random.h"
#include "helpers/ref_forward.h"
#include "llm/model/model.h"

namespace maas::llm {
namespace {

using testing::RandomModelSpec;
using tensor::DType;

const std::vector<int32_t> kTokens = {1, 17, 42, 5, 88, 63, 3, 17, 29, 90, 11, 2, 64};

// max |engine - reference| over a row, relative to the row's largest |reference|.
double relative_error(std::span<const float> got, const std::vector<double>& want) {
  double err = 0, scale = 0;
  for (size_t i = 0; i < want.size(); ++i) {
    err = std::max(err, std::fabs(got[i] - want[i]));
    scale = std::max(scale, std::fabs(want[i]));
  }
  return err / scale;
}

// Logits at every position from one forward step of the whole sequence.
std::vector<std::vector<float>> engine_logits(const std::string& path, const std::vector<int32_t>& tokens) {
  auto model = Model::load(path);
  EXPECT_TRUE(model.is_ok()) << model.status().to_string();
  if (!model.is_ok()) return {};
  auto cache = (*model)->make_cache({1, 0});
  auto r = (*model)->forward({{{*cache->allocate(), tokens, 0, true}}}, *cache);
  EXPECT_TRUE(r.is_ok()) << r.status().to_string();
  std::vector<std::vector<float>> rows;
  for (int64_t i = 0; i < r->n_rows[0]; ++i) rows.emplace_back(r->row(i).begin(), r->row(i).end());
  return rows;
}

struct Case {
  const char* name;
  RandomModelSpec spec;
  double tolerance;  // on relative_error
};

void PrintTo(const Case& c, std::ostream* os) { *os << c.name; }

std::vector<Case> cases() {
  std::vector<Case> c;
  auto add = [&](const char* name, RandomModelSpec s, double tol) { c.push_back({name, s, tol}); };
  RandomModelSpec s;
  add("llama_gqa", s, 1e-4);
  s.n_head_kv = 4;
  s.tied = true;
  add("llama_mha_tied", s, 1e-4);
  s = {};
  s.n_head = 8;
  s.n_head_kv = 1;
  s.n_layer = 3;
  s.n_rot = 4;  // partial rotary
  add("llama_mqa_partial_rope", s, 1e-4);
  s = {};
  s.arch = "qwen2";
  s.tied = true;
  add("qwen2_gqa_tied_bias", s, 1e-4);
  s.n_head_kv = 4;
  s.tied = false;
  add("qwen2_mha_bias", s, 1e-4);
  // Quantized weights: the reference uses the same dequantized weights in float64; the
  // engine also rounds activations to 8 bits (Q8_0 blocks) for the integer dot products,
  // which costs about 1-3% of the largest logit on these random two-layer models.
  s = {};
  s.type = DType::kF16;
  add("llama_f16", s, 1e-3);
  s.type = DType::kQ8_0;
  add("llama_q8_0", s, 5e-2);
  s.type = DType::kQ4_0;
  add("llama_q4_0", s, 5e-2);
  s.arch = "qwen2";
  add("qwen2_q4_0", s, 5e-2);
  return c;
}

class ModelReference : public ::testing::TestWithParam<Case> {};

TEST_P(ModelReference, LogitsMatchAtEveryPosition) {
  const Case& c = GetParam();
  testing::GgufTempDir dir;
  const std::string path = dir.file("m.gguf");
  ASSERT_TRUE(testing::write_random_model(path, c.spec).is_ok());
  auto want = testing::reference_logits(path, kTokens);
  ASSERT_TRUE(want.is_ok()) << want.status().to_string();
  auto got = engine_logits(path, kTokens);
  ASSERT_EQ(got.size(), kTokens.size());
  double worst = 0;
  for (size_t p = 0; p < kTokens.size(); ++p) worst = std::max(worst, relative_error(got[p], (*want)[p]));
  EXPECT_LE(worst, c.tolerance) << c.name;
  RecordProperty("max_relative_error", std::to_string(worst));
  std::printf("[ %s ] max relative error %.2e (tolerance %.0e)\n", c.name, worst, c.tolerance);
}

INSTANTIATE_TEST_SUITE_P(Shapes, ModelReference, ::testing::ValuesIn(cases()),
                         [](const auto& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace maas::llm

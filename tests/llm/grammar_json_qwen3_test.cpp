// constrained_pick over a real vocabulary: Qwen3's 151,936 byte-level BPE tokens (pieces
// that split UTF-8 characters, "\":", "},\n", leading spaces...), its control tokens
// (no bytes) and its five end-of-generation ids.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <random>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "llm/chat/chat_template.h"
#include "llm/grammar/json_constraint.h"
#include "llm/tokenizer/tokenizer.h"

namespace maas::llm {
namespace {

const std::string kQwen =
    std::string(MAAS_SHARED_DIR) + "/models/tokenizers/qwen3-vocab-tiny-random.gguf";

class JsonQwen3 : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto file = GgufFile::open(kQwen);
    ASSERT_TRUE(file.is_ok()) << file.status().message();
    file_ = *file;
    auto tok = Tokenizer::from_gguf(**file);
    ASSERT_TRUE(tok.is_ok()) << tok.status().message();
    tok_ = *tok;
  }
  static void TearDownTestSuite() {
    tok_.reset();
    file_.reset();
  }
  // What the serving loop hands the picker: a token's bytes, none for control tokens.
  static TokenBytesViewFn bytes() {
    return [](int32_t t) -> std::string_view {
      if (tok_->token_type(t) == TokenType::kControl) return {};
      return tok_->token_to_piece(t);
    };
  }
  static int32_t single(const std::string& text) {
    std::vector<TokenId> ids = tok_->encode(text, false, false);
    EXPECT_EQ(ids.size(), 1u) << text;
    return ids.empty() ? 0 : ids[0];
  }
  static inline std::shared_ptr<GgufFile> file_;
  static inline std::shared_ptr<const Tokenizer> tok_;
};

TEST_F(JsonQwen3, RandomLogitsGiveJsonObjects) {
  const auto& eog = tok_->eog_ids();
  ASSERT_FALSE(eog.empty());
  const int32_t eos = tok_->eos();
  const std::vector<int32_t> closers = {single("}"), single("\"}"), single("]"), single("\""),
                                        single("1"), single(":"), eos};
  int finished = 0;
  const int runs = 6;
  auto start = std::chrono::steady_clock::now();
  int steps = 0;
  for (int run = 0; run < runs; ++run) {
    std::mt19937 rng(42 + static_cast<uint32_t>(run));
    std::normal_distribution<float> noise(0.0f, 1.5f);
    JsonConstraint json(JsonOptions{.require_object = true});
    ConstrainedPickOptions options{.other_end_ids = eog};
    std::vector<int32_t> ids;
    bool ended = false;
    for (int step = 0; step < 160 && !ended; ++step, ++steps) {
      std::vector<float> logits(tok_->vocab_size());
      for (float& l : logits) l = noise(rng);
      if (step > 20) {
        for (int32_t c : closers) logits[static_cast<size_t>(c)] += 0.25f * static_cast<float>(step - 20);
      }
      auto greedy_ish = [&](std::span<const float> l) {  // top-1 of a noisy copy
        int32_t best = 0;
        for (size_t i = 1; i < l.size(); ++i) {
          if (l[i] > l[best]) best = static_cast<int32_t>(i);
        }
        return best;
      };
      int32_t t = constrained_pick(logits, bytes(), eos, json, greedy_ish, options);
      ASSERT_NE(t, kNoAllowedToken);
      if (std::find(eog.begin(), eog.end(), t) != eog.end()) {
        ended = true;
      } else {
        ids.push_back(t);
      }
    }
    if (!ended) continue;
    ++finished;
    std::string text = tok_->decode(ids, /*render_special=*/false);
    nlohmann::json parsed = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
    ASSERT_FALSE(parsed.is_discarded()) << text;
    EXPECT_TRUE(parsed.is_object()) << text;
  }
  EXPECT_EQ(finished, runs);
  double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  std::printf("[ info ] %d constrained steps over %zu tokens: %.2f ms/step\n", steps,
              tok_->vocab_size(), ms / std::max(steps, 1));
}

// The chat prompt tokenizes into Qwen3's control tokens (special-token parsing on).
TEST_F(JsonQwen3, ChatPromptTokenizesIntoControlTokens) {
  auto info = chat_template_info_from_gguf(*file_);
  ASSERT_TRUE(info.is_ok()) << info.status().message();
  auto prompt = apply_chat_template(*info, {{"user", "Hello"}}, true);
  ASSERT_TRUE(prompt.is_ok()) << prompt.status().message();
  std::vector<TokenId> ids = tok_->encode(*prompt, /*add_bos=*/true, /*parse_special=*/true);
  // <|im_start|> user \n Hello <|im_end|> \n <|im_start|> assistant \n
  ASSERT_GE(ids.size(), 9u);
  EXPECT_EQ(ids[0], 151644);
  EXPECT_EQ(ids[3], 9707);  // "Hello"
  EXPECT_EQ(ids[4], 151645);
  EXPECT_EQ(ids[6], 151644);
  EXPECT_EQ(tok_->decode(ids), *prompt);
}

}  // namespace
}  // namespace maas::llm

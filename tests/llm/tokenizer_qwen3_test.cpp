// Qwen3's byte-level BPE against llama.cpp's reference tokenizations (40 strings).
#include <gtest/gtest.h>

#include <fstream>

#include <nlohmann/json.hpp>

#include "llm/gguf/gguf.h"
#include "llm/tokenizer/tokenizer.h"

namespace maas::llm {
namespace {

const std::string kDir = std::string(MAAS_SHARED_DIR) + "/models/tokenizers/";

std::string from_hex(const std::string& hex) {
  std::string out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) out.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  return out;
}

class TokenizerQwen3 : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto file = GgufFile::open(kDir + "qwen3-vocab-tiny-random.gguf");
    ASSERT_TRUE(file.is_ok()) << file.status().message();
    auto tok = Tokenizer::from_gguf(**file);
    ASSERT_TRUE(tok.is_ok()) << tok.status().message();
    tokenizer_ = *tok;
    std::ifstream in(kDir + "qwen3-vocab-tiny-random.tokens.json");
    reference_ = nlohmann::json::parse(in);
  }
  static void TearDownTestSuite() { tokenizer_.reset(); }

  static std::shared_ptr<const Tokenizer> tokenizer_;
  static nlohmann::json reference_;
};

std::shared_ptr<const Tokenizer> TokenizerQwen3::tokenizer_;
nlohmann::json TokenizerQwen3::reference_;

TEST_F(TokenizerQwen3, VocabularyAndSpecialTokens) {
  const Tokenizer& t = *tokenizer_;
  EXPECT_EQ(t.vocab_size(), 151936u);
  EXPECT_EQ(t.model_name(), "gpt2");
  EXPECT_EQ(t.pre_name(), "qwen2");
  EXPECT_EQ(t.bos(), 151643);
  EXPECT_EQ(t.eos(), 151645);
  EXPECT_FALSE(t.adds_bos());
  EXPECT_EQ(t.eog_ids(), (std::vector<TokenId>{151643, 151645, 151662, 151663, 151664}));
  EXPECT_TRUE(t.is_eog(151645));
  EXPECT_FALSE(t.is_eog(151644));
  EXPECT_FALSE(t.is_eog(-1));
  EXPECT_EQ(t.token_text(151644), "<|im_start|>");
  EXPECT_EQ(t.token_type(151644), TokenType::kControl);
  EXPECT_EQ(t.token_type(151667), TokenType::kUserDefined);  // <think>
  EXPECT_EQ(t.token_to_piece(9707), "Hello");
  EXPECT_EQ(t.token_to_piece(220), " ");
  EXPECT_EQ(t.token_to_piece(-5), "");
  EXPECT_EQ(t.token_to_piece(151936), "");
  EXPECT_EQ(t.find_token("Hello"), 9707);
}

TEST_F(TokenizerQwen3, MatchesLlamaCppOnAllReferenceStrings) {
  const Tokenizer& t = *tokenizer_;
  const auto& cases = reference_["cases"];
  ASSERT_EQ(cases.size(), 40u);
  for (const auto& c : cases) {
    const std::string input = from_hex(c["bytes_hex"].get<std::string>());
    const std::string label = "case " + std::to_string(c["index"].get<int>()) + " (" + c["kind"].get<std::string>() + ")";
    const auto ids = c["ids"].get<std::vector<TokenId>>();
    const auto ids_no_bos = c["ids_no_bos"].get<std::vector<TokenId>>();
    const auto ids_plain = c["ids_no_parse_special"].get<std::vector<TokenId>>();
    EXPECT_EQ(t.encode(input, true, true), ids) << label;
    EXPECT_EQ(t.encode(input, false, true), ids_no_bos) << label;
    EXPECT_EQ(t.encode(input, true, false), ids_plain) << label;
    EXPECT_EQ(t.decode(ids_no_bos), from_hex(c["detok_hex"].get<std::string>())) << label;
    EXPECT_EQ(t.decode(ids_no_bos, false), from_hex(c["detok_skip_special_hex"].get<std::string>())) << label;
    EXPECT_EQ(t.decode(ids), from_hex(c["detok_with_bos_hex"].get<std::string>())) << label;
    EXPECT_EQ(t.decode(ids_plain), from_hex(c["detok_no_parse_special_hex"].get<std::string>())) << label;
    const auto pieces_hex = c["pieces_hex"].get<std::vector<std::string>>();
    ASSERT_EQ(pieces_hex.size(), ids_no_bos.size()) << label;
    for (size_t i = 0; i < ids_no_bos.size(); ++i)
      EXPECT_EQ(t.token_to_piece(ids_no_bos[i]), from_hex(pieces_hex[i])) << label << " piece " << i;
    if (c["roundtrip_exact"].get<bool>()) {
      EXPECT_EQ(t.decode(t.encode(input, false, true)), input) << label;
    }
  }
}

TEST_F(TokenizerQwen3, ExamplesFromTheReadme) {
  const Tokenizer& t = *tokenizer_;
  EXPECT_EQ(t.encode("Hello world"), (std::vector<TokenId>{9707, 1879}));
  EXPECT_EQ(t.encode("1234567 and 3.14159"),
            (std::vector<TokenId>{16, 17, 18, 19, 20, 21, 22, 323, 220, 18, 13, 16, 19, 16, 20, 24}));
  EXPECT_EQ(t.encode("<|im_start|>user\nHello<|im_end|>"), (std::vector<TokenId>{151644, 872, 198, 9707, 151645}));
  EXPECT_EQ(t.encode(""), std::vector<TokenId>{});
  EXPECT_EQ(t.decode(std::vector<TokenId>{}), "");
}

TEST_F(TokenizerQwen3, InvalidIdsAreSkippedOrReported) {
  const Tokenizer& t = *tokenizer_;
  EXPECT_EQ(t.decode(std::vector<TokenId>{9707, -1, 999999, 1879}), "Hello world");
  Status st = t.valid_ids(std::vector<TokenId>{9707, 999999});
  EXPECT_FALSE(st.is_ok());
  EXPECT_NE(st.message().find("token id 999999 at position 1"), std::string::npos) << st.message();
  EXPECT_TRUE(t.valid_ids(std::vector<TokenId>{0, 151935}).is_ok());
}

}  // namespace
}  // namespace maas::llm

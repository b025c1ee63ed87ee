// Vocabularies built with the GGUF writer: defaults as llama.cpp resolves them, the
// llama-bpe (llama 3) path, decoding clean-up, and clear errors for broken metadata.
#include <gtest/gtest.h>

#include "helpers/gguf_test_files.h"
#include "llm/gguf/gguf.h"
#include "llm/gguf/gguf_writer.h"
#include "llm/tokenizer/tokenizer.h"

namespace maas::llm {
namespace {

using Ids = std::vector<TokenId>;

// A tiny byte-level BPE vocabulary: the 256 byte characters, a few merges, specials.
struct TinyBpe {
  std::vector<std::string> tokens;
  std::vector<int32_t> types;
  std::vector<std::string> merges;

  TinyBpe() {
    // GPT-2's byte alphabet, in byte order (ids 0..255).
    uint32_t next_extra = 0x100;
    for (uint32_t b = 0; b < 256; ++b) {
      const bool printable = (b >= 0x21 && b <= 0x7E) || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
      const uint32_t cp = printable ? b : next_extra++;
      std::string s;
      if (cp < 0x80) {
        s.push_back(static_cast<char>(cp));
      } else {
        s.push_back(static_cast<char>(0xC0 | (cp >> 6)));
        s.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
      }
      add(s);
    }
    merge("h", "e");            // 256 "he"
    merge("l", "l");            // 257 "ll"
    merge("he", "ll");          // 258 "hell"
    merge("hell", "o");         // 259 "hello"
    merge("\xC4\xA0", "w");     // 260 "Ġw"
    merge("Ġw", "o");           // 261 "Ġwo"
    merge("r", "l");            // 262 "rl"
    merge("Ġwo", "rl");         // 263 "Ġworl"
    merge("Ġworl", "d");        // 264 "Ġworld"
    add("<|begin_of_text|>", 3);  // 265
    add("<|eot_id|>", 3);         // 266
    add("<|end_of_text|>", 3);    // 267
  }
  void add(const std::string& s, int32_t type = 1) {
    tokens.push_back(s);
    types.push_back(type);
  }
  void merge(const std::string& a, const std::string& b) {
    merges.push_back(a + " " + b);
    add(a + b);
  }
  GgufWriter writer(const std::string& pre) const {
    GgufWriter w;
    w.set_string("general.architecture", "llama");
    w.set_string("tokenizer.ggml.model", "gpt2");
    if (!pre.empty()) w.set_string("tokenizer.ggml.pre", pre);
    w.set_string_array("tokenizer.ggml.tokens", tokens);
    w.set_int32_array("tokenizer.ggml.token_type", types);
    w.set_string_array("tokenizer.ggml.merges", merges);
    w.set_uint32("tokenizer.ggml.bos_token_id", 265);
    w.set_uint32("tokenizer.ggml.eos_token_id", 267);
    return w;
  }
};

Result<std::shared_ptr<const Tokenizer>> load(const GgufWriter& w, const testing::GgufTempDir& dir) {
  const std::string path = dir.file("vocab.gguf");
  MAAS_RETURN_IF_ERROR(w.write(path));
  MAAS_ASSIGN_OR_RETURN(std::shared_ptr<GgufFile> file, GgufFile::open(path));
  return Tokenizer::from_gguf(*file);
}

TEST(TokenizerVocab, LlamaBpeAddsBosByDefaultAndResolvesEog) {
  testing::GgufTempDir dir;
  auto tok = load(TinyBpe().writer("llama-bpe"), dir);
  ASSERT_TRUE(tok.is_ok()) << tok.status().message();
  const Tokenizer& t = **tok;
  EXPECT_TRUE(t.adds_bos());
  EXPECT_EQ(t.encode("hello world"), (Ids{265, 259, 264}));
  EXPECT_EQ(t.encode("hello world", false), (Ids{259, 264}));
  EXPECT_EQ(t.eot(), 266);
  EXPECT_EQ(t.eog_ids(), (Ids{266, 267}));
  EXPECT_EQ(t.encode("<|eot_id|>", false), Ids{266});
  EXPECT_EQ(t.decode(Ids{265, 259, 264}), "<|begin_of_text|>hello world");
  EXPECT_EQ(t.decode(Ids{265, 259, 264}, false), "hello world");
  // llama-bpe's clean-up of decoded text: " ," -> ",", " 's" -> "'s".
  EXPECT_EQ(t.decode(t.encode("hello , it 's", false)), "hello, it's");
}

TEST(TokenizerVocab, AddBosTokenInMetadataWins) {
  testing::GgufTempDir dir;
  GgufWriter w = TinyBpe().writer("llama-bpe");
  w.set_bool("tokenizer.ggml.add_bos_token", false);
  auto tok = load(w, dir);
  ASSERT_TRUE(tok.is_ok()) << tok.status().message();
  EXPECT_FALSE((*tok)->adds_bos());
  EXPECT_EQ((*tok)->encode("hello"), Ids{259});

  GgufWriter q = TinyBpe().writer("qwen2");
  auto qt = load(q, dir);
  ASSERT_TRUE(qt.is_ok()) << qt.status().message();
  EXPECT_FALSE((*qt)->adds_bos()) << "qwen2 defaults to no BOS";
  EXPECT_EQ((*qt)->decode((*qt)->encode("hello , it 's")), "hello , it 's") << "qwen2 keeps spaces";
  q.set_bool("tokenizer.ggml.add_eos_token", true);
  qt = load(q, dir);
  ASSERT_TRUE(qt.is_ok()) << qt.status().message();
  EXPECT_EQ((*qt)->encode("hello"), (Ids{259, 267}));
}

TEST(TokenizerVocab, Gpt2PreTokenizerAndMissingPre) {
  testing::GgufTempDir dir;
  for (const std::string pre : {"gpt-2", ""}) {
    auto tok = load(TinyBpe().writer(pre), dir);
    ASSERT_TRUE(tok.is_ok()) << tok.status().message();
    EXPECT_FALSE((*tok)->adds_bos());
    EXPECT_EQ((*tok)->encode("hello world"), (Ids{259, 264})) << pre;
  }
}

TEST(TokenizerVocab, ClearErrors) {
  testing::GgufTempDir dir;
  auto expect_error = [&](const GgufWriter& w, const std::string& part) {
    auto tok = load(w, dir);
    ASSERT_FALSE(tok.is_ok()) << part;
    EXPECT_NE(tok.status().message().find(part), std::string::npos) << tok.status().message();
  };
  GgufWriter w = TinyBpe().writer("qwen2");
  w.set_string("tokenizer.ggml.pre", "tekken");
  expect_error(w, "pre-tokenizer 'tekken' is not supported");
  w = TinyBpe().writer("qwen2");
  w.set_string("tokenizer.ggml.model", "bert");
  expect_error(w, "tokenizer model 'bert' is not supported");
  w = TinyBpe().writer("qwen2");
  w.remove("tokenizer.ggml.model");
  expect_error(w, "metadata 'tokenizer.ggml.model' is missing");
  w = TinyBpe().writer("qwen2");
  w.remove("tokenizer.ggml.merges");
  expect_error(w, "without tokenizer.ggml.merges");
  w = TinyBpe().writer("qwen2");
  w.remove("tokenizer.ggml.tokens");
  expect_error(w, "no vocabulary");
  w = TinyBpe().writer("qwen2");
  w.set_string_array("tokenizer.ggml.tokens", {"a", "b", "a"});
  w.set_int32_array("tokenizer.ggml.token_type", {1, 1, 1});
  expect_error(w, "duplicate token 'a' in the vocabulary (ids 0 and 2)");
  w = TinyBpe().writer("qwen2");
  w.set_int32_array("tokenizer.ggml.token_type", {1, 1});
  expect_error(w, "token_type has 2 entries");
  w = TinyBpe().writer("qwen2");
  w.set_uint32("tokenizer.ggml.merges", 5);
  expect_error(w, "'tokenizer.ggml.merges' is uint32, want an array");
  w = TinyBpe().writer("qwen2");
  w.set_int32_array("tokenizer.ggml.merges", {1, 2});
  expect_error(w, "merges is an array of int32");
}

TEST(TokenizerVocab, MergesThroughSymbolsThatAreNoTokens) {
  // "q u" makes "qu", which is no token; "qu e" then makes the token "que".
  TinyBpe v;
  v.merges.push_back("q u");
  v.merges.push_back("qu e");
  v.add("que");
  const TokenId que = static_cast<TokenId>(v.tokens.size() - 1);
  testing::GgufTempDir dir;
  auto tok = load(v.writer("qwen2"), dir);
  ASSERT_TRUE(tok.is_ok()) << tok.status().message();
  EXPECT_EQ((*tok)->encode("que"), Ids{que});
  EXPECT_EQ((*tok)->encode("qu"), (Ids{'q', 'u'})) << "no token for the symbol: its bytes";
  EXPECT_EQ((*tok)->decode((*tok)->encode("queue qu")), "queue qu");
}

TEST(TokenizerVocab, OutOfRangeSpecialIdsKeepDefaults) {
  testing::GgufTempDir dir;
  GgufWriter w = TinyBpe().writer("qwen2");
  w.set_uint32("tokenizer.ggml.eos_token_id", 100000);
  w.set_int32("tokenizer.ggml.padding_token_id", -1);
  auto tok = load(w, dir);
  ASSERT_TRUE(tok.is_ok()) << tok.status().message();
  EXPECT_EQ((*tok)->eos(), 11) << "llama.cpp's default for gpt2 vocabularies";
  EXPECT_EQ((*tok)->pad(), kNoToken);
}

}  // namespace
}  // namespace maas::llm

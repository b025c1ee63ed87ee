// Load and encode speed of the 151,936-token Qwen3 vocabulary (printed; loose bounds).
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>

#include "llm/gguf/gguf.h"
#include "llm/tokenizer/tokenizer.h"

namespace maas::llm {
namespace {

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

TEST(TokenizerSpeed, LoadsQwen3VocabularyFastAndEncodesQuickly) {
  const auto t0 = std::chrono::steady_clock::now();
  auto file = GgufFile::open(std::string(MAAS_SHARED_DIR) + "/models/tokenizers/qwen3-vocab-tiny-random.gguf");
  ASSERT_TRUE(file.is_ok()) << file.status().message();
  const double open_s = seconds_since(t0);
  const auto t1 = std::chrono::steady_clock::now();
  auto tok = Tokenizer::from_gguf(**file);
  ASSERT_TRUE(tok.is_ok()) << tok.status().message();
  const double load_s = seconds_since(t1);

  std::string text;
  while (text.size() < (1 << 20))
    text += "The quick brown fox jumps over the lazy dog. 我爱自然语言处理。 def f(x):\n    return x * 42\n";
  const auto t2 = std::chrono::steady_clock::now();
  const std::vector<TokenId> ids = (*tok)->encode(text, false, true);
  const double encode_s = seconds_since(t2);
  const auto t3 = std::chrono::steady_clock::now();
  const std::string back = (*tok)->decode(ids);
  const double decode_s = seconds_since(t3);
  EXPECT_EQ(back, text);

  std::printf("[ speed    ] gguf open+parse %.0f ms, tokenizer build %.0f ms, encode %.1f MB/s (%zu tokens), "
              "decode %.1f MB/s\n",
              open_s * 1e3, load_s * 1e3, text.size() / encode_s / 1e6, ids.size(), text.size() / decode_s / 1e6);
#if defined(__OPTIMIZE__) && !defined(__SANITIZE_ADDRESS__)
  EXPECT_LT(open_s + load_s, 1.5) << "well under a second in an optimized build (shared, noisy machine)";
#endif
}

}  // namespace
}  // namespace maas::llm

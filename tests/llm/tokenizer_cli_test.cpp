// `maas tokenize` through the real binary.
#include <gtest/gtest.h>

#include "helpers/gguf_test_files.h"
#include "helpers/server_process.h"

namespace maas::testing {
namespace {

const std::string kStories = std::string(MAAS_SHARED_DIR) + "/models/stories260K.gguf";
const std::string kQwen = std::string(MAAS_SHARED_DIR) + "/models/tokenizers/qwen3-vocab-tiny-random.gguf";

TEST(TokenizerCli, PrintsIds) {
  CommandResult r = run_maas({"tokenize", kStories, "Once upon a time"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "[1, 403, 407, 261, 378]\n");
  r = run_maas({"tokenize", kStories, "--no-bos", "Once upon a time"});
  EXPECT_EQ(r.out, "[403, 407, 261, 378]\n");
  r = run_maas({"tokenize", kQwen, "<|im_start|>user\nHello<|im_end|>"});
  EXPECT_EQ(r.out, "[151644, 872, 198, 9707, 151645]\n");
  r = run_maas({"tokenize", kQwen, "--no-parse-special", "<|endoftext|>"});
  EXPECT_EQ(r.out, "[27, 91, 8691, 723, 427, 91, 29]\n");
  r = run_maas({"tokenize", kQwen, ""});
  EXPECT_EQ(r.out, "[]\n");
}

TEST(TokenizerCli, PrintsPieces) {
  CommandResult r = run_maas({"tokenize", kStories, "--pieces", "Once upon\n"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "1\t\"<s>\"\n403\t\" Once\"\n407\t\" upon\"\n13\t\"\\n\"\n");
  // U+1D518 is two tokens, each part of its UTF-8 bytes.
  r = run_maas({"tokenize", kQwen, "--pieces", "\xF0\x9D\x94\x98"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "124026\t\"\\xf0\\x9d\\x94\"\n246\t\"\\x98\"\n");
}

TEST(TokenizerCli, ReadsAFile) {
  GgufTempDir dir;
  gguf_write_bytes(dir.file("in.txt"), "Hello world");
  CommandResult r = run_maas({"tokenize", kQwen, "--file", dir.file("in.txt")});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "[9707, 1879]\n");
}

TEST(TokenizerCli, ErrorsAreOneLine) {
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"tokenize", "/nonexistent.gguf", "x"},
        std::vector<std::string>{"tokenize", std::string(MAAS_SHARED_DIR) + "/models/README.md", "x"},
        std::vector<std::string>{"tokenize", kStories},
        std::vector<std::string>{"tokenize", kStories, "--file", "/nonexistent.txt"},
        std::vector<std::string>{"tokenize", kStories, "--file", kStories, "both"}}) {
    CommandResult r = run_maas(args);
    EXPECT_NE(r.exit_code, 0) << args[1];
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_TRUE(r.out.empty()) << r.out;
  }
}

}  // namespace
}  // namespace maas::testing

// maas run / quantize / bench through the real binary on stories260K.
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <string>

#include "helpers/gguf_test_files.h"
#include "llm/gguf/gguf.h"

namespace maas::llm {
namespace {

const std::string kStories = std::string(MAAS_SHARED_DIR) + "/models/stories260K.gguf";

struct Output {
  int status = -1;
  std::string out;  // stdout (stderr goes to the test log)
};

Output run_maas(const std::string& args) {
  Output o;
  FILE* p = popen((std::string(MAAS_BINARY) + " " + args).c_str(), "r");
  if (!p) return o;
  std::array<char, 4096> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) o.out.append(buf.data(), n);
  o.status = pclose(p);
  return o;
}

TEST(ModelCli, RunStreamsTheGreedyStory) {
  Output o = run_maas("run " + kStories + " -p 'Once upon a time' -n 40 --temp 0 -t 1");
  EXPECT_EQ(o.status, 0);
  EXPECT_EQ(o.out,
            "Once upon a time, there was a little girl named Lily. She loved to play outside in the park. "
            "One day, she saw a big, red ball.\n");
}

TEST(ModelCli, RunWithASeedRepeats) {
  const std::string cmd = "run " + kStories + " -p 'The dog' -n 30 --temp 1 --seed 11 --top-k 0 --top-p 1";
  Output a = run_maas(cmd), b = run_maas(cmd);
  EXPECT_EQ(a.status, 0);
  EXPECT_EQ(a.out, b.out);
  EXPECT_EQ(a.out.rfind("The dog", 0), 0u);
}

TEST(ModelCli, QuantizeThenRun) {
  testing::GgufTempDir dir;
  Output q = run_maas("quantize " + kStories + " " + dir.file("q8.gguf") + " --type q8_0");
  EXPECT_EQ(q.status, 0) << q.out;
  auto f = GgufFile::open(dir.file("q8.gguf"));
  ASSERT_TRUE(f.is_ok());
  EXPECT_EQ((*f)->tensor("blk.0.attn_q.weight")->type, tensor::DType::kQ8_0);
  Output r = run_maas("run " + dir.file("q8.gguf") + " -p 'Once upon a time' -n 12 --temp 0");
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.out.rfind("Once upon a time, there was a little girl named Lily.", 0), 0u) << r.out;

  Output bad = run_maas("quantize " + kStories + " " + dir.file("x.gguf") + " --type q9_9 2>/dev/null");
  EXPECT_NE(bad.status, 0);
  EXPECT_EQ(dir.entry_count(), 1u);
}

TEST(ModelCli, BenchPrintsTheFigures) {
  Output o = run_maas("bench " + kStories + " -p 16 -n 8 -r 1 -t 1");
  EXPECT_EQ(o.status, 0);
  for (const char* want : {"pp16", "tg8", "peak RSS", "read bandwidth", "% of it"})
    EXPECT_NE(o.out.find(want), std::string::npos) << want << " in " << o.out;
}

TEST(ModelCli, ErrorsAreOneLine) {
  Output o = run_maas("run /nonexistent.gguf -p hi 2>&1");
  EXPECT_NE(o.status, 0);
  EXPECT_EQ(o.out.rfind("maas: ", 0), 0u) << o.out;
}

}  // namespace
}  // namespace maas::llm

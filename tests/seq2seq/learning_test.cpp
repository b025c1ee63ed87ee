// The network learns synthetic tasks from a few seconds of training: reversing and
// copying short sequences of symbols, checked on sequences it has not seen.
#include <gtest/gtest.h>

#include <chrono>

#include "seq2seq/model.h"
#include "seq2seq_test_util.h"
#include "helpers/server_process.h"
#include "tensor/thread_pool.h"

namespace maas::seq2seq {
namespace {

using maas::testing::TempDir;
using namespace maas::seq2seq::testing;

double exact_match(const Seq2seqModel& m, const std::vector<std::pair<std::string, std::string>>& pairs, int beam) {
  std::vector<std::string> inputs;
  for (const auto& p : pairs) inputs.push_back(p.first);
  tensor::ThreadPool pool(2);
  DecodeOptions o;
  o.beam = beam;
  Result<std::vector<Translation>> t = translate_texts(m, inputs, o, &pool);
  EXPECT_TRUE(t.is_ok()) << t.status().message();
  if (!t.is_ok()) return 0;
  int ok = 0;
  for (size_t i = 0; i < pairs.size(); ++i) ok += (*t)[i].text == pairs[i].second;
  return static_cast<double>(ok) / static_cast<double>(pairs.size());
}

TEST(Seq2seqLearning, ReversesUnseenSequences) {
  TempDir dir;
  write_tsv(dir.file("reverse.tsv"), synthetic_pairs(1200, 1, true));
  const auto t0 = std::chrono::steady_clock::now();
  const TrainResult r = train_ok(dir.file("reverse.tsv"), dir.file("model.gguf"), small_options());
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_GT(r.metrics.value("val_chrf", 0.0), 90.0) << r.metrics.dump();  // one-word outputs: BLEU-4 is 0
  Result<Seq2seqModel> m = load_model(dir.file("model.gguf"));
  ASSERT_TRUE(m.is_ok()) << m.status().message();
  const auto unseen = synthetic_pairs(200, 99, true);
  EXPECT_GE(exact_match(*m, unseen, 1), 0.99);
  RecordProperty("train_seconds", std::to_string(secs));
}

TEST(Seq2seqLearning, CopiesUnseenSequences) {
  TempDir dir;
  write_tsv(dir.file("copy.tsv"), synthetic_pairs(1200, 2, false));
  train_ok(dir.file("copy.tsv"), dir.file("model.gguf"), small_options());
  Result<Seq2seqModel> m = load_model(dir.file("model.gguf"));
  ASSERT_TRUE(m.is_ok()) << m.status().message();
  EXPECT_GE(exact_match(*m, synthetic_pairs(200, 98, false), 1), 0.99);
}

}  // namespace
}  // namespace maas::seq2seq

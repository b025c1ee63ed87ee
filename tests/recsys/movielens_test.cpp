// One fold on the real MovieLens small set (../shared): rating error of the bias
// baseline and MF on a random split, and top-10 of implicit ALS against popularity on
// a time split. The 5-fold figures are in docs/PERFORMANCE.md (bench, not CI).
#include <gtest/gtest.h>

#include "recsys/evaluate.h"
#include "recsys/split.h"
#include "recsys_test_util.h"

namespace maas::recsys {
namespace {

using maas::testing::TempDir;
using testing::movielens_path;
using testing::train_scorer;

double metric(const Scorer& s, const std::string& test, const char* name) {
  Result<Metrics> m = evaluate_recsys(s, test, {{"k", 10}});
  EXPECT_TRUE(m.is_ok()) << m.status().to_string();
  if (!m.is_ok() || !m->values.contains(name)) return NAN;
  return m->values[name].get<double>();
}

TEST(RecsysMovieLens, BiasAndMfRmseOnARandomSplit) {
  TempDir dir;
  SplitOptions o;
  o.by_time = false;
  o.seed = 0;
  ASSERT_TRUE(split_interactions(movielens_path(), o, dir.file("train.csv"), dir.file("test.csv")).is_ok());
  Scorer bias = train_scorer(dir, dir.file("train.csv"), {{"algo", "bias"}});
  const double bias_rmse = metric(bias, dir.file("test.csv"), "rmse");
  EXPECT_LE(bias_rmse, 0.90);
  Scorer mf = train_scorer(dir, dir.file("train.csv"), {{"algo", "mf"}, {"factors", 50}, {"epochs", 20}});
  const double mf_rmse = metric(mf, dir.file("test.csv"), "rmse");
  EXPECT_LE(mf_rmse, 0.90);
  std::printf("one fold: bias rmse %.4f, mf rmse %.4f\n", bias_rmse, mf_rmse);
}

TEST(RecsysMovieLens, AlsBeatsPopularityOnATimeSplit) {
  TempDir dir;
  SplitOptions o;
  o.by_time = true;
  ASSERT_TRUE(split_interactions(movielens_path(), o, dir.file("train.csv"), dir.file("test.csv")).is_ok());
  Scorer pop = train_scorer(dir, dir.file("train.csv"), {{"algo", "popularity"}});
  Scorer als = train_scorer(dir, dir.file("train.csv"), {{"algo", "als"}, {"factors", 32}, {"epochs", 8}});
  const double pop_ndcg = metric(pop, dir.file("test.csv"), "ndcg_at_10");
  const double als_ndcg = metric(als, dir.file("test.csv"), "ndcg_at_10");
  std::printf("time split ndcg@10: popularity %.4f, als %.4f\n", pop_ndcg, als_ndcg);
  EXPECT_GT(pop_ndcg, 0.0);
  EXPECT_GT(als_ndcg, pop_ndcg);
}

}  // namespace
}  // namespace maas::recsys

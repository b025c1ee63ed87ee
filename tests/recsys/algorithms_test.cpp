// Hand-made matrices with known neighbours and predictions, one algorithm at a time.
#include <cmath>

#include <gtest/gtest.h>

#include "recsys/als.h"
#include "recsys/baseline.h"
#include "recsys/content.h"
#include "recsys/linalg.h"
#include "recsys/sparse.h"
#include "recsys_test_util.h"

namespace maas::recsys {
namespace {

using maas::testing::TempDir;
using testing::train_scorer;
using testing::two_tastes;
using testing::write_text;

int32_t item(const Scorer& s, const std::string& id) { return s.model().items.find(id); }
std::string top_item(const Scorer& s, const std::string& user, int k = 1) {
  RankResult r = s.recommend(s.history(s.model().users.find(user), {}), {.k = k});
  return r.items.empty() ? "" : s.model().items.ids[r.items[0].item];
}

TEST(RecsysAlgorithms, CholeskySolvesASmallSystem) {
  float a[] = {4, 2, 2, 3};  // [[4,2],[2,3]] x = [2, 1] -> x = [0.5, 0]
  float b[] = {2, 1};
  ASSERT_TRUE(cholesky_solve(a, b, 2));
  EXPECT_NEAR(b[0], 0.5f, 1e-6);
  EXPECT_NEAR(b[1], 0.0f, 1e-6);
  float singular[] = {1, 1, 1, 1};
  float c[] = {1, 1};
  EXPECT_FALSE(cholesky_solve(singular, c, 2));
}

TEST(RecsysAlgorithms, BiasBaselineOneSweepByHand) {
  // u0: i0 = 5, i1 = 3; u1: i0 = 4. mu = 4.
  Csr r = csr_from_triples(2, 2, {0, 0, 1}, {0, 1, 0}, {5, 3, 4});
  Biases b = fit_biases(r, transpose(r), 1);
  EXPECT_FLOAT_EQ(b.mu, 4.0f);
  EXPECT_NEAR(b.item[0], 1.0 / 12, 1e-6);   // (1 + 0) / (10 + 2)
  EXPECT_NEAR(b.item[1], -1.0 / 11, 1e-6);  // -1 / (10 + 1)
  EXPECT_NEAR(b.user[0], 1.0 / (132 * 17), 1e-6);  // (1 - 1/12 - 1 + 1/11) / (15 + 2)
  EXPECT_NEAR(b.user[1], -1.0 / 192, 1e-6);        // (0 - 1/12) / (15 + 1)
}

TEST(RecsysAlgorithms, PopularityRanksByCountAndColdUsersGetIt) {
  TempDir dir;
  Scorer s = train_scorer(dir, two_tastes(dir), {{"algo", "popularity"}});
  EXPECT_EQ(s.model().popularity[item(s, "m1")], 8.0f);
  EXPECT_EQ(s.model().popularity[item(s, "m3")], 7.0f);
  RankResult r = s.recommend(s.history(-1, {}), {.k = 6});
  ASSERT_EQ(r.items.size(), 6u);
  EXPECT_TRUE(r.cold_start);
  EXPECT_EQ(r.items[0].score, 8.0f);
  EXPECT_EQ(r.items[5].score, 7.0f);
  EXPECT_NE(r.items[0].reason.find("popular"), std::string::npos);
}

TEST(RecsysAlgorithms, ItemKnnNeighboursAndPredictions) {
  TempDir dir;
  for (const char* prediction : {"baseline", "mean_centred"}) {
    Scorer s = train_scorer(dir, two_tastes(dir),
                            {{"algo", "itemknn"}, {"similarity", "pearson"}, {"shrinkage", 0.0}, {"prediction", prediction}});
    const RecModel& m = s.model();
    // m1 and m2 are rated identically by all 8 users: similarity 1, first neighbour.
    const int32_t m1 = item(s, "m1"), m2 = item(s, "m2");
    const Neighbours& nb = m.item_neighbours;
    ASSERT_GT(nb.offsets[m1 + 1], nb.offsets[m1]);
    EXPECT_EQ(nb.index[nb.offsets[m1]], m2);
    EXPECT_NEAR(nb.sim[nb.offsets[m1]], 1.0f, 1e-5);
    for (int32_t k = nb.offsets[m1]; k < nb.offsets[m1 + 1]; ++k)  // romance items are negative: not neighbours
      EXPECT_LE(nb.index[k], item(s, "m3"));

    // a1 gets Alien, because of the sci-fi films they rated.
    const UserHistory a1 = s.history(m.users.find("a1"), {});
    RankResult r = s.recommend(a1, {.k = 1});
    ASSERT_EQ(r.items.size(), 1u);
    EXPECT_EQ(m.items.ids[r.items[0].item], "m3");
    EXPECT_NE(r.items[0].reason.find("because you rated Star"), std::string::npos) << r.items[0].reason;

    // Prediction from the liked neighbours only (sims cancel with one neighbour's weight):
    const int32_t m3 = item(s, "m3");
    std::optional<float> p = s.predict(a1, m3);
    ASSERT_TRUE(p.has_value());
    if (std::string(prediction) == "baseline") {
      // b_u + b_m3 + mean over neighbours of (r - b_uj): r = 5 for m1, m2.
      const float bu = m.user_bias[a1.user];
      const float expect = m.global_mean + bu + m.item_bias[m3] +
                           ((5 - m.global_mean - bu - m.item_bias[m1]) + (5 - m.global_mean - bu - m.item_bias[m2])) / 2;
      EXPECT_NEAR(*p, std::min(expect, 5.0f), 1e-4);
    } else {
      // mean(m3) + mean of (5 - mean(mj)): m3's ratings 5,5,5,1,1,1,1; m1, m2: four 5s, four 1s.
      const float expect = 19.0f / 7 + (5 - 3.0f);
      EXPECT_NEAR(*p, std::min(expect, 5.0f), 1e-4);
    }
    EXPECT_GT(*p, 4.0f);
  }
}

TEST(RecsysAlgorithms, UserKnnFindsTheUsersWithTheSameTaste) {
  TempDir dir;
  Scorer s = train_scorer(dir, two_tastes(dir), {{"algo", "userknn"}, {"shrinkage", 0.0}, {"neighbours", 3}});
  const RecModel& m = s.model();
  const int32_t a1 = m.users.find("a1");
  const Neighbours& nb = m.user_neighbours;
  ASSERT_GE(nb.offsets[a1 + 1] - nb.offsets[a1], 3);
  for (int32_t k = nb.offsets[a1]; k < nb.offsets[a1] + 3; ++k) EXPECT_EQ(m.users.ids[nb.index[k]][0], 'a');
  RankResult r = s.recommend(s.history(a1, {}), {.k = 1});
  ASSERT_EQ(r.items.size(), 1u);
  EXPECT_EQ(m.items.ids[r.items[0].item], "m3");
  EXPECT_NE(r.items[0].reason.find("similar taste"), std::string::npos) << r.items[0].reason;
  std::optional<float> p = s.predict(s.history(a1, {}), item(s, "m3"));
  ASSERT_TRUE(p);
  EXPECT_GT(*p, 4.0f);
  std::optional<float> q = s.predict(s.history(m.users.find("b1"), {}), item(s, "m6"));
  ASSERT_TRUE(q);
  EXPECT_GT(*q, 4.0f);
  // A new user is placed among their neighbours from their ratings alone.
  std::vector<std::pair<int32_t, float>> fb = {{item(s, "m4"), 5}, {item(s, "m1"), 1}};
  RankResult n = s.recommend(s.history(-1, fb), {.k = 1});
  ASSERT_EQ(n.items.size(), 1u);
  EXPECT_FALSE(n.cold_start);
  EXPECT_TRUE(m.items.ids[n.items[0].item] == "m5" || m.items.ids[n.items[0].item] == "m6");
}

TEST(RecsysAlgorithms, MatrixFactorisationLearnsTheBlocks) {
  TempDir dir;
  Scorer s = train_scorer(dir, two_tastes(dir),
                          {{"algo", "mf"}, {"factors", 4}, {"epochs", 300}, {"lr", 0.02}, {"reg", 0.01}, {"seed", 3}});
  const RecModel& m = s.model();
  const UserHistory a1 = s.history(m.users.find("a1"), {}), b1 = s.history(m.users.find("b1"), {});
  EXPECT_GT(*s.predict(a1, item(s, "m3")), 4.0f);
  EXPECT_LT(*s.predict(b1, item(s, "m3")), 2.0f);
  EXPECT_GT(*s.predict(b1, item(s, "m6")), 4.0f);
  // Fold-in: a new user who loves romance and hates sci-fi.
  std::vector<std::pair<int32_t, float>> fb = {{item(s, "m4"), 5}, {item(s, "m5"), 5}, {item(s, "m1"), 1}};
  const UserHistory n = s.history(-1, fb);
  EXPECT_GT(*s.predict(n, item(s, "m6")), *s.predict(n, item(s, "m3")) + 1.0f);
  RankResult r = s.recommend(n, {.k = 1});
  EXPECT_EQ(m.items.ids[r.items[0].item], "m6");
  EXPECT_NE(r.items[0].reason.find("because you rated"), std::string::npos) << r.items[0].reason;
}

TEST(RecsysAlgorithms, MatrixFactorisationIsDeterministicForASeed) {
  TempDir d1, d2;
  nlohmann::json o = {{"algo", "mf"}, {"factors", 3}, {"epochs", 5}, {"seed", 9}};
  Scorer a = train_scorer(d1, two_tastes(d1), o), b = train_scorer(d2, two_tastes(d2), o);
  EXPECT_EQ(a.model().item_factors, b.model().item_factors);
}

TEST(RecsysAlgorithms, ImplicitAlsCompletesTheBlock) {
  TempDir dir;
  Scorer s = train_scorer(dir, two_tastes(dir, /*implicit=*/true),
                          {{"algo", "als"}, {"rating_col", ""}, {"factors", 4}, {"epochs", 10}, {"reg", 0.05}, {"alpha", 10.0}});
  const RecModel& m = s.model();
  EXPECT_TRUE(m.implicit);
  EXPECT_EQ(top_item(s, "a1"), "m3");
  EXPECT_EQ(top_item(s, "b1"), "m6");
  EXPECT_FALSE(s.predict(s.history(0, {}), 0).has_value());  // ALS ranks; it does not predict ratings
  // Fold-in of a new user with two romance films.
  RankResult r = s.recommend(s.history(-1, {{{item(s, "m4"), 1.0f}, {item(s, "m5"), 1.0f}}}), {.k = 1});
  EXPECT_EQ(m.items.ids[r.items[0].item], "m6");
}

TEST(RecsysAlgorithms, ContentProfileFromLikedItems) {
  TempDir dir;
  Scorer s = train_scorer(dir, two_tastes(dir), {{"algo", "content"}});
  const RecModel& m = s.model();
  RankResult r = s.recommend(s.history(m.users.find("a1"), {}), {.k = 1});
  ASSERT_EQ(r.items.size(), 1u);
  EXPECT_EQ(m.items.ids[r.items[0].item], "m3");
  EXPECT_NE(r.items[0].reason.find("sci-fi"), std::string::npos) << r.items[0].reason;
  // TF-IDF: "star" is in two titles, so Star Wars' nearest by content is Star Trek.
  std::vector<ItemScore> sim = s.similar_items(item(s, "m1"), 1);
  ASSERT_EQ(sim.size(), 1u);
  EXPECT_EQ(m.items.ids[sim[0].item], "m2");
  EXPECT_EQ(title_words("The Lord of the Rings: Return, Part II"),
            (std::vector<std::string>{"lord", "rings", "return", "part"}));
}

TEST(RecsysAlgorithms, HybridFallsBackToContentForColdItemsAndPopularityForColdUsers) {
  TempDir dir;
  const std::string items = write_text(dir, "items.csv", "movieId,title,genres\nm7,Star Wars: Episode II,Sci-Fi|Action\n");
  Scorer s = train_scorer(dir, two_tastes(dir), {{"algo", "hybrid"}, {"items", items}});
  const RecModel& m = s.model();
  ASSERT_EQ(m.items.size(), 7);
  // a1 (sci-fi) gets the unseen sci-fi films, including the one nobody rated yet.
  RankResult r = s.recommend(s.history(m.users.find("a1"), {}), {.k = 2});
  ASSERT_EQ(r.items.size(), 2u);
  std::vector<std::string> got = {m.items.ids[r.items[0].item], m.items.ids[r.items[1].item]};
  EXPECT_TRUE(std::find(got.begin(), got.end(), "m7") != got.end());
  EXPECT_TRUE(std::find(got.begin(), got.end(), "m3") != got.end());
  RankResult cold = s.recommend(s.history(-1, {}), {.k = 3});
  EXPECT_TRUE(cold.cold_start);
  EXPECT_EQ(cold.strategy, "popularity");
  EXPECT_EQ(cold.items[0].score, 8.0f);
}

TEST(RecsysAlgorithms, ExcludeSeenAndFilters) {
  TempDir dir;
  Scorer s = train_scorer(dir, two_tastes(dir), {{"algo", "popularity"}});
  const UserHistory a2 = s.history(s.model().users.find("a2"), {});
  EXPECT_EQ(s.recommend(a2, {.k = 10, .exclude_seen = true}).items.size(), 0u);  // a2 saw all six
  EXPECT_EQ(s.recommend(a2, {.k = 10, .exclude_seen = false}).items.size(), 6u);
  auto only_m5 = [&](int32_t i) { return s.model().items.ids[i] == "m5"; };
  RankResult f = s.recommend(a2, {.k = 10, .exclude_seen = false, .allow = only_m5});
  ASSERT_EQ(f.items.size(), 1u);
}

}  // namespace
}  // namespace maas::recsys

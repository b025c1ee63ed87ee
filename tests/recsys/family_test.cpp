// The recsys family as the platform drives it: detect, validate, load (with a state
// directory), the Recommender and Explainer capabilities, evaluate, and bad input.
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "core/capability/explainer.h"
#include "core/capability/recommender.h"
#include "recsys/recsys_family.h"
#include "recsys_test_util.h"

namespace maas::recsys {
namespace {

using maas::testing::TempDir;
using nlohmann::json;

class RecsysFamilyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    family_ = make_recsys_family();
    path_ = dir_.file("tastes.gguf");
    auto r = testing::train_to(testing::two_tastes(dir_), {{"algo", "itemknn"}, {"shrinkage", 0.0}}, path_);
    ASSERT_TRUE(r.is_ok()) << r.status().to_string();
    EXPECT_EQ(r->params["users"], 8);
    EXPECT_EQ(r->params["items"], 6);
  }
  std::shared_ptr<LoadedModel> load(const std::string& state_dir) {
    LoadOptions o;
    o.state_dir = state_dir;
    auto m = family_->load(Artifact{path_}, o);
    EXPECT_TRUE(m.is_ok()) << m.status().to_string();
    return m.is_ok() ? *m : nullptr;
  }
  TempDir dir_;
  std::unique_ptr<ModelFamily> family_;
  std::string path_;
};

TEST_F(RecsysFamilyTest, DetectsValidatesAndRefusesCorruptFiles) {
  FileProbe probe;
  probe.gguf_architecture = "recsys";
  EXPECT_EQ(family_->detect(probe), std::optional<std::string>("gguf"));
  probe.gguf_architecture = "llama";
  EXPECT_FALSE(family_->detect(probe).has_value());
  EXPECT_TRUE(family_->validate(Artifact{path_}).is_ok());
  EXPECT_TRUE(family_->can_train());

  // Truncated: the GGUF reader refuses it with a reason.
  std::ifstream in(path_, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), {});
  std::ofstream(dir_.file("cut.gguf"), std::ios::binary) << bytes.substr(0, bytes.size() / 2);
  Status st = family_->validate(Artifact{dir_.file("cut.gguf")});
  EXPECT_FALSE(st.is_ok());
  EXPECT_FALSE(st.message().empty());
}

TEST_F(RecsysFamilyTest, RecommendsExplainsAndTakesFeedback) {
  std::shared_ptr<LoadedModel> m = load(dir_.file("state"));
  ASSERT_TRUE(m);
  Recommender* rec = m->as<Recommender>();
  Explainer* why = m->as<Explainer>();
  ASSERT_TRUE(rec && why);

  auto r = rec->recommend({.user = "a1", .k = 1});
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  ASSERT_EQ(r->items.size(), 1u);
  EXPECT_EQ(r->items[0].item, "m3");
  EXPECT_EQ(r->items[0].title, "Alien");
  EXPECT_EQ(r->items[0].categories, (std::vector<std::string>{"Sci-Fi", "Horror"}));

  auto e = why->explain({{"user", "a1"}, {"item", "m3"}});
  ASSERT_TRUE(e.is_ok()) << e.status().to_string();
  ASSERT_GE((*e)["reasons"].size(), 2u) << e->dump();  // Star Wars and Star Trek both explain it
  EXPECT_NE((*e)["reasons"][0]["text"].get<std::string>().find("because you rated Star"), std::string::npos);
  EXPECT_GT((*e)["reasons"][0]["similarity"].get<double>(), 0.9);  // m3 is rated like m1 and m2 but by 7 users
  EXPECT_GT((*e)["predicted_rating"].get<double>(), 4.0);
  EXPECT_FALSE(why->explain({{"user", "a1"}, {"item", "nope"}}).is_ok());
  EXPECT_EQ(why->explain({{"user", "a1"}, {"item", "m3"}, {"extra", 1}}).status().field(), "extra");

  // A new user: cold start, then personalised after one rating; dislike counts as the
  // lowest rating.
  auto cold = rec->recommend({.user = "zed", .k = 3});
  ASSERT_TRUE(cold.is_ok());
  EXPECT_TRUE(cold->cold_start);
  ASSERT_TRUE(rec->feedback({.user = "zed", .item = "m4", .rating = 5.0}).is_ok());
  ASSERT_TRUE(rec->feedback({.user = "zed", .item = "m1", .event = "dislike"}).is_ok());
  auto warm = rec->recommend({.user = "zed", .k = 1});
  ASSERT_TRUE(warm.is_ok());
  EXPECT_FALSE(warm->cold_start);
  EXPECT_TRUE(warm->items[0].item == "m5" || warm->items[0].item == "m6") << warm->items[0].item;

  // Bad feedback and k.
  EXPECT_EQ(rec->feedback({.user = "zed", .item = "m1", .rating = 7.0}).status().field(), "rating");
  EXPECT_EQ(rec->feedback({.user = "zed", .item = "m1"}).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(rec->recommend({.user = "zed", .k = 0}).status().field(), "k");
  EXPECT_EQ(rec->similar_items("nope", 3).status().code(), Code::kNotFound);
  auto filtered = rec->recommend({.user = "zed", .k = 5, .category = "horror"});
  ASSERT_TRUE(filtered.is_ok());
  ASSERT_EQ(filtered->items.size(), 1u);
  EXPECT_EQ(filtered->items[0].item, "m3");

  // A reload replays the stored feedback.
  std::shared_ptr<LoadedModel> again = load(dir_.file("state"));
  auto replayed = again->as<Recommender>()->recommend({.user = "zed", .k = 1});
  ASSERT_TRUE(replayed.is_ok());
  EXPECT_FALSE(replayed->cold_start);
  EXPECT_EQ(replayed->items[0].item, warm->items[0].item);
}

TEST_F(RecsysFamilyTest, EvaluatesHeldOutRows) {
  std::shared_ptr<LoadedModel> m = load("");
  const std::string test = testing::write_text(dir_, "test.csv",
                                               "userId,movieId,rating,timestamp\na1,m3,5,1\nb1,m6,5,2\nb1,m3,1,3\n");
  EvalSpec spec{test, {{"k", 1}}};
  auto metrics = family_->evaluate(*m, spec);
  ASSERT_TRUE(metrics.is_ok()) << metrics.status().to_string();
  const json& v = metrics->values;
  EXPECT_EQ(v["users_evaluated"], 2);
  EXPECT_DOUBLE_EQ(v["precision_at_1"].get<double>(), 1.0);  // a1 -> m3, b1 -> m6
  EXPECT_DOUBLE_EQ(v["recall_at_1"].get<double>(), 0.75);    // (1 + 1/2) / 2
  EXPECT_DOUBLE_EQ(v["ndcg_at_1"].get<double>(), 1.0);
  EXPECT_LT(v["rmse"].get<double>(), 1.5);
  EXPECT_FALSE(metrics->higher_is_better["rmse"].get<bool>());
  EXPECT_TRUE(metrics->higher_is_better["ndcg_at_1"].get<bool>());
  EXPECT_NEAR(v["coverage"].get<double>(), 2.0 / 6, 1e-9);

  const std::string bad = testing::write_text(dir_, "bad.csv", "userId,movieId,rating,timestamp\na1,m3,x,1\n");
  auto err = family_->evaluate(*m, EvalSpec{bad, {}});
  ASSERT_FALSE(err.is_ok());
  EXPECT_NE(err.status().message().find("line 2"), std::string::npos) << err.status().message();
}

TEST_F(RecsysFamilyTest, TrainingRefusesBadOptionsAndLeavesNoFile) {
  const std::string out = dir_.file("bad.gguf");
  auto implicit_mf = testing::train_to(testing::two_tastes(dir_), {{"algo", "mf"}, {"rating_col", ""}}, out);
  EXPECT_FALSE(implicit_mf.is_ok());
  auto no_column = testing::train_to(testing::two_tastes(dir_), {{"algo", "bias"}, {"user_col", "who"}}, out);
  ASSERT_FALSE(no_column.is_ok());
  EXPECT_NE(no_column.status().message().find("'who'"), std::string::npos);
  EXPECT_FALSE(resolve_options(train_option_specs(), {{"algo", "svd++"}}).is_ok());
  EXPECT_FALSE(resolve_options(train_option_specs(), json::object()).is_ok());  // --algo is required
  EXPECT_FALSE(std::filesystem::exists(out));
}

}  // namespace
}  // namespace maas::recsys

// The capabilities a loaded textclf model offers, in process: Classifier (a label and
// every label's probability per text) and Explainer (signed n-gram weights that add up
// to the logit difference between the predicted label and the runner-up).
#include <cmath>
#include <map>

#include <gtest/gtest.h>

#include "helpers/server_process.h"
#include "text/textclf/textclf_family.h"
#include "text/textclf_data.h"

namespace maas::text {
namespace {

using maas::testing::TempDir;
using nlohmann::json;

const char* kThreeWay =
    "text,label\n"
    "the striker scored a late goal,sport\n"
    "a goal in the final minute won the match,sport\n"
    "the team won the cup final,sport\n"
    "parliament passed the budget vote,politics\n"
    "the minister lost the vote,politics\n"
    "the election campaign and the budget,politics\n"
    "\"new chips, faster phones\",tech\n"
    "the phone has a faster chip and more memory,tech\n"
    "software update for the laptop memory,tech\n";

std::shared_ptr<LoadedModel> train_and_load(const std::string& dir, const std::string& csv, json options) {
  const std::string data = testing::write_text(dir, "data.csv", csv);
  auto family = make_textclf_family();
  NullTrainMonitor monitor;
  options.update({{"validation", 0.0}, {"epochs", 40}, {"lr", 0.1}});
  auto trained = family->train(TrainSpec{data, testing::train_options(options), dir + "/m.gguf", &monitor});
  EXPECT_TRUE(trained.is_ok()) << trained.status().to_string();
  auto loaded = family->load(Artifact{dir + "/m.gguf"}, LoadOptions{});
  EXPECT_TRUE(loaded.is_ok()) << loaded.status().to_string();
  return loaded.is_ok() ? *loaded : nullptr;
}

TEST(TextClfCapability, ClassifiesEveryTextWithEveryLabelsProbability) {
  TempDir dir;
  auto model = train_and_load(dir.path(), kThreeWay, json::object());
  ASSERT_NE(model, nullptr);
  Classifier* classifier = model->as<Classifier>();
  ASSERT_NE(classifier, nullptr);
  EXPECT_EQ(classifier->labels(), (std::vector<std::string>{"politics", "sport", "tech"}));

  auto out = classifier->classify({json("a goal won the match"), json("the budget vote"), json("a faster laptop chip"), json("")});
  ASSERT_TRUE(out.is_ok()) << out.status().to_string();
  ASSERT_EQ(out->size(), 4u);
  EXPECT_EQ((*out)[0].label, "sport");
  EXPECT_EQ((*out)[1].label, "politics");
  EXPECT_EQ((*out)[2].label, "tech");
  for (const Classification& c : *out) {
    ASSERT_EQ(c.probabilities.size(), 3u);
    double total = 0, best = 0;
    for (const auto& [label, p] : c.probabilities) total += p, best = std::max(best, p);
    EXPECT_NEAR(total, 1.0, 1e-9);
    for (const auto& [label, p] : c.probabilities)
      if (label == c.label) {
        EXPECT_EQ(p, best);
      }
  }
  EXPECT_EQ((*out)[0].probabilities[0].first, "politics");  // the model's label order
}

TEST(TextClfCapability, ANonTextInputIsRefusedByIndex) {
  TempDir dir;
  auto model = train_and_load(dir.path(), kThreeWay, json::object());
  ASSERT_NE(model, nullptr);
  auto out = model->as<Classifier>()->classify({json("fine"), json(42)});
  ASSERT_FALSE(out.is_ok());
  EXPECT_EQ(out.status().code(), Code::kInvalidArgument);
  EXPECT_EQ(out.status().field(), "input[1]");
  EXPECT_NE(out.status().message().find("input[1]: a text classifier takes texts (strings), got number"),
            std::string::npos)
      << out.status().message();
}

void expect_adds_up(const json& e) {
  double sum = e["bias"].get<double>(), by_word = e["bias"].get<double>();
  for (const auto& w : e["weights"]) sum += w["weight"].get<double>();
  for (const auto& w : e["words"]) by_word += w["weight"].get<double>();
  EXPECT_NEAR(sum, e["logit_difference"].get<double>(), 1e-9) << e.dump();
  EXPECT_NEAR(by_word, e["logit_difference"].get<double>(), 1e-9) << e.dump();
  EXPECT_NEAR(e["check"]["sum"].get<double>(), e["logit_difference"].get<double>(), 1e-9);
  EXPECT_LT(e["check"]["error"].get<double>(), 1e-9);
}

TEST(TextClfCapability, ExplanationWeightsAddUpToTheLogitDifference) {
  TempDir dir;
  auto model = train_and_load(dir.path(), kThreeWay, {{"char_ngrams", json::array({3, 4})}});
  ASSERT_NE(model, nullptr);
  Explainer* explainer = model->as<Explainer>();
  ASSERT_NE(explainer, nullptr);
  auto e = explainer->explain({{"input", "A late goal won the final"}});
  ASSERT_TRUE(e.is_ok()) << e.status().to_string();
  EXPECT_EQ((*e)["label"], "sport");
  EXPECT_NE((*e)["versus"], "sport");
  EXPECT_GT((*e)["logit_difference"].get<double>(), 0);
  expect_adds_up(*e);
  // The strongest weight pushes towards the label, and it is a feature of the text.
  const json& top = (*e)["weights"][0];
  EXPECT_GT(top["weight"].get<double>(), 0);
  bool has_goal = false;
  for (const auto& w : (*e)["weights"]) has_goal |= w["term"] == "goal";
  EXPECT_TRUE(has_goal);
  // Weights come by decreasing size; "top" lists fewer but the check still counts all.
  for (size_t i = 1; i < (*e)["weights"].size(); ++i)
    EXPECT_GE(std::abs((*e)["weights"][i - 1]["weight"].get<double>()), std::abs((*e)["weights"][i]["weight"].get<double>()));
  auto top2 = explainer->explain({{"input", "A late goal won the final"}, {"top", 2}});
  ASSERT_TRUE(top2.is_ok());
  EXPECT_EQ((*top2)["weights"].size(), 2u);
  EXPECT_EQ((*top2)["check"], (*e)["check"]);

  // The logit difference is the log of the probability ratio.
  const json& p = (*e)["probabilities"];
  EXPECT_NEAR(std::log(p[(*e)["label"].get<std::string>()].get<double>() / p[(*e)["versus"].get<std::string>()].get<double>()),
              (*e)["logit_difference"].get<double>(), 1e-9);
}

TEST(TextClfCapability, BinaryExplanationIsVersusTheOtherClass) {
  TempDir dir;
  auto model = train_and_load(dir.path(),
                              "text,label\ngreat fun,pos\nloved it,pos\nreally great,pos\nawful,neg\nhated it,neg\nreally bad,neg\n",
                              json::object());
  ASSERT_NE(model, nullptr);
  for (const char* text : {"really great fun", "awful, hated it", "no known word"}) {
    auto e = model->as<Explainer>()->explain({{"input", text}});
    ASSERT_TRUE(e.is_ok());
    EXPECT_NE((*e)["label"], (*e)["versus"]);
    expect_adds_up(*e);
  }
  auto neg = model->as<Explainer>()->explain({{"input", "awful, hated it"}});
  EXPECT_EQ((*neg)["label"], "neg");
  EXPECT_EQ((*neg)["versus"], "pos");
  // By word: "hated it" is a bigram shared by its two words, so each word of the text
  // appears once, and "awful" (only ever negative) pushes towards "neg".
  std::map<std::string, double> words;
  for (const auto& w : (*neg)["words"]) words[w["word"]] = w["weight"];
  ASSERT_EQ(words.size(), 3u) << neg->dump();
  EXPECT_GT(words["awful"], 0);
  EXPECT_GT(words["hated"], 0);
  EXPECT_EQ(model->as<Explainer>()->explain({{"input", "no known word"}})->at("weights").size(), 0u);
}

TEST(TextClfCapability, BadExplanationRequestsNameTheField) {
  TempDir dir;
  auto model = train_and_load(dir.path(), kThreeWay, json::object());
  ASSERT_NE(model, nullptr);
  Explainer* explainer = model->as<Explainer>();
  EXPECT_EQ(explainer->explain({{"input", 3}}).status().field(), "input");
  EXPECT_EQ(explainer->explain(json::object()).status().field(), "input");
  EXPECT_EQ(explainer->explain({{"input", "x"}, {"top", 0}}).status().field(), "top");
  auto unknown = explainer->explain({{"input", "x"}, {"features", 3}});
  EXPECT_EQ(unknown.status().field(), "features");
  EXPECT_EQ(unknown.status().code(), Code::kInvalidArgument);
}

}  // namespace
}  // namespace maas::text

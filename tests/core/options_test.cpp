#include "core/options.h"

#include <gtest/gtest.h>

namespace maas {
namespace {

OptionSpecs specs() {
  return {{"epochs", OptionType::kInt, 5, "passes", {}, false, 1, 1000},
          {"lr", OptionType::kFloat, 0.01, "step", {}, false, 0, 10},
          {"hidden", OptionType::kIntList, nlohmann::json::array({128, 64}), "layers", {}, false, 1},
          {"mode", OptionType::kString, "cbow", "", {"cbow", "skipgram"}},
          {"target", OptionType::kString, nullptr, "", {}, true},
          {"shuffle", OptionType::kBool, true, ""},
          {"items", OptionType::kPath, nullptr, ""}};
}

TEST(Options, DefaultsFillWhatIsNotGiven) {
  auto r = resolve_options(specs(), {{"target", "y"}});
  ASSERT_TRUE(r.is_ok()) << r.status().message();
  EXPECT_EQ((*r)["epochs"], 5);
  EXPECT_DOUBLE_EQ((*r)["lr"].get<double>(), 0.01);
  EXPECT_EQ((*r)["hidden"], nlohmann::json::array({128, 64}));
  EXPECT_EQ((*r)["mode"], "cbow");
  EXPECT_EQ((*r)["shuffle"], true);
  EXPECT_FALSE(r->contains("items"));  // no default: absent
}

TEST(Options, ErrorsNameTheOption) {
  struct Case {
    nlohmann::json given;
    std::string field, message;
  } cases[] = {
      {{{"target", "y"}, {"epoch", 3}}, "options.epoch", "unknown option 'epoch'"},
      {{{"target", "y"}, {"epochs", 0}}, "options.epochs", "between 1 and 1000"},
      {{{"target", "y"}, {"epochs", 2.5}}, "options.epochs", "must be an integer"},
      {{{"target", "y"}, {"lr", "fast"}}, "options.lr", "must be a number"},
      {{{"target", "y"}, {"hidden", {1, "x"}}}, "options.hidden", "list of integers"},
      {{{"target", "y"}, {"hidden", {128, 0}}}, "options.hidden", "at least 1"},
      {{{"target", "y"}, {"mode", "glove"}}, "options.mode", "one of: cbow, skipgram (got 'glove')"},
      {{{"target", "y"}, {"items", ""}}, "options.items", "must not be empty"},
      {nlohmann::json::object(), "options.target", "'target' is required"},
  };
  for (const Case& c : cases) {
    auto r = resolve_options(specs(), c.given);
    ASSERT_FALSE(r.is_ok()) << c.given.dump();
    EXPECT_EQ(r.status().code(), Code::kInvalidArgument);
    EXPECT_EQ(r.status().field(), c.field) << c.given.dump();
    EXPECT_NE(r.status().message().find(c.message), std::string::npos) << r.status().message();
  }
  EXPECT_FALSE(resolve_options(specs(), nlohmann::json::array()).is_ok());
}

TEST(Options, CommandLineTextInEachType) {
  const OptionSpecs s = specs();
  EXPECT_EQ(*parse_option_text(s[0], "12"), 12);
  EXPECT_DOUBLE_EQ(parse_option_text(s[1], "1e-3")->get<double>(), 1e-3);
  EXPECT_EQ(*parse_option_text(s[2], "256,128,64"), nlohmann::json::array({256, 128, 64}));
  EXPECT_EQ(*parse_option_text(s[3], "skipgram"), "skipgram");
  EXPECT_EQ(*parse_option_text(s[5], "false"), false);
  EXPECT_FALSE(parse_option_text(s[0], "12x").is_ok());
  EXPECT_FALSE(parse_option_text(s[0], "").is_ok());
  EXPECT_FALSE(parse_option_text(s[1], "nan").is_ok());
  EXPECT_FALSE(parse_option_text(s[2], "128,,64").is_ok());
  EXPECT_FALSE(parse_option_text(s[5], "maybe").is_ok());
  EXPECT_EQ(option_flag("text_col"), "--text-col");
}

}  // namespace
}  // namespace maas

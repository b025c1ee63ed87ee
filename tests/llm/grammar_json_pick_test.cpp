// JsonConstraint and constrained_pick on a toy vocabulary: every finished generation is
// a JSON document nlohmann::json parses, whatever the logits say.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "llm/grammar/json_constraint.h"

namespace maas::llm {
namespace {

// Every printable ASCII byte, multi-byte pieces as BPE vocabularies have them (whole and
// split UTF-8 characters, escapes, JSON punctuation runs), junk, and a control token
// with no bytes. EOS is the last id.
struct ToyVocab {
  std::vector<std::string> tokens;
  int32_t eos = 0;

  ToyVocab() {
    for (int c = 0x20; c < 0x7F; ++c) tokens.emplace_back(1, static_cast<char>(c));
    for (const char* t :
         {"{\"", "\":", "\",", "\"}", "},", "],", "}}", "]}", "true", "false", "null", "  ", "\n",
          "\n  ", "\t", "12", "3.5", "e+", "-0", "\\n", "\\\"", "\\u00e9", "\\ud83d", "\\ude00",
          "\xC3\xA9", "\xC3", "\xA9", "\xE6\x97\xA5", "\xF0\x9F\x98\x80", "\xF0\x9F", "\x98\x80",
          "\x01", "xyz", "}}}", "<|im_start|>", "NaN", "name", " \"", "\": \"", "\"]", ""}) {
      tokens.emplace_back(t);
    }
    eos = static_cast<int32_t>(tokens.size());
    tokens.emplace_back("");  // EOS has no bytes
  }
  int32_t id(const std::string& text) const {
    for (size_t i = 0; i < tokens.size(); ++i) {
      if (tokens[i] == text && static_cast<int32_t>(i) != eos) return static_cast<int32_t>(i);
    }
    ADD_FAILURE() << "no token " << text;
    return 0;
  }
  TokenBytesViewFn bytes() const {
    return [this](int32_t t) { return std::string_view(tokens[static_cast<size_t>(t)]); };
  }
  size_t size() const { return tokens.size(); }
};

int32_t argmax(std::span<const float> logits) {
  int32_t best = 0;
  for (size_t i = 1; i < logits.size(); ++i) {
    if (logits[i] > logits[best]) best = static_cast<int32_t>(i);
  }
  return best;
}

// A softmax draw, as a temperature-1 sampler does.
int32_t draw(std::span<const float> logits, std::mt19937& rng) {
  float max = -std::numeric_limits<float>::infinity();
  for (float l : logits) max = std::max(max, l);
  std::vector<double> p(logits.size());
  for (size_t i = 0; i < logits.size(); ++i) p[i] = std::isinf(logits[i]) ? 0.0 : std::exp(logits[i] - max);
  std::discrete_distribution<int32_t> dist(p.begin(), p.end());
  return dist(rng);
}

TEST(JsonConstraint, AllowsTextUntilClosedThenOnlyEnd) {
  JsonConstraint json(JsonOptions{.require_object = true});
  EXPECT_FALSE(json.allows_end());
  EXPECT_FALSE(json.allows_text("["));
  EXPECT_FALSE(json.allows_text(""));  // no progress: never allowed
  EXPECT_TRUE(json.allows_text(" {"));
  ASSERT_TRUE(json.advance("{\"a\": 1"));
  EXPECT_FALSE(json.allows_end());
  EXPECT_FALSE(json.advance("]"));
  ASSERT_TRUE(json.advance("}"));
  EXPECT_TRUE(json.allows_end());
  EXPECT_FALSE(json.allows_text(" "));  // complete: only end-of-generation
  EXPECT_FALSE(json.allows_text("\n"));
  EXPECT_FALSE(json.advance(" "));

  // A top-level number may still grow while it is complete.
  JsonConstraint number;
  ASSERT_TRUE(number.advance("1"));
  EXPECT_TRUE(number.allows_end());
  EXPECT_TRUE(number.allows_text("2"));
}

TEST(JsonConstraint, TokenEndingInWhitespaceMayCloseTheValue) {
  JsonConstraint json(JsonOptions{.require_object = true});
  ASSERT_TRUE(json.advance("{}\n"));  // a "}\n" token is common in BPE vocabularies
  EXPECT_TRUE(json.allows_end());
}

TEST(ConstrainedPick, ResamplesAndMasksDisallowedTokens) {
  ToyVocab v;
  std::vector<float> logits(v.size(), 0.0f);
  JsonConstraint json(JsonOptions{.require_object = true});
  // The sampler proposes junk, then "[" (not an object), then "{".
  std::vector<int32_t> proposals = {v.id("xyz"), v.id("["), v.id("{")};
  size_t next = 0;
  std::vector<int32_t> seen;
  int32_t t = constrained_pick(logits, v.bytes(), v.eos, json, [&](std::span<const float> l) {
    int32_t p = proposals[next++];
    seen.push_back(p);
    EXPECT_FALSE(std::isinf(l[p]));
    return p;
  });
  EXPECT_EQ(t, v.id("{"));
  EXPECT_EQ(seen.size(), 3u);
  EXPECT_TRUE(std::isinf(logits[v.id("xyz")]));
  EXPECT_TRUE(std::isinf(logits[v.id("[")]));
  EXPECT_FALSE(std::isinf(logits[v.id("{")]));
  EXPECT_EQ(json.state().depth(), 1);  // the chosen token was fed
}

TEST(ConstrainedPick, FallsBackToTheBestAllowedTokenByLogit) {
  ToyVocab v;
  std::vector<float> logits(v.size(), 0.0f);
  logits[v.id("xyz")] = 9;
  logits[v.id("NaN")] = 8;
  logits[v.id("[")] = 7;
  logits[v.id("{\"")] = 5;  // the best token that can start an object
  logits[v.id("{")] = 4;
  JsonConstraint json(JsonOptions{.require_object = true});
  int calls = 0;
  int32_t t = constrained_pick(
      logits, v.bytes(), v.eos, json,
      [&](std::span<const float> l) { ++calls; return argmax(l); },  // "xyz", "NaN", "["
      ConstrainedPickOptions{.max_resamples = 3});
  EXPECT_EQ(calls, 3);
  EXPECT_EQ(t, v.id("{\""));
}

TEST(ConstrainedPick, EndTokensOnlyWhenComplete) {
  ToyVocab v;
  const int32_t im_end = v.id("<|im_start|>");  // stands in for a second end-of-generation id
  const int32_t other_end[] = {im_end};
  std::vector<float> logits(v.size(), 0.0f);
  logits[im_end] = 10;
  logits[v.eos] = 9;
  logits[v.id("{")] = 1;
  JsonConstraint json(JsonOptions{.require_object = true});
  ConstrainedPickOptions options{.other_end_ids = other_end};
  EXPECT_EQ(constrained_pick(logits, v.bytes(), v.eos, json, argmax, options), v.id("{"));
  ASSERT_TRUE(json.advance("}"));
  std::fill(logits.begin(), logits.end(), 0.0f);
  logits[im_end] = 10;
  EXPECT_EQ(constrained_pick(logits, v.bytes(), v.eos, json, argmax, options), im_end);
  // Closed: text is refused even when the model prefers it.
  std::fill(logits.begin(), logits.end(), 0.0f);
  logits[v.id(" ")] = 10;
  logits[im_end] = -10;
  logits[v.eos] = -5;
  EXPECT_EQ(constrained_pick(logits, v.bytes(), v.eos, json, argmax, options), v.eos);
}

TEST(ConstrainedPick, NoAllowedToken) {
  ToyVocab v;
  std::vector<float> logits(v.size(), -std::numeric_limits<float>::infinity());
  logits[v.id("xyz")] = 1;
  logits[v.eos] = 2;
  JsonConstraint json(JsonOptions{.require_object = true});
  EXPECT_EQ(constrained_pick(logits, v.bytes(), v.eos, json, argmax), kNoAllowedToken);
  EXPECT_EQ(json.state().depth(), 0);
}

TEST(ConstrainedPick, GreedyModelThatLovesSpacesStillFinishes) {
  ToyVocab v;
  JsonConstraint json(JsonOptions{.require_object = true});
  std::string text;
  for (int step = 0; step < 100; ++step) {
    std::vector<float> logits(v.size(), 0.0f);
    logits[v.id("  ")] = 10;
    logits[v.id("\n")] = 9;
    logits[v.id("{")] = 8;
    logits[v.id("}")] = 7;
    logits[v.eos] = 6;
    int32_t t = constrained_pick(logits, v.bytes(), v.eos, json, argmax);
    ASSERT_NE(t, kNoAllowedToken);
    if (t == v.eos) break;
    text += v.tokens[static_cast<size_t>(t)];
  }
  EXPECT_TRUE(json.state().complete());
  EXPECT_TRUE(nlohmann::json::accept(text)) << text;
  EXPECT_TRUE(nlohmann::json::parse(text).is_object());
  // Two whitespace runs of at most 8 spaces + 2 line breaks + 40 of indentation.
  EXPECT_LE(text.size(), 2u * (8 + 2 + 40) + 2) << text;
}

// Random logits drawn at temperature 1; after a while the model leans towards closing
// brackets and EOS, like a model that wants to stop. Every run that ends must parse.
void random_generations(bool require_object, uint32_t seed_base) {
  ToyVocab v;
  const std::vector<int32_t> closers = {v.id("}"), v.id("]"), v.id("\""), v.id("1"), v.eos};
  int finished = 0;
  const int runs = 150;
  for (int run = 0; run < runs; ++run) {
    std::mt19937 rng(seed_base + static_cast<uint32_t>(run));
    std::normal_distribution<float> noise(0.0f, 2.0f);
    JsonOptions options;
    options.require_object = require_object;
    JsonConstraint json(options);
    std::string text;
    bool ended = false;
    for (int step = 0; step < 400 && !ended; ++step) {
      std::vector<float> logits(v.size());
      for (float& l : logits) l = noise(rng);
      if (step > 40) {
        for (int32_t c : closers) logits[static_cast<size_t>(c)] += 0.1f * static_cast<float>(step - 40);
      }
      int32_t t = constrained_pick(logits, v.bytes(), v.eos, json,
                                   [&](std::span<const float> l) { return draw(l, rng); });
      ASSERT_NE(t, kNoAllowedToken) << text;
      if (t == v.eos) {
        ended = true;
      } else {
        text += v.tokens[static_cast<size_t>(t)];
      }
    }
    if (!ended) continue;
    ++finished;
    ASSERT_TRUE(json.state().complete()) << text;
    nlohmann::json parsed = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
    ASSERT_FALSE(parsed.is_discarded()) << text;
    if (require_object) {
      ASSERT_TRUE(parsed.is_object()) << text;
    }
  }
  EXPECT_GE(finished, runs * 9 / 10);
}

TEST(ConstrainedPick, RandomGenerationsAreValidJsonObjects) { random_generations(true, 1000); }
TEST(ConstrainedPick, RandomGenerationsAreValidJsonValues) { random_generations(false, 5000); }

}  // namespace
}  // namespace maas::llm

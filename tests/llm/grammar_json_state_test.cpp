// The JSON recogniser against hand-picked documents (fed whole, byte by byte and split
// at every position), against nlohmann::json on random mutations, and its limits.
#include <gtest/gtest.h>

#include <cstdio>
#include <optional>
#include <random>
#include <string>
#include <type_traits>
#include <vector>

#include <nlohmann/json.hpp>

#include "llm/grammar/json_state.h"

namespace maas::llm {
namespace {

const std::vector<std::string> kValid = {
    "{}",
    "[]",
    "{\"a\":1}",
    " { \"a\" : [1, 2.5, -3e10, 0, -0.0e-0, 1E+2, 12.75E-3] } ",
    "\"str\"",
    "123",
    "-0",
    "0.5",
    "1e5",
    "true",
    "false",
    "null",
    "[[[[]]]]",
    "{\"a\":{\"b\":{\"c\":[true,false,null]}}}",
    R"("esc \" \\ \/ \b \f \n \r \t \u00e9 \uD83D\uDE00 \ud83d\ude00")",
    "\"h\xC3\xA9llo \xE6\x97\xA5\xE6\x9C\xAC \xF0\x9F\x98\x80 \xEF\xBF\xBD \xF4\x8F\xBF\xBF\"",
    "[1,\"a\",{\"k\":[]},null]",
    "{\"\":\"\"}",
    R"("\u0000")",
    "\"del \x7F ok\"",
    "{\n  \"name\": \"maas\",\n  \"tags\": [\n    \"a\",\n    \"b\"\n  ],\n  \"n\": -1.5e-7\n}\n",
    "[ ]",
    "{ }",
    "\t[\r\n1\r\n]",
};

const std::vector<std::string> kInvalid = {
    "", " ", "{", "}", "[", "]", "[1,]", "{\"a\":1,}", "{\"a\"}", "{a:1}", "{'a':1}",
    "01", "-01", "1.", ".5", "-", "+1", "1e", "1e+", "1.e5", "tru", "True", "nul", "nulll",
    "\"abc", R"("\x")", R"("\u12")", R"("\u12G4")", R"("\uD800")", R"("\uDC00")",
    R"("\uD800\u0041")", R"("\uD800x")", R"("\uDBFF\uDBFF")",
    "\"\x01\"", "\"tab\tinside\"", "\"nl\ninside\"",
    "\"\xC0\x80\"", "\"\xC1\xBF\"", "\"\xE0\x80\x80\"", "\"\xED\xA0\x80\"",
    "\"\xF0\x80\x80\x80\"", "\"\xF4\x90\x80\x80\"", "\"\xF5\x80\x80\x80\"", "\"\xC3\"",
    "\"\x80\"", "\"\xFF\"", "\xC3\xA9",
    "[1 2]", "{\"a\":1 \"b\":2}", "{} {}", "[]]", "[}", "{]", "NaN", "Infinity", "1 2",
    "[1,,2]", "{\"a\"::1}", "{,}", "[,1]", "{\"a\":}", "\"a\":1",
};

JsonOptions lenient() { return JsonOptions::unlimited_whitespace(); }

bool whole(const std::string& doc, JsonOptions o = lenient()) {
  JsonState s(o);
  return s.accept(doc) && s.complete();
}

bool byte_by_byte(const std::string& doc, JsonOptions o = lenient()) {
  JsonState s(o);
  for (char c : doc) {
    if (!s.accept(std::string_view(&c, 1))) return false;
  }
  return s.complete();
}

bool split(const std::string& doc, size_t at, JsonOptions o = lenient()) {
  JsonState s(o);
  return s.accept(std::string_view(doc).substr(0, at)) &&
         s.accept(std::string_view(doc).substr(at)) && s.complete();
}

// nlohmann's verdict, or nullopt where it differs from RFC 8259 by design (numbers that
// overflow a double, a leading byte-order mark).
std::optional<bool> reference(const std::string& doc) {
  if (doc.rfind("\xEF\xBB\xBF", 0) == 0) return std::nullopt;
  try {
    nlohmann::json parsed = nlohmann::json::parse(doc);
    return !parsed.is_discarded();
  } catch (const nlohmann::json::exception& e) {
    if (std::string(e.what()).find("number overflow") != std::string::npos) return std::nullopt;
    return false;
  }
}

// For failure messages: the document with non-printable bytes as \xHH.
std::string printable(const std::string& doc) {
  std::string out;
  for (unsigned char c : doc) {
    if (c >= 0x20 && c < 0x7F) {
      out += static_cast<char>(c);
    } else {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02X", c);
      out += buf;
    }
  }
  return out;
}

TEST(JsonState, IsSmallAndTriviallyCopyable) {
  static_assert(std::is_trivially_copyable_v<JsonState>);
  EXPECT_LE(sizeof(JsonState), 80u);
}

TEST(JsonState, ValidDocuments) {
  for (const std::string& doc : kValid) {
    EXPECT_TRUE(whole(doc)) << doc;
    EXPECT_TRUE(byte_by_byte(doc)) << doc;
    for (size_t at = 0; at <= doc.size(); ++at) EXPECT_TRUE(split(doc, at)) << doc << " @" << at;
    EXPECT_EQ(reference(doc), std::optional<bool>(true)) << doc;
  }
}

TEST(JsonState, InvalidDocuments) {
  for (const std::string& doc : kInvalid) {
    EXPECT_FALSE(whole(doc)) << doc;
    EXPECT_FALSE(byte_by_byte(doc)) << doc;
    for (size_t at = 0; at <= doc.size(); ++at) EXPECT_FALSE(split(doc, at)) << doc << " @" << at;
    EXPECT_EQ(reference(doc), std::optional<bool>(false)) << doc;
  }
}

TEST(JsonState, EveryPrefixOfAValidDocumentIsAccepted) {
  for (const std::string& doc : kValid) {
    for (size_t n = 0; n <= doc.size(); ++n) {
      JsonState s(lenient());
      EXPECT_TRUE(s.accept(doc.substr(0, n))) << doc << " prefix " << n;
    }
  }
}

TEST(JsonState, RejectionLeavesTheStateUnchanged) {
  JsonState s;
  ASSERT_TRUE(s.accept("{\"a\":[1,"));
  EXPECT_FALSE(s.accept("]"));      // trailing comma
  EXPECT_FALSE(s.accept("2}"));     // wrong closer, after a good byte
  EXPECT_TRUE(s.accept("2]}"));
  EXPECT_TRUE(s.complete());
  EXPECT_TRUE(s.closed());
}

TEST(JsonState, CompleteAndClosed) {
  JsonState n;
  ASSERT_TRUE(n.accept("12"));
  EXPECT_TRUE(n.complete());
  EXPECT_FALSE(n.closed());  // "123" is still possible
  ASSERT_TRUE(n.accept("."));
  EXPECT_FALSE(n.complete());
  ASSERT_TRUE(n.accept("5 "));
  EXPECT_TRUE(n.closed());

  JsonState o;
  ASSERT_TRUE(o.accept("{\"k\": \"v"));
  EXPECT_TRUE(o.in_string());
  EXPECT_EQ(o.depth(), 1);
  EXPECT_FALSE(o.complete());
  ASSERT_TRUE(o.accept("\"}"));
  EXPECT_TRUE(o.complete());
  EXPECT_TRUE(o.accept("\n"));   // trailing whitespace is JSON
  EXPECT_FALSE(o.accept("x"));
}

TEST(JsonState, RequireObject) {
  JsonOptions o;
  o.require_object = true;
  for (const char* bad : {"[]", "\"a\"", "1", "true", "null"}) {
    JsonState s(o);
    EXPECT_FALSE(s.accept(std::string_view(bad, 1))) << bad;
  }
  JsonState s(o);
  EXPECT_TRUE(s.accept("  {\"a\": [1, \"x\", null]}"));
  EXPECT_TRUE(s.complete());
}

TEST(JsonState, WhitespaceRunsAreBounded) {
  auto ok = [](const std::string& doc) { return whole(doc, JsonOptions{}); };
  EXPECT_TRUE(ok("{" + std::string(8, ' ') + "}"));
  EXPECT_FALSE(ok("{" + std::string(9, ' ') + "}"));
  EXPECT_TRUE(ok(std::string(8, ' ') + "[" + std::string(8, '\t') + "1" + std::string(8, ' ') + "]"));
  EXPECT_TRUE(ok("{\n" + std::string(40, ' ') + "\"a\":1}"));
  EXPECT_FALSE(ok("{\n" + std::string(41, ' ') + "\"a\":1}"));
  EXPECT_TRUE(ok("[1,\r\n  2]"));
  EXPECT_FALSE(ok("[1,\n\n\n2]"));
  EXPECT_TRUE(ok("[1, \n  \n 2]"));     // two line-break bytes
  EXPECT_FALSE(ok("[1, \n  \r\n 2]"));  // three
  // Whitespace inside strings is text, not a run.
  EXPECT_TRUE(ok("\"" + std::string(100, ' ') + "\""));
  // A run split across tokens is still one run.
  JsonState s;
  ASSERT_TRUE(s.accept("[    "));
  ASSERT_TRUE(s.accept("    "));
  EXPECT_FALSE(s.accept(" "));
  EXPECT_TRUE(s.accept("1"));
  EXPECT_TRUE(s.accept("        ]"));
}

TEST(JsonState, NumbersStayFiniteAsDoubles) {
  EXPECT_TRUE(whole("9.99e307"));
  EXPECT_TRUE(whole("-1.5E+307"));
  EXPECT_FALSE(whole("1e308"));  // conservative: finite, but at the edge
  EXPECT_TRUE(whole("1e-99999"));
  EXPECT_TRUE(whole("0.5e308"));
  EXPECT_TRUE(whole("[" + std::string(308, '9') + "]"));
  EXPECT_FALSE(whole("[" + std::string(309, '9') + "]"));
  EXPECT_FALSE(whole("1e309"));
  EXPECT_FALSE(whole("12e+308"));
  EXPECT_FALSE(whole("-1e99999999"));
  EXPECT_EQ(reference("1e309"), std::nullopt);  // nlohmann: "number overflow"
  JsonState partial(lenient());
  EXPECT_TRUE(partial.accept("[1e30"));
  EXPECT_TRUE(partial.accept("7"));   // 1e307
  EXPECT_FALSE(partial.accept("0"));  // 1e3070: refused at the digit that overflows
  JsonOptions any = lenient();
  any.finite_numbers = false;
  EXPECT_TRUE(whole("1e99999", any));
}

TEST(JsonState, DepthLimit) {
  JsonState s(lenient());
  EXPECT_TRUE(s.accept(std::string(JsonState::kMaxDepth, '[')));
  EXPECT_FALSE(s.accept("["));
  EXPECT_FALSE(s.accept("{"));
  EXPECT_TRUE(s.accept(std::string(JsonState::kMaxDepth, ']')));
  EXPECT_TRUE(s.complete());

  JsonOptions o = lenient();
  o.max_depth = 2;
  EXPECT_TRUE(whole("[{}]", o));
  EXPECT_FALSE(whole("[[[]]]", o));
  // Mixed nesting across the 64-bit words of the stack.
  std::string mixed;
  for (int i = 0; i < 200; ++i) mixed += i % 3 == 0 ? "{\"k\":" : "[";
  for (int i = 199; i >= 0; --i) mixed += i % 3 == 0 ? "}" : "]";
  EXPECT_TRUE(whole(mixed));
  EXPECT_EQ(reference(mixed), std::optional<bool>(true));
}

// Random edits of valid documents; the verdict must equal nlohmann's, whole and split.
TEST(JsonState, AgreesWithNlohmannOnMutations) {
  const std::string alphabet = "{}[]\",:.-+eE0123456789 \n\t\\u/btnrfalsTUN\x01\x7F\xC3\xA9\xE2\x82\xAC\xF0\x9F\xED\xA0\xDC";
  std::mt19937 rng(1234);
  int checked = 0, valid = 0;
  for (int round = 0; round < 4000; ++round) {
    std::string doc = kValid[rng() % kValid.size()];
    int edits = 1 + static_cast<int>(rng() % 3);
    for (int e = 0; e < edits; ++e) {
      size_t pos = doc.empty() ? 0 : rng() % (doc.size() + 1);
      char c = alphabet[rng() % alphabet.size()];
      switch (rng() % 3) {
        case 0: doc.insert(doc.begin() + static_cast<long>(pos), c); break;
        case 1: if (pos < doc.size()) doc.erase(pos, 1); break;
        default: if (pos < doc.size()) doc[pos] = c; break;
      }
    }
    std::optional<bool> expected = reference(doc);
    if (!expected) continue;
    ++checked;
    valid += *expected;
    ASSERT_EQ(whole(doc), *expected) << printable(doc);
    size_t at = doc.empty() ? 0 : rng() % (doc.size() + 1);
    ASSERT_EQ(split(doc, at), *expected) << printable(doc) << " @" << at;
  }
  EXPECT_GT(checked, 3500);
  EXPECT_GT(valid, 200);  // the mutations keep a fair share of valid documents
}

// Random splits into several pieces, as a tokenizer would cut the text.
TEST(JsonState, RandomMultiSplits) {
  std::mt19937 rng(99);
  for (const auto* docs : {&kValid, &kInvalid}) {
    for (const std::string& doc : *docs) {
      const bool expected = whole(doc);
      for (int trial = 0; trial < 50; ++trial) {
        JsonState s(lenient());
        bool ok = true;
        size_t pos = 0;
        while (ok && pos < doc.size()) {
          size_t len = 1 + rng() % 5;
          ok = s.accept(std::string_view(doc).substr(pos, len));
          pos += len;
        }
        EXPECT_EQ(ok && s.complete(), expected) << doc;
      }
    }
  }
}

}  // namespace
}  // namespace maas::llm

// An incremental, byte-level JSON recogniser (RFC 8259): a pushdown automaton that reads
// the output of a model token by token and says whether it can still be (or already is)
// one valid JSON value. It is what response_format {"type":"json_object"} runs on.
//
// Strings must be valid UTF-8 (no overlongs, no surrogates, nothing above U+10FFFF),
// raw control characters are rejected, and \u escapes must pair surrogates the way
// JSON parsers such as nlohmann::json require. Whitespace runs between JSON tokens are
// bounded (JsonOptions) so a model cannot loop on spaces or newlines forever.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

namespace maas::llm {

struct JsonOptions {
  static constexpr uint16_t kUnlimited = 0xFFFF;
  bool require_object = false;        // the top-level value must be an object
  // A whitespace run between JSON tokens may hold at most max_line_breaks '\n'/'\r'
  // bytes, at most max_whitespace_run spaces/tabs before its first line break and at
  // most max_indent spaces/tabs after it (room for pretty-printing), so at most
  // 8 + 2 + 40 bytes with the defaults.
  uint16_t max_whitespace_run = 8;
  uint16_t max_line_breaks = 2;
  uint16_t max_indent = 40;
  // Numbers must stay finite as a double: parsers such as nlohmann::json reject 1e999.
  // Conservative: a number whose integer digits plus exponent exceed 308 is refused
  // (so 9.9e307 passes, 1e308 does not).
  bool finite_numbers = true;
  // Containers nested deeper than this are rejected.
  uint16_t max_depth = 256;
  static JsonOptions unlimited_whitespace() {
    JsonOptions o;
    o.max_whitespace_run = o.max_line_breaks = o.max_indent = kUnlimited;
    return o;
  }
};

// Small and trivially copyable: trying a token is copying the state and feeding it.
class JsonState {
 public:
  static constexpr uint16_t kMaxDepth = 256;

  explicit JsonState(JsonOptions options = {});

  // Feeds bytes. Returns false, leaving the state unchanged, if they cannot continue a
  // valid JSON value (or break a whitespace or depth limit).
  bool accept(std::string_view bytes);

  // A whole top-level value has been read (a top-level number counts once it has a
  // digit where it may end: "12" is complete, "12." and "-" are not).
  bool complete() const;
  // The top-level value has ended and nothing but whitespace may follow ("{}", "12 ").
  bool closed() const { return mode_ == Mode::kDone; }
  bool in_string() const;
  int depth() const { return depth_; }
  const JsonOptions& options() const { return options_; }

 private:
  enum class Mode : uint8_t {
    kStart, kValue, kArrayFirst, kObjectFirst, kObjectKey, kColon, kAfterValue, kDone,
    kString, kEscape, kHex, kLowBackslash, kLowU, kUtf8,
    kLiteral,
    kNumMinus, kNumZero, kNumInt, kNumDot, kNumFrac, kNumExpMark, kNumExpSign, kNumExp,
  };

  bool step(uint8_t b);
  bool structural(uint8_t b);
  bool start_value(uint8_t b);
  bool whitespace(uint8_t b);
  bool string_byte(uint8_t b);
  bool hex_digit(uint8_t b);
  bool number_byte(uint8_t b);
  bool end_number(uint8_t b);
  bool number_digit(uint8_t b);
  bool push(bool is_object);
  bool pop(bool is_object);
  bool top_is_object() const;
  void end_value();

  JsonOptions options_;
  Mode mode_ = Mode::kStart;
  bool in_key_ = false;       // the string being read is an object key
  bool low_pending_ = false;  // a high surrogate was read; its \uDC00..\uDFFF must follow
  uint8_t count_ = 0;         // literal: chars matched; hex: digits read; utf8: bytes left
  uint8_t literal_ = 0;       // index into the literal table
  uint8_t next_lo_ = 0x80;    // utf8: allowed range of the next continuation byte
  uint8_t next_hi_ = 0xBF;
  uint16_t hex_ = 0;          // value of the \u digits read so far
  uint16_t depth_ = 0;
  uint16_t ws_spaces_ = 0;    // the current whitespace run: spaces/tabs before a break,
  uint16_t ws_breaks_ = 0;    // line-break bytes,
  uint16_t ws_indent_ = 0;    // spaces/tabs after the first break
  uint16_t int_digits_ = 0;   // number: digits of the integer part (0 for a lone "0")
  uint16_t exponent_ = 0;     // number: the exponent's value so far (saturating)
  bool exponent_negative_ = false;
  std::array<uint64_t, kMaxDepth / 64> stack_{};  // bit d: level d is an object
};

}  // namespace maas::llm

// The JSON pushdown automaton. Each byte moves the mode; containers push a bit (object
// or array) on a fixed-size stack; a value that ends returns to the enclosing container.
#include "llm/grammar/json_state.h"

#include <algorithm>

namespace maas::llm {
namespace {

constexpr std::string_view kLiterals[] = {"true", "false", "null"};

bool is_ws(uint8_t b) { return b == ' ' || b == '\t' || b == '\n' || b == '\r'; }
bool is_digit(uint8_t b) { return b >= '0' && b <= '9'; }
int hex_value(uint8_t b) {
  if (b >= '0' && b <= '9') return b - '0';
  if (b >= 'a' && b <= 'f') return b - 'a' + 10;
  if (b >= 'A' && b <= 'F') return b - 'A' + 10;
  return -1;
}

// One more byte of a whitespace-run budget; kUnlimited never runs out.
bool spend(uint16_t& used, uint16_t limit) {
  if (limit == JsonOptions::kUnlimited) return true;
  if (used >= limit) return false;
  ++used;
  return true;
}

}  // namespace

JsonState::JsonState(JsonOptions options) : options_(options) {
  options_.max_depth = std::min<uint16_t>(options_.max_depth, kMaxDepth);
}

bool JsonState::accept(std::string_view bytes) {
  JsonState next = *this;
  for (char c : bytes) {
    if (!next.step(static_cast<uint8_t>(c))) return false;
  }
  *this = next;
  return true;
}

bool JsonState::complete() const {
  if (mode_ == Mode::kDone) return true;
  if (depth_ != 0) return false;
  return mode_ == Mode::kNumZero || mode_ == Mode::kNumInt || mode_ == Mode::kNumFrac ||
         mode_ == Mode::kNumExp;
}

bool JsonState::in_string() const {
  switch (mode_) {
    case Mode::kString: case Mode::kEscape: case Mode::kHex:
    case Mode::kLowBackslash: case Mode::kLowU: case Mode::kUtf8:
      return true;
    default:
      return false;
  }
}

bool JsonState::step(uint8_t b) {
  if (!is_ws(b)) ws_spaces_ = ws_breaks_ = ws_indent_ = 0;
  switch (mode_) {
    case Mode::kString: case Mode::kEscape: case Mode::kHex:
    case Mode::kLowBackslash: case Mode::kLowU: case Mode::kUtf8:
      return string_byte(b);
    case Mode::kLiteral: {
      std::string_view lit = kLiterals[literal_];
      if (b != static_cast<uint8_t>(lit[count_])) return false;
      if (++count_ == lit.size()) end_value();
      return true;
    }
    case Mode::kNumMinus: case Mode::kNumZero: case Mode::kNumInt: case Mode::kNumDot:
    case Mode::kNumFrac: case Mode::kNumExpMark: case Mode::kNumExpSign: case Mode::kNumExp:
      return number_byte(b);
    default:
      return structural(b);
  }
}

// Between JSON tokens: whitespace, a value, or punctuation, depending on the mode.
bool JsonState::structural(uint8_t b) {
  if (is_ws(b)) return whitespace(b);
  switch (mode_) {
    case Mode::kStart:
      if (options_.require_object && b != '{') return false;
      return start_value(b);
    case Mode::kValue:
      return start_value(b);
    case Mode::kArrayFirst:
      if (b == ']') return pop(false);
      return start_value(b);
    case Mode::kObjectFirst:
      if (b == '}') return pop(true);
      [[fallthrough]];
    case Mode::kObjectKey:
      if (b != '"') return false;
      mode_ = Mode::kString;
      in_key_ = true;
      return true;
    case Mode::kColon:
      if (b != ':') return false;
      mode_ = Mode::kValue;
      return true;
    case Mode::kAfterValue:
      if (b == ',') {
        mode_ = top_is_object() ? Mode::kObjectKey : Mode::kValue;
        return true;
      }
      if (b == '}') return pop(true);
      if (b == ']') return pop(false);
      return false;
    default:  // kDone: only whitespace may follow
      return false;
  }
}

bool JsonState::start_value(uint8_t b) {
  switch (b) {
    case '{':
      if (!push(true)) return false;
      mode_ = Mode::kObjectFirst;
      return true;
    case '[':
      if (!push(false)) return false;
      mode_ = Mode::kArrayFirst;
      return true;
    case '"':
      mode_ = Mode::kString;
      in_key_ = false;
      return true;
    case '-':
      mode_ = Mode::kNumMinus;
      int_digits_ = exponent_ = 0;
      exponent_negative_ = false;
      return true;
    case '0':
      mode_ = Mode::kNumZero;
      int_digits_ = exponent_ = 0;
      exponent_negative_ = false;
      return true;
    case 't': case 'f': case 'n':
      mode_ = Mode::kLiteral;
      literal_ = b == 't' ? 0 : b == 'f' ? 1 : 2;
      count_ = 1;
      return true;
    default:
      if (b >= '1' && b <= '9') {
        mode_ = Mode::kNumInt;
        int_digits_ = 1;
        exponent_ = 0;
        exponent_negative_ = false;
        return true;
      }
      return false;
  }
}

bool JsonState::whitespace(uint8_t b) {
  if (b == '\n' || b == '\r') return spend(ws_breaks_, options_.max_line_breaks);
  if (ws_breaks_ == 0) return spend(ws_spaces_, options_.max_whitespace_run);
  return spend(ws_indent_, options_.max_indent);
}

bool JsonState::string_byte(uint8_t b) {
  switch (mode_) {
    case Mode::kString:
      if (b == '"') {
        if (in_key_) {
          mode_ = Mode::kColon;
        } else {
          end_value();
        }
        return true;
      }
      if (b == '\\') {
        mode_ = Mode::kEscape;
        return true;
      }
      if (b < 0x20) return false;  // control characters must be escaped
      if (b < 0x80) return true;
      // A UTF-8 lead byte: how many continuation bytes, and the range of the first one
      // (which excludes overlong forms, surrogates and code points above U+10FFFF).
      next_lo_ = 0x80;
      next_hi_ = 0xBF;
      if (b >= 0xC2 && b <= 0xDF) {
        count_ = 1;
      } else if (b >= 0xE0 && b <= 0xEF) {
        count_ = 2;
        if (b == 0xE0) next_lo_ = 0xA0;
        if (b == 0xED) next_hi_ = 0x9F;
      } else if (b >= 0xF0 && b <= 0xF4) {
        count_ = 3;
        if (b == 0xF0) next_lo_ = 0x90;
        if (b == 0xF4) next_hi_ = 0x8F;
      } else {
        return false;
      }
      mode_ = Mode::kUtf8;
      return true;
    case Mode::kUtf8:
      if (b < next_lo_ || b > next_hi_) return false;
      next_lo_ = 0x80;
      next_hi_ = 0xBF;
      if (--count_ == 0) mode_ = Mode::kString;
      return true;
    case Mode::kEscape:
      if (b == 'u') {
        mode_ = Mode::kHex;
        count_ = 0;
        hex_ = 0;
        return true;
      }
      if (b == '"' || b == '\\' || b == '/' || b == 'b' || b == 'f' || b == 'n' || b == 'r' ||
          b == 't') {
        mode_ = Mode::kString;
        return true;
      }
      return false;
    case Mode::kHex:
      return hex_digit(b);
    case Mode::kLowBackslash:
      if (b != '\\') return false;
      mode_ = Mode::kLowU;
      return true;
    case Mode::kLowU:
      if (b != 'u') return false;
      mode_ = Mode::kHex;
      count_ = 0;
      hex_ = 0;
      return true;
    default:
      return false;
  }
}

// \uXXXX: surrogates are checked as soon as the digits decide them, so a token that
// starts a lone surrogate is refused at once.
bool JsonState::hex_digit(uint8_t b) {
  int v = hex_value(b);
  if (v < 0) return false;
  hex_ = static_cast<uint16_t>(hex_ * 16 + v);
  ++count_;
  if (low_pending_) {
    if (count_ == 1 && hex_ != 0xD) return false;
    if (count_ == 2 && (hex_ < 0xDC || hex_ > 0xDF)) return false;
  } else if (count_ == 2 && hex_ >= 0xDC && hex_ <= 0xDF) {
    return false;  // a low surrogate with no high one before it
  }
  if (count_ < 4) return true;
  if (low_pending_) {
    low_pending_ = false;
    mode_ = Mode::kString;
  } else if (hex_ >= 0xD800 && hex_ <= 0xDBFF) {
    low_pending_ = true;
    mode_ = Mode::kLowBackslash;
  } else {
    mode_ = Mode::kString;
  }
  return true;
}

// RFC 8259: -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?
bool JsonState::number_byte(uint8_t b) {
  const bool digit = is_digit(b);
  const bool exp = b == 'e' || b == 'E';
  switch (mode_) {
    case Mode::kNumMinus:
      if (b == '0') mode_ = Mode::kNumZero;
      else if (digit) mode_ = Mode::kNumInt;
      else return false;
      return number_digit(b);
    case Mode::kNumZero:
      if (b == '.') mode_ = Mode::kNumDot;
      else if (exp) mode_ = Mode::kNumExpMark;
      else return end_number(b);
      return true;
    case Mode::kNumInt:
      if (digit) return number_digit(b);
      if (b == '.') mode_ = Mode::kNumDot;
      else if (exp) mode_ = Mode::kNumExpMark;
      else return end_number(b);
      return true;
    case Mode::kNumDot:
      if (!digit) return false;
      mode_ = Mode::kNumFrac;
      return true;
    case Mode::kNumFrac:
      if (digit) return true;
      if (exp) mode_ = Mode::kNumExpMark;
      else return end_number(b);
      return true;
    case Mode::kNumExpMark:
      if (b == '+' || b == '-') {
        mode_ = Mode::kNumExpSign;
        exponent_negative_ = b == '-';
        return true;
      }
      if (!digit) return false;
      mode_ = Mode::kNumExp;
      return number_digit(b);
    case Mode::kNumExpSign:
      if (!digit) return false;
      mode_ = Mode::kNumExp;
      return number_digit(b);
    case Mode::kNumExp:
      if (digit) return number_digit(b);
      return end_number(b);
    default:
      return false;
  }
}

// Counts a digit of the integer part (mode kNumInt) or of the exponent (kNumExp) and
// refuses the number once it may no longer be finite as a double.
bool JsonState::number_digit(uint8_t b) {
  constexpr unsigned kMaxDecimalExponent = 308;  // DBL_MAX is 1.8e308
  constexpr uint16_t kSaturate = 10000;
  if (mode_ == Mode::kNumInt) {
    if (int_digits_ < kSaturate) ++int_digits_;
  } else if (mode_ == Mode::kNumExp) {
    exponent_ = static_cast<uint16_t>(std::min<unsigned>(exponent_ * 10u + (b - '0'), kSaturate));
  }
  if (!options_.finite_numbers) return true;
  // The value is below 10^(integer digits + exponent).
  unsigned magnitude = int_digits_ + (exponent_negative_ ? 0u : exponent_);
  return magnitude <= kMaxDecimalExponent;
}

// A number ends at the first byte that cannot extend it; that byte then belongs to
// whatever follows the number.
bool JsonState::end_number(uint8_t b) {
  end_value();
  return structural(b);
}

bool JsonState::push(bool is_object) {
  if (depth_ >= options_.max_depth) return false;
  uint64_t bit = uint64_t{1} << (depth_ % 64);
  if (is_object) {
    stack_[depth_ / 64] |= bit;
  } else {
    stack_[depth_ / 64] &= ~bit;
  }
  ++depth_;
  return true;
}

bool JsonState::pop(bool is_object) {
  if (depth_ == 0 || top_is_object() != is_object) return false;
  --depth_;
  end_value();
  return true;
}

bool JsonState::top_is_object() const {
  if (depth_ == 0) return false;
  unsigned d = depth_ - 1u;
  return (stack_[d / 64] >> (d % 64)) & 1u;
}

void JsonState::end_value() { mode_ = depth_ == 0 ? Mode::kDone : Mode::kAfterValue; }

}  // namespace maas::llm

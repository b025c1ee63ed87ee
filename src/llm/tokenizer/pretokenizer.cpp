#include "llm/tokenizer/pretokenizer.h"

#include "llm/tokenizer/unicode.h"

namespace maas::llm {
namespace {

using unicode::CharClass;

// Matches the alternatives of one regex at a position; each returns the match end or 0.
class Matcher {
 public:
  Matcher(PreTokenizer kind, const std::vector<uint32_t>& cps) : kind_(kind), cps_(cps), n_(cps.size()) {
    classes_.reserve(n_);
    for (uint32_t cp : cps_) classes_.push_back(unicode::char_class(cp));
  }

  size_t match(size_t pos) const {
    if (kind_ == PreTokenizer::kGpt2) return match_gpt2(pos);
    return match_llama3(pos, kind_ == PreTokenizer::kLlama3 ? 3 : 1);
  }

 private:
  bool is(size_t i, CharClass c) const { return i < n_ && classes_[i] == c; }
  bool is_newline(size_t i) const { return i < n_ && (cps_[i] == '\r' || cps_[i] == '\n'); }
  // [^\s\p{L}\p{N}]
  bool is_other(size_t i) const { return is(i, CharClass::kOther); }
  uint32_t lower_ascii(size_t i) const {
    if (i >= n_) return 0;
    const uint32_t c = cps_[i];
    return (c >= 'A' && c <= 'Z') ? c + 32 : c;
  }
  size_t run_end(size_t i, CharClass c) const {
    while (is(i, c)) ++i;
    return i;
  }

  // 's 't 're 've 'm 'll 'd, ASCII case-insensitive or not.
  size_t contraction(size_t pos, bool any_case) const {
    if (pos >= n_ || cps_[pos] != '\'') return 0;
    auto at = [&](size_t i) { return any_case ? lower_ascii(i) : (i < n_ ? cps_[i] : 0); };
    const uint32_t c1 = at(pos + 1), c2 = at(pos + 2);
    if (c1 == 's' || c1 == 't' || c1 == 'm' || c1 == 'd') return pos + 2;
    if ((c1 == 'r' && c2 == 'e') || (c1 == 'v' && c2 == 'e') || (c1 == 'l' && c2 == 'l')) return pos + 3;
    return 0;
  }

  // \s+(?!\S) then \s+: a whitespace run, minus its last character when a non-space
  // follows (that character then leads the next piece), unless the run is one character.
  size_t whitespace(size_t pos) const {
    const size_t end = run_end(pos, CharClass::kWhitespace);
    if (end == pos) return 0;
    if (end == n_ || end - pos == 1) return end;
    return end - 1;
  }

  size_t match_gpt2(size_t pos) const {
    if (size_t e = contraction(pos, false)) return e;
    const size_t after_space = cps_[pos] == ' ' ? pos + 1 : pos;
    if (is(after_space, CharClass::kLetter)) return run_end(after_space, CharClass::kLetter);
    if (is(after_space, CharClass::kNumber)) return run_end(after_space, CharClass::kNumber);
    if (is_other(after_space)) return run_end(after_space, CharClass::kOther);
    return whitespace(pos);
  }

  size_t match_llama3(size_t pos, size_t max_digits) const {
    if (size_t e = contraction(pos, true)) return e;
    // [^\r\n\p{L}\p{N}]?\p{L}+
    if (is(pos, CharClass::kLetter)) return run_end(pos, CharClass::kLetter);
    if (!is(pos, CharClass::kNumber) && !is_newline(pos) && is(pos + 1, CharClass::kLetter))
      return run_end(pos + 1, CharClass::kLetter);
    // \p{N}{1,max}
    if (is(pos, CharClass::kNumber)) {
      size_t e = pos;
      while (e - pos < max_digits && is(e, CharClass::kNumber)) ++e;
      return e;
    }
    //  ?[^\s\p{L}\p{N}]+[\r\n]*
    const size_t after_space = cps_[pos] == ' ' ? pos + 1 : pos;
    if (is_other(after_space)) {
      size_t e = run_end(after_space, CharClass::kOther);
      while (is_newline(e)) ++e;
      return e;
    }
    // \s*[\r\n]+ : the whitespace run up to and including its last line break.
    const size_t ws_end = run_end(pos, CharClass::kWhitespace);
    for (size_t k = ws_end; k > pos; --k)
      if (is_newline(k - 1)) return k;
    return whitespace(pos);
  }

  PreTokenizer kind_;
  const std::vector<uint32_t>& cps_;
  size_t n_;
  std::vector<CharClass> classes_;
};

}  // namespace

std::vector<CodepointRange> pretokenize(PreTokenizer kind, const std::vector<uint32_t>& cps) {
  std::vector<CodepointRange> out;
  Matcher matcher(kind, cps);
  size_t pos = 0;
  while (pos < cps.size()) {
    size_t end = matcher.match(pos);
    if (end <= pos) end = pos + 1;  // no alternative matched: one character on its own
    out.push_back({pos, end});
    pos = end;
  }
  return out;
}

}  // namespace maas::llm

// How text becomes words, for training and for serving a trained model: split on
// anything that is not a letter (ASCII letters; bytes of multi-byte UTF-8 characters
// count as letters) or only on whitespace, and optionally lower-case ASCII letters.
#pragma once

#include <string>
#include <string_view>

namespace maas::text::word2vec {

struct TokenizeRules {
  bool letters_only = true;  // false: split on whitespace only (keeps punctuation, digits)
  bool lowercase = true;

  const char* split_name() const { return letters_only ? "letters" : "whitespace"; }
};

// The text ready for for_each_word: lower-cased when the rules say so.
std::string prepare_text(std::string_view text, const TokenizeRules& rules);

inline bool is_letter_byte(unsigned char c) { return static_cast<unsigned>((c | 0x20) - 'a') < 26u || c >= 0x80; }
inline bool is_space_byte(unsigned char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; }

// Calls on_word(std::string_view) for each word of `text` (prepared) and on_line_end()
// after each line (a newline ends a line; the last line too).
template <class OnWord, class OnLineEnd>
void for_each_word(std::string_view text, const TokenizeRules& rules, OnWord&& on_word, OnLineEnd&& on_line_end) {
  const size_t n = text.size();
  size_t i = 0;
  while (i < n) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == '\n') {
      on_line_end();
      ++i;
      continue;
    }
    const bool in_word = rules.letters_only ? is_letter_byte(c) : !is_space_byte(c);
    if (!in_word) {
      ++i;
      continue;
    }
    size_t j = i + 1;
    if (rules.letters_only)
      while (j < n && is_letter_byte(static_cast<unsigned char>(text[j]))) ++j;
    else
      while (j < n && !is_space_byte(static_cast<unsigned char>(text[j]))) ++j;
    on_word(text.substr(i, j - i));
    i = j;
  }
  if (n > 0 && text[n - 1] != '\n') on_line_end();
}

}  // namespace maas::text::word2vec

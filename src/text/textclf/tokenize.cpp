#include "text/textclf/tokenize.h"

namespace maas::text {
namespace {

bool is_word_byte(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c >= 0x80;
}

// Length of the apostrophe at text[i] (1 for ', 3 for the UTF-8 of U+2019), or 0.
size_t apostrophe_at(std::string_view text, size_t i) {
  if (text[i] == '\'') return 1;
  if (text.substr(i, 3) == "\xE2\x80\x99") return 3;
  return 0;
}

}  // namespace

std::vector<std::string> words(std::string_view text) {
  std::vector<std::string> out;
  std::string word;
  size_t i = 0;
  while (i < text.size()) {
    const size_t apostrophe = apostrophe_at(text, i);
    if (apostrophe > 0) {
      // Inside a word only: a letter before it (the word so far) and one after it.
      const bool inner = !word.empty() && i + apostrophe < text.size() &&
                         is_word_byte(static_cast<unsigned char>(text[i + apostrophe]));
      if (inner) word += '\'';
      else if (!word.empty()) out.push_back(std::move(word)), word.clear();
      i += apostrophe;
      continue;
    }
    const unsigned char c = static_cast<unsigned char>(text[i++]);
    if (is_word_byte(c)) {
      word += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : static_cast<char>(c);
    } else if (!word.empty()) {
      out.push_back(std::move(word));
      word.clear();
    }
  }
  if (!word.empty()) out.push_back(std::move(word));
  return out;
}

std::vector<std::string> ngrams(const std::vector<std::string>& words, int n_min, int n_max) {
  std::vector<std::string> out;
  for (int n = n_min; n <= n_max; ++n) {
    for (size_t start = 0; start + static_cast<size_t>(n) <= words.size(); ++start) {
      std::string gram = words[start];
      for (int k = 1; k < n; ++k) gram += ' ' + words[start + static_cast<size_t>(k)];
      out.push_back(std::move(gram));
    }
  }
  return out;
}

std::vector<std::string> char_ngrams(const std::vector<std::string>& words, int n_min, int n_max) {
  std::vector<std::string> out;
  for (const std::string& word : words) {
    // Code point boundaries of "<word>": a UTF-8 continuation byte starts none.
    const std::string marked = "<" + word + ">";
    std::vector<size_t> starts;
    for (size_t i = 0; i < marked.size(); ++i)
      if ((static_cast<unsigned char>(marked[i]) & 0xC0) != 0x80) starts.push_back(i);
    starts.push_back(marked.size());
    const int points = static_cast<int>(starts.size()) - 1;
    for (int n = n_min; n <= n_max; ++n)
      for (int s = 0; s + n <= points; ++s)
        out.push_back("[" + marked.substr(starts[s], starts[s + n] - starts[s]) + "]");
  }
  return out;
}

}  // namespace maas::text

// Text to terms: the words of a text (lower-cased, split on anything that is not a
// letter, digit or inner apostrophe) and its n-grams ("not good" is one bigram term).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace maas::text {

// "Don't  STOP!" -> {"don't", "stop"}. ASCII letters are lower-cased; bytes of UTF-8
// sequences count as letters (so "Québec" stays one word, "québec"). An apostrophe
// (' or U+2019) is kept between two letters ("don't", "rock'n'roll") and dropped
// elsewhere ("'quoted'" -> "quoted", "dogs'" -> "dogs").
std::vector<std::string> words(std::string_view text);

// The n-grams of `words` for n in [n_min, n_max], words joined by one space, in order:
// all unigrams first, then all bigrams, ...
std::vector<std::string> ngrams(const std::vector<std::string>& words, int n_min, int n_max);

// The character n-grams of each word, n in [n_min, n_max], over code points, the word
// marked by '<' and '>' and the gram by brackets: "good", 3..3 -> "[<go]", "[goo]",
// "[ood]", "[od>]". (Brackets keep them apart from words, which never hold one.)
std::vector<std::string> char_ngrams(const std::vector<std::string>& words, int n_min, int n_max);

}  // namespace maas::text

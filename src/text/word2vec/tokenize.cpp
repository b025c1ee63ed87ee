#include "text/word2vec/tokenize.h"

#include "text/word2vec/word_vectors.h"

namespace maas::text::word2vec {

std::string prepare_text(std::string_view text, const TokenizeRules& rules) {
  return rules.lowercase ? ascii_lower(text) : std::string(text);
}

}  // namespace maas::text::word2vec

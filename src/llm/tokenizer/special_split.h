// Splits text into plain-text fragments and special tokens written out literally
// ("<|im_start|>", "<s>", ...), longest special token first, as llama.cpp does.
#pragma once

#include <string_view>
#include <vector>

#include "llm/tokenizer/vocab.h"

namespace maas::llm {

struct Fragment {
  TokenId token = kNoToken;  // a special token, or kNoToken for plain text
  std::string_view text;     // the plain text (empty for a token)
};

// With `parse_special` false only user-defined tokens are split out; control and
// unknown tokens stay plain text.
std::vector<Fragment> split_special_tokens(const Vocab& vocab, std::string_view text, bool parse_special);

}  // namespace maas::llm

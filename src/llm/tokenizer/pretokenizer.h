// Pre-tokenizer splits for byte-level BPE: the regexes of tokenizer.json implemented by
// hand over code points. A split is a list of [begin, end) code point ranges that cover
// the input in order.
//
//   gpt2:   's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
//   llama3: (?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}|
//           ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+
//   qwen2:  as llama3 but \p{N} (one digit per piece) instead of \p{N}{1,3}
#pragma once

#include <cstdint>
#include <string_view>
#include <utility>
#include <vector>

namespace maas::llm {

enum class PreTokenizer { kGpt2, kLlama3, kQwen2 };

struct CodepointRange {
  size_t begin;
  size_t end;
};

std::vector<CodepointRange> pretokenize(PreTokenizer kind, const std::vector<uint32_t>& cps);

}  // namespace maas::llm

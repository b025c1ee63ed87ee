// SentencePiece byte-fallback tokens "<0x00>".."<0xFF>".
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace maas::llm {

// "<0x0A>" -> "\n"; anything malformed -> "".
std::string byte_token_piece(std::string_view text);
// 0x0A -> "<0x0A>" (uppercase hex, as the vocabularies write it).
std::string byte_token_text(uint8_t byte);

}  // namespace maas::llm

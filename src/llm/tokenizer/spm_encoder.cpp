#include "llm/tokenizer/spm_encoder.h"

#include <queue>

#include "llm/tokenizer/byte_token.h"
#include "llm/tokenizer/unicode.h"

namespace maas::llm {
namespace {

constexpr std::string_view kSpaceMark = "\xE2\x96\x81";  // U+2581

struct Symbol {
  uint32_t start;
  uint32_t len;
  int prev;
  int next;
};

struct Candidate {
  float score;
  int left;
  int right;
  uint32_t size;
};

struct HigherScoreFirst {
  bool operator()(const Candidate& a, const Candidate& b) const {
    return a.score != b.score ? a.score < b.score : a.left > b.left;
  }
};

}  // namespace

SpmEncoder::SpmEncoder(const Vocab& vocab) : vocab_(vocab) {
  for (int b = 0; b < 256; ++b) {
    TokenId id = vocab_.find(byte_token_text(static_cast<uint8_t>(b)));
    if (id == kNoToken) {
      const char c = static_cast<char>(b);
      id = vocab_.find(std::string_view(&c, 1));
    }
    byte_tokens_[b] = id;
  }
}

void SpmEncoder::push_bytes(std::string_view symbol, std::vector<TokenId>& out) const {
  for (unsigned char b : symbol) {
    const TokenId id = byte_tokens_[b] != kNoToken ? byte_tokens_[b] : vocab_.special.unk;
    if (id != kNoToken) out.push_back(id);
  }
}

void SpmEncoder::encode(std::string_view fragment, bool after_special, std::vector<TokenId>& out) const {
  std::string text;
  text.reserve(fragment.size() + 8);
  if (vocab_.add_space_prefix && after_special) text += kSpaceMark;
  for (char c : fragment) {
    if (c == ' ')
      text += kSpaceMark;
    else
      text.push_back(c);
  }

  std::vector<Symbol> symbols;
  for (size_t i = 0; i < text.size();) {
    const size_t len = std::min(unicode::utf8_sequence_length(static_cast<uint8_t>(text[i])), text.size() - i);
    const int index = static_cast<int>(symbols.size());
    symbols.push_back({static_cast<uint32_t>(i), static_cast<uint32_t>(len), index - 1,
                       i + len < text.size() ? index + 1 : -1});
    i += len;
  }

  std::priority_queue<Candidate, std::vector<Candidate>, HigherScoreFirst> queue;
  auto consider = [&](int left, int right) {
    if (left < 0 || right < 0) return;
    const uint32_t size = symbols[left].len + symbols[right].len;
    const TokenId id = vocab_.find(std::string_view(text).substr(symbols[left].start, size));
    if (id == kNoToken) return;
    queue.push({vocab_.scores[static_cast<size_t>(id)], left, right, size});
  };
  for (int i = 1; i < static_cast<int>(symbols.size()); ++i) consider(i - 1, i);

  while (!queue.empty()) {
    const Candidate c = queue.top();
    queue.pop();
    Symbol& left = symbols[c.left];
    Symbol& right = symbols[c.right];
    if (left.len == 0 || right.len == 0 || left.len + right.len != c.size) continue;
    left.len += right.len;
    right.len = 0;
    left.next = right.next;
    if (right.next >= 0) symbols[right.next].prev = c.left;
    consider(left.prev, c.left);
    consider(c.left, left.next);
  }

  for (int i = symbols.empty() ? -1 : 0; i >= 0; i = symbols[i].next) {
    const std::string_view piece = std::string_view(text).substr(symbols[i].start, symbols[i].len);
    const TokenId id = vocab_.find(piece);
    if (id != kNoToken)
      out.push_back(id);
    else
      push_bytes(piece, out);
  }
}

std::string SpmEncoder::piece(TokenId id) const {
  const std::string& text = vocab_.texts[static_cast<size_t>(id)];
  switch (vocab_.type(id)) {
    case TokenType::kControl:
    case TokenType::kUnknown:
    case TokenType::kUserDefined:
      return text;
    case TokenType::kNormal: {
      std::string out;
      out.reserve(text.size());
      for (size_t i = 0; i < text.size();) {
        if (std::string_view(text).substr(i, 3) == kSpaceMark) {
          out.push_back(' ');
          i += 3;
        } else {
          out.push_back(text[i++]);
        }
      }
      return out;
    }
    case TokenType::kByte:
      return byte_token_piece(text);
    default:
      return {};
  }
}

}  // namespace maas::llm

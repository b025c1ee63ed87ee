#include "llm/tokenizer/bpe_encoder.h"

#include <queue>

#include "llm/tokenizer/byte_token.h"
#include "llm/tokenizer/pretokenizer.h"

namespace maas::llm {
namespace {

// A run of bytes of the word that is one symbol; symbols form a linked list.
struct Symbol {
  uint32_t start;
  uint32_t len;
  int prev;
  int next;
};

// A candidate merge of symbols `left` and `right` (adjacent when queued).
struct Candidate {
  int rank;
  int left;
  int right;
  uint32_t size;  // left.len + right.len when queued; stale if that changed
};

struct LowerRankFirst {
  bool operator()(const Candidate& a, const Candidate& b) const {
    return a.rank != b.rank ? a.rank > b.rank : a.left > b.left;
  }
};

}  // namespace

Result<std::unique_ptr<BpeEncoder>> BpeEncoder::create(const Vocab& vocab, const std::vector<std::string>& merges) {
  std::unique_ptr<BpeEncoder> enc(new BpeEncoder(vocab));
  enc->merges_.reserve(merges.size());
  enc->ranks_ = StringIndex(merges.size());
  for (size_t i = 0; i < merges.size(); ++i) enc->add_merge(merges[i], static_cast<int>(i));
  return enc;
}

Result<std::unique_ptr<BpeEncoder>> BpeEncoder::create(const Vocab& vocab, const GgufArray& merges) {
  if (!merges.items.empty() && merges.elem_type != GgufType::kString)
    return invalid_argument("tokenizer.ggml.merges is an array of {}, want strings", gguf_type_name(merges.elem_type));
  if (merges.items.size() > static_cast<size_t>(INT32_MAX)) return invalid_argument("too many merges");
  std::unique_ptr<BpeEncoder> enc(new BpeEncoder(vocab));
  enc->merges_.reserve(merges.items.size());
  enc->ranks_ = StringIndex(merges.items.size());
  for (size_t i = 0; i < merges.items.size(); ++i)
    enc->add_merge(std::get<std::string>(merges.items[i].v), static_cast<int>(i));
  return enc;
}

void BpeEncoder::add_merge(std::string_view line, int rank) {
  // "left right", split at the first space after the first byte: the line itself is the
  // key a candidate pair is looked up by. Lines without such a space never match.
  merges_.emplace_back(line);
  ranks_.add(merges_, rank);  // a repeated merge keeps its first rank
}

int BpeEncoder::rank_of(std::string_view left, std::string_view right, std::string& scratch) const {
  scratch.assign(left);
  scratch.push_back(' ');
  scratch.append(right);
  return ranks_.find(merges_, scratch);
}

void BpeEncoder::encode(std::string_view text, bool /*after_special*/, std::vector<TokenId>& out) const {
  const std::vector<uint32_t> cps = unicode::decode_utf8(text);  // invalid bytes -> U+FFFD
  std::string utf8, word;
  for (const CodepointRange& r : pretokenize(vocab_.pre, cps)) {
    word.clear();
    for (size_t i = r.begin; i < r.end; ++i) {
      utf8.clear();
      unicode::append_utf8(cps[i], utf8);
      for (unsigned char b : utf8) word += bytes_.encode(b);
    }
    encode_word(word, out);
  }
}

void BpeEncoder::encode_word(const std::string& word, std::vector<TokenId>& out) const {
  if (vocab_.ignore_merges) {
    const TokenId whole = vocab_.find(word);
    if (whole != kNoToken) {
      out.push_back(whole);
      return;
    }
  }
  std::vector<Symbol> symbols;
  for (size_t i = 0; i < word.size();) {
    const size_t len = std::min(unicode::utf8_sequence_length(static_cast<uint8_t>(word[i])), word.size() - i);
    const int index = static_cast<int>(symbols.size());
    symbols.push_back({static_cast<uint32_t>(i), static_cast<uint32_t>(len), index - 1,
                       i + len < word.size() ? index + 1 : -1});
    i += len;
  }
  auto text_of = [&](const Symbol& s) { return std::string_view(word).substr(s.start, s.len); };

  std::priority_queue<Candidate, std::vector<Candidate>, LowerRankFirst> queue;
  std::string scratch;
  auto consider = [&](int left, int right) {
    if (left < 0 || right < 0) return;
    const int rank = rank_of(text_of(symbols[left]), text_of(symbols[right]), scratch);
    if (rank >= 0) queue.push({rank, left, right, symbols[left].len + symbols[right].len});
  };
  for (int i = 1; i < static_cast<int>(symbols.size()); ++i) consider(i - 1, i);

  while (!queue.empty()) {
    const Candidate c = queue.top();
    queue.pop();
    Symbol& left = symbols[c.left];
    Symbol& right = symbols[c.right];
    if (left.len == 0 || right.len == 0 || left.next != c.right || left.len + right.len != c.size) continue;
    left.len += right.len;
    right.len = 0;
    left.next = right.next;
    if (right.next >= 0) symbols[right.next].prev = c.left;
    consider(left.prev, c.left);
    consider(c.left, left.next);
  }

  for (int i = symbols.empty() ? -1 : 0; i >= 0; i = symbols[i].next) {
    const std::string_view piece = text_of(symbols[i]);
    const TokenId id = vocab_.find(piece);
    if (id != kNoToken) {
      out.push_back(id);
      continue;
    }
    for (char byte : piece) {  // no token for the symbol: its single bytes, if they are tokens
      const TokenId b = vocab_.find(std::string_view(&byte, 1));
      if (b != kNoToken) out.push_back(b);
    }
  }
}

std::string BpeEncoder::piece(TokenId id) const {
  const std::string& text = vocab_.texts[static_cast<size_t>(id)];
  switch (vocab_.type(id)) {
    case TokenType::kControl:
    case TokenType::kUnknown:
    case TokenType::kUserDefined:
      return text;
    case TokenType::kNormal: {
      std::string bytes;
      for (uint32_t cp : unicode::decode_utf8(text)) {
        const int b = bytes_.decode(cp);
        if (b >= 0) {
          bytes.push_back(static_cast<char>(b));
        } else {  // not a byte-level character: keep it visible, as llama.cpp does
          std::string utf8;
          unicode::append_utf8(cp, utf8);
          bytes += "[UNK_BYTE_0x";
          for (unsigned char u : utf8) bytes += fmt::format("{:02x}", u);
          bytes += text + "]";
        }
      }
      return bytes;
    }
    case TokenType::kByte:
      return byte_token_piece(text);
    default:
      return {};
  }
}

}  // namespace maas::llm

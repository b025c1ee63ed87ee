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
  TokenId id;  // the token this symbol is, or kNoToken
};

// A candidate merge of symbols `left` and `right` (adjacent when queued).
struct Candidate {
  int rank;
  int left;
  int right;
  uint32_t size;  // left.len + right.len when queued; stale if that changed
  TokenId merged;
};

struct LowerRankFirst {
  bool operator()(const Candidate& a, const Candidate& b) const {
    return a.rank != b.rank ? a.rank > b.rank : a.left > b.left;
  }
};

uint64_t mix64(uint64_t x) {  // SplitMix64's finalizer
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ull;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

}  // namespace

void BpeEncoder::PairTable::reserve(size_t n) {
  size_t cap = 16;
  while (cap < n * 2) cap *= 2;
  slots_.assign(cap, Slot{});
}

void BpeEncoder::PairTable::add(TokenId left, TokenId right, Merge m) {
  const uint64_t key = key_of(left, right);
  const size_t mask = slots_.size() - 1;
  size_t i = mix64(key) & mask;
  while (slots_[i].key != ~uint64_t{0}) {
    if (slots_[i].key == key) return;
    i = (i + 1) & mask;
  }
  slots_[i] = Slot{key, m};
}

BpeEncoder::Merge BpeEncoder::PairTable::find(TokenId left, TokenId right) const {
  const uint64_t key = key_of(left, right);
  const size_t mask = slots_.size() - 1;
  for (size_t i = mix64(key) & mask; slots_[i].key != ~uint64_t{0}; i = (i + 1) & mask)
    if (slots_[i].key == key) return slots_[i].merge;
  return {};
}

BpeEncoder::BpeEncoder(const Vocab& vocab) : vocab_(vocab) {
  for (int b = 0; b < 256; ++b) byte_symbol_ids_[b] = vocab_.find(bytes_.encode(static_cast<uint8_t>(b)));
}

Result<std::unique_ptr<BpeEncoder>> BpeEncoder::create(const Vocab& vocab, const std::vector<std::string>& merges) {
  if (merges.size() > static_cast<size_t>(INT32_MAX)) return invalid_argument("too many merges");
  std::unique_ptr<BpeEncoder> enc(new BpeEncoder(vocab));
  enc->pair_merges_.reserve(merges.size());
  for (size_t i = 0; i < merges.size(); ++i) enc->add_merge(merges[i], static_cast<int>(i));
  return enc;
}

Result<std::unique_ptr<BpeEncoder>> BpeEncoder::create(const Vocab& vocab, const GgufArray& merges) {
  if (!merges.items.empty() && merges.elem_type != GgufType::kString)
    return invalid_argument("tokenizer.ggml.merges is an array of {}, want strings", gguf_type_name(merges.elem_type));
  if (merges.items.size() > static_cast<size_t>(INT32_MAX)) return invalid_argument("too many merges");
  std::unique_ptr<BpeEncoder> enc(new BpeEncoder(vocab));
  enc->pair_merges_.reserve(merges.items.size());
  for (size_t i = 0; i < merges.items.size(); ++i)
    enc->add_merge(std::get<std::string>(merges.items[i].v), static_cast<int>(i));
  return enc;
}

void BpeEncoder::add_merge(std::string_view line, int rank) {
  // "left right", split at the first space after the first byte (as llama.cpp).
  const size_t space = line.find(' ', 1);
  if (space == std::string_view::npos) return;
  const std::string_view left = line.substr(0, space), right = line.substr(space + 1);
  const TokenId l = vocab_.find(left), r = vocab_.find(right);
  std::string joined(left);
  joined += right;
  const Merge merge{rank, vocab_.find(joined)};
  if (l != kNoToken && r != kNoToken) {
    pair_merges_.add(l, r, merge);
    return;
  }
  // A half that is no token can still be a symbol (one character not in the vocabulary).
  text_merges_.emplace_back(line);
  text_merge_info_.push_back(merge);
  if (text_merge_index_.add(text_merges_, static_cast<int32_t>(text_merges_.size() - 1)) >= 0) {
    text_merges_.pop_back();  // a repeated merge keeps its first rank
    text_merge_info_.pop_back();
  }
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
  // Every character of a byte-level word stands for one byte: start from those tokens.
  std::vector<Symbol> symbols;
  for (size_t i = 0; i < word.size();) {
    const size_t len = std::min(unicode::utf8_sequence_length(static_cast<uint8_t>(word[i])), word.size() - i);
    const std::string_view ch = std::string_view(word).substr(i, len);
    // Stand-ins are below U+0800: one or two UTF-8 bytes.
    const auto b0 = static_cast<uint8_t>(word[i]);
    const auto b1 = len == 2 ? static_cast<uint8_t>(word[i + 1]) : 0;
    const int byte = len == 1                  ? bytes_.decode(b0)
                     : len == 2 && (b1 & 0xC0) == 0x80 ? bytes_.decode(((b0 & 0x1Fu) << 6) | (b1 & 0x3Fu))
                                                      : -1;
    const TokenId id = byte >= 0 ? byte_symbol_ids_[byte] : vocab_.find(ch);
    const int index = static_cast<int>(symbols.size());
    symbols.push_back({static_cast<uint32_t>(i), static_cast<uint32_t>(len), index - 1,
                       i + len < word.size() ? index + 1 : -1, id});
    i += len;
  }
  auto text_of = [&](const Symbol& s) { return std::string_view(word).substr(s.start, s.len); };

  std::priority_queue<Candidate, std::vector<Candidate>, LowerRankFirst> queue;
  std::string scratch;
  auto consider = [&](int left, int right) {
    if (left < 0 || right < 0) return;
    const Symbol& l = symbols[left];
    const Symbol& r = symbols[right];
    Merge m;
    if (l.id != kNoToken && r.id != kNoToken) {
      m = pair_merges_.find(l.id, r.id);
    } else if (!text_merges_.empty()) {
      scratch.assign(text_of(l));
      scratch.push_back(' ');
      scratch.append(text_of(r));
      const int32_t at = text_merge_index_.find(text_merges_, scratch);
      if (at >= 0) m = text_merge_info_[static_cast<size_t>(at)];
    }
    if (m.rank >= 0) queue.push({m.rank, left, right, l.len + r.len, m.merged});
  };
  for (int i = 1; i < static_cast<int>(symbols.size()); ++i) consider(i - 1, i);

  while (!queue.empty()) {
    const Candidate c = queue.top();
    queue.pop();
    Symbol& left = symbols[c.left];
    Symbol& right = symbols[c.right];
    if (left.len == 0 || right.len == 0 || left.next != c.right || left.len + right.len != c.size) continue;
    left.len += right.len;
    left.id = c.merged;
    right.len = 0;
    left.next = right.next;
    if (right.next >= 0) symbols[right.next].prev = c.left;
    consider(left.prev, c.left);
    consider(c.left, left.next);
  }

  for (int i = symbols.empty() ? -1 : 0; i >= 0; i = symbols[i].next) {
    if (symbols[i].id != kNoToken) {
      out.push_back(symbols[i].id);
      continue;
    }
    for (char byte : text_of(symbols[i])) {  // no token for the symbol: its single bytes, if tokens
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

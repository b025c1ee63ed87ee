#include "text/word2vec/word_vectors.h"

#include <cctype>
#include <cmath>

#include "tensor/ops.h"

namespace maas::text::word2vec {

Result<WordVectors> WordVectors::create(std::vector<std::string> words, int64_t dim) {
  if (dim <= 0) return invalid_argument("dimension must be positive, got {}", dim);
  WordVectors v;
  v.dim_ = dim;
  v.stride_ = row_stride(dim);
  v.index_.reserve(words.size());
  for (size_t i = 0; i < words.size(); ++i) {
    auto [it, inserted] = v.index_.emplace(words[i], static_cast<int32_t>(i));
    if (!inserted) return data_loss("duplicate word '{}' (vectors {} and {})", words[i], it->second + 1, i + 1);
  }
  v.words_ = std::move(words);
  v.data_.assign(v.words_.size() * static_cast<size_t>(v.stride_), 0.0f);
  return v;
}

int32_t WordVectors::find(std::string_view word) const {
  auto it = index_.find(word);
  return it == index_.end() ? -1 : it->second;
}

namespace {
bool is_ascii_punct(unsigned char c) { return c < 0x80 && !std::isalnum(c); }
}  // namespace

int32_t WordVectors::lookup(std::string_view word) const {
  if (int32_t i = find(word); i >= 0) return i;
  const std::string lower = ascii_lower(word);
  if (int32_t i = find(lower); i >= 0) return i;
  size_t b = 0, e = lower.size();
  while (b < e && is_ascii_punct(static_cast<unsigned char>(lower[b]))) ++b;
  while (e > b && is_ascii_punct(static_cast<unsigned char>(lower[e - 1]))) --e;
  if (b == 0 && e == lower.size()) return -1;
  return b < e ? find(std::string_view(lower).substr(b, e - b)) : -1;
}

bool is_valid_utf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    size_t n = 0;
    uint32_t cp = 0;
    if (c < 0x80) { ++i; continue; }
    if ((c & 0xE0) == 0xC0) { n = 1; cp = c & 0x1F; }
    else if ((c & 0xF0) == 0xE0) { n = 2; cp = c & 0x0F; }
    else if ((c & 0xF8) == 0xF0) { n = 3; cp = c & 0x07; }
    else return false;
    if (i + n >= s.size()) return false;  // truncated sequence
    for (size_t k = 1; k <= n; ++k) {
      const auto d = static_cast<unsigned char>(s[i + k]);
      if ((d & 0xC0) != 0x80) return false;
      cp = cp << 6 | (d & 0x3F);
    }
    // Overlong forms, surrogates and values past U+10FFFF are not UTF-8.
    if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) || cp > 0x10FFFF ||
        (cp >= 0xD800 && cp <= 0xDFFF))
      return false;
    i += n + 1;
  }
  return true;
}

std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

std::vector<float> normalized_rows(const WordVectors& v) {
  std::vector<float> out(v.data(), v.data() + v.size() * v.stride());
  for (int64_t i = 0; i < v.size(); ++i) {
    float* r = out.data() + i * v.stride();
    const float norm = std::sqrt(tensor::dot(r, r, v.stride()));
    if (norm > 0) tensor::scale(r, 1.0f / norm, v.stride());
  }
  return out;
}

}  // namespace maas::text::word2vec

// The word2vec binary format: "WORDS DIMENSIONS\n", then per word its bytes, a space,
// DIMENSIONS little-endian float32 and (as word2vec writes it) a newline.
#include <cmath>
#include <cstring>

#include "core/files.h"
#include "text/word2vec/formats.h"

namespace maas::text::word2vec {

static_assert(sizeof(float) == 4);

Result<WordVectors> read_binary_vectors(const std::string& path) {
  MAAS_ASSIGN_OR_RETURN(std::string bytes, read_file(path));
  const size_t nl = bytes.find('\n');
  std::optional<VectorShape> shape =
      nl == std::string::npos ? std::nullopt : parse_header_line(std::string_view(bytes).substr(0, nl));
  if (!shape) return data_loss("{}: expected a header line 'WORDS DIMENSIONS' (two positive integers)", path);
  if (shape->dim > (1 << 16)) return data_loss("{}: {} dimensions is more than maas reads (65536)", path, shape->dim);
  const size_t row_bytes = static_cast<size_t>(shape->dim) * sizeof(float);
  if (static_cast<uint64_t>(shape->words) > bytes.size() / (row_bytes + 2))
    return data_loss("{}: truncated: the header says {} words of {} dimensions, which needs more than the file's {} bytes",
                     path, shape->words, shape->dim, bytes.size());
  std::vector<std::string> words;
  std::vector<float> values(static_cast<size_t>(shape->words * shape->dim));
  size_t pos = nl + 1;
  for (int64_t i = 0; i < shape->words; ++i) {
    while (pos < bytes.size() && bytes[pos] == '\n') ++pos;
    const size_t sp = bytes.find(' ', pos);
    if (pos == bytes.size() || sp == std::string::npos)
      return data_loss("{}: truncated: the header says {} words, the file ends after {}", path, shape->words, i);
    std::string word = bytes.substr(pos, sp - pos);
    if (word.empty() || word.size() > 1000 || word.find('\n') != std::string::npos)
      return data_loss("{}: vector {}: no word before its values (wrong dimensions or a text file?)", path, i + 1);
    if (!is_valid_utf8(word)) return data_loss("{}: vector {}: the word is not valid UTF-8", path, i + 1);
    pos = sp + 1;
    if (bytes.size() - pos < row_bytes)
      return data_loss("{}: truncated: vector {} ('{}') needs {} bytes, {} left", path, i + 1, word, row_bytes,
                       bytes.size() - pos);
    float* row = values.data() + i * shape->dim;
    std::memcpy(row, bytes.data() + pos, row_bytes);
    for (int64_t d = 0; d < shape->dim; ++d)
      if (!std::isfinite(row[d]))
        return data_loss("{}: vector {} ('{}'): value {} is not a finite number", path, i + 1, word, d + 1);
    pos += row_bytes;
    words.push_back(std::move(word));
  }
  if (bytes.find_first_not_of("\n", pos) != std::string::npos)
    return data_loss("{}: {} bytes follow the {} vectors the header announces (wrong header or dimensions?)", path,
                     bytes.size() - pos, shape->words);
  Result<WordVectors> v = WordVectors::create(std::move(words), shape->dim);
  if (!v.is_ok()) return v.status().with_context(path);
  for (int64_t i = 0; i < v->size(); ++i) std::copy_n(values.data() + i * shape->dim, shape->dim, v->row(i));
  return v;
}

Status write_binary_vectors(const WordVectors& v, const std::string& path) {
  std::string out = std::to_string(v.size()) + " " + std::to_string(v.dim()) + "\n";
  out.reserve(out.size() + static_cast<size_t>(v.size()) * (static_cast<size_t>(v.dim()) * 4 + 16));
  for (int64_t i = 0; i < v.size(); ++i) {
    out += v.word(i);
    out += ' ';
    out.append(reinterpret_cast<const char*>(v.row(i)), static_cast<size_t>(v.dim()) * sizeof(float));
    out += '\n';
  }
  return write_file_atomic(path, out);
}

}  // namespace maas::text::word2vec

// The word2vec / fastText .vec text format and GloVe's (the same without a header).
#include <charconv>
#include <cmath>

#include <fmt/format.h>

#include "core/files.h"
#include "text/word2vec/formats.h"

namespace maas::text::word2vec {
namespace {

std::string_view trim_line_end(std::string_view line) {
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t')) line.remove_suffix(1);
  return line;
}

std::string excerpt(std::string_view s) {
  std::string out(s.substr(0, 40));
  for (char& c : out)
    if (static_cast<unsigned char>(c) < 0x20) c = '?';
  return s.size() > 40 ? out + "..." : out;
}

// "word v1 v2 ... vD" -> word and values appended to `values`.
Status parse_vector_line(std::string_view line, std::string* word, std::vector<float>* values, int64_t* count) {
  size_t sp = line.find(' ');
  if (sp == 0) return invalid_argument("line starts with a space (no word)");
  *word = std::string(line.substr(0, sp == std::string_view::npos ? line.size() : sp));
  if (!is_valid_utf8(*word)) return invalid_argument("the word is not valid UTF-8");
  *count = 0;
  size_t i = sp == std::string_view::npos ? line.size() : sp;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    if (i == line.size()) break;
    size_t j = i;
    while (j < line.size() && line[j] != ' ' && line[j] != '\t') ++j;
    float x = 0;
    auto [p, ec] = std::from_chars(line.data() + i, line.data() + j, x);
    if (ec != std::errc() || p != line.data() + j || !std::isfinite(x))
      return invalid_argument("value {} of word '{}' is not a finite number: '{}'", *count + 1, excerpt(*word),
                              excerpt(line.substr(i, j - i)));
    values->push_back(x);
    ++*count;
    i = j;
  }
  return Status::ok();
}

}  // namespace

std::optional<VectorShape> parse_header_line(std::string_view line) {
  line = trim_line_end(line);
  size_t sp = line.find(' ');
  if (sp == std::string_view::npos) return std::nullopt;
  VectorShape s;
  auto a = std::from_chars(line.data(), line.data() + sp, s.words);
  auto b = std::from_chars(line.data() + sp + 1, line.data() + line.size(), s.dim);
  if (a.ec != std::errc() || a.ptr != line.data() + sp || b.ec != std::errc() || b.ptr != line.data() + line.size())
    return std::nullopt;
  if (s.words <= 0 || s.dim <= 0) return std::nullopt;
  return s;
}

Result<WordVectors> read_text_vectors(const std::string& path, bool has_header) {
  MAAS_ASSIGN_OR_RETURN(std::string bytes, read_file(path));
  std::string_view text(bytes);
  std::vector<std::string> words;
  std::vector<float> values;
  int64_t dim = 0, expected_words = -1;
  size_t pos = 0;
  int64_t line_no = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    std::string_view line = text.substr(pos, nl == std::string_view::npos ? text.size() - pos : nl - pos);
    pos = nl == std::string_view::npos ? text.size() : nl + 1;
    ++line_no;
    line = trim_line_end(line);
    if (line_no == 1 && has_header) {
      std::optional<VectorShape> shape = parse_header_line(line);
      if (!shape)
        return data_loss("{}: line 1: expected a header 'WORDS DIMENSIONS' (two positive integers), got '{}'", path,
                         excerpt(line));
      expected_words = shape->words;
      dim = shape->dim;
      if (dim > (1 << 16)) return data_loss("{}: line 1: {} dimensions is more than maas reads (65536)", path, dim);
      values.reserve(static_cast<size_t>(std::min<int64_t>(expected_words, 1 << 22) * dim));
      continue;
    }
    if (line.empty()) {
      if (text.find_first_not_of(" \t\r\n", pos) == std::string_view::npos) break;  // trailing blank lines
      return data_loss("{}: line {}: empty line", path, line_no);
    }
    if (expected_words >= 0 && static_cast<int64_t>(words.size()) == expected_words)
      return data_loss("{}: line {}: the header says {} words, but more lines follow", path, line_no, expected_words);
    std::string word;
    int64_t count = 0;
    if (Status st = parse_vector_line(line, &word, &values, &count); !st.is_ok())
      return data_loss("{}: line {}: {}", path, line_no, st.message());
    if (dim == 0) {
      if (count == 0) return data_loss("{}: line {}: word '{}' has no values", path, line_no, excerpt(word));
      dim = count;
    }
    if (count != dim)
      return data_loss("{}: line {}: word '{}' has {} values, expected {}", path, line_no, excerpt(word), count, dim);
    words.push_back(std::move(word));
  }
  if (words.empty()) return data_loss("{}: no word vectors in the file", path);
  if (expected_words >= 0 && static_cast<int64_t>(words.size()) != expected_words)
    return data_loss("{}: the header says {} words, but the file has {}", path, expected_words, words.size());
  Result<WordVectors> v = WordVectors::create(std::move(words), dim);
  if (!v.is_ok()) return v.status().with_context(path);
  for (int64_t i = 0; i < v->size(); ++i) std::copy_n(values.data() + i * dim, dim, v->row(i));
  return v;
}

Status write_text_vectors(const WordVectors& v, const std::string& path) {
  fmt::memory_buffer out;
  fmt::format_to(std::back_inserter(out), "{} {}\n", v.size(), v.dim());
  for (int64_t i = 0; i < v.size(); ++i) {
    fmt::format_to(std::back_inserter(out), "{}", v.word(i));
    const float* r = v.row(i);
    for (int64_t d = 0; d < v.dim(); ++d) fmt::format_to(std::back_inserter(out), " {}", r[d]);
    out.push_back('\n');
  }
  return write_file_atomic(path, std::string(out.data(), out.size()));
}

}  // namespace maas::text::word2vec

// Format names, sniffing a file's first bytes, and reading any format.
#include <charconv>
#include <fstream>

#include "llm/gguf/gguf.h"
#include "text/word2vec/formats.h"

namespace maas::text::word2vec {

const char* format_name(VectorFormat format) {
  switch (format) {
    case VectorFormat::kWord2vecText: return "word2vec-text";
    case VectorFormat::kGloveText: return "glove-text";
    case VectorFormat::kWord2vecBinary: return "word2vec-binary";
    case VectorFormat::kGguf: return "gguf";
  }
  return "?";
}

std::optional<VectorFormat> parse_format_name(std::string_view name) {
  for (VectorFormat f : {VectorFormat::kWord2vecText, VectorFormat::kGloveText, VectorFormat::kWord2vecBinary,
                         VectorFormat::kGguf})
    if (name == format_name(f)) return f;
  return std::nullopt;
}

namespace {

// Text as word-vector text files hold it: no control bytes but tab, CR and LF.
bool looks_like_text(std::string_view s) {
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F) return false;
  }
  return true;
}

// "word v1 v2 ..." with at least two values, all numbers, one of them written with a
// fraction or exponent (so "NAME 5 0" in another family's text file is not taken for
// vectors); returns the value count.
int64_t glove_values(std::string_view line) {
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.remove_suffix(1);
  size_t sp = line.find(' ');
  if (sp == 0 || sp == std::string_view::npos) return 0;
  if (line.substr(sp).find_first_of(".eE") == std::string_view::npos) return 0;
  int64_t n = 0;
  size_t i = sp;
  while (i < line.size()) {
    while (i < line.size() && line[i] == ' ') ++i;
    size_t j = line.find(' ', i);
    if (j == std::string_view::npos) j = line.size();
    double x = 0;
    auto [p, ec] = std::from_chars(line.data() + i, line.data() + j, x);
    if (ec != std::errc() || p != line.data() + j) return 0;
    ++n;
    i = j;
  }
  return n >= 2 ? n : 0;
}

}  // namespace

std::optional<VectorFormat> sniff_format(std::string_view head, std::string_view gguf_architecture) {
  if (!gguf_architecture.empty())
    return gguf_architecture == kArchitecture ? std::optional(VectorFormat::kGguf) : std::nullopt;
  if (head.substr(0, 4) == "GGUF") return std::nullopt;
  const size_t nl = head.find('\n');
  if (nl == std::string_view::npos) return std::nullopt;
  if (parse_header_line(head.substr(0, nl))) {
    std::string_view rest = head.substr(nl + 1);
    return looks_like_text(rest) ? VectorFormat::kWord2vecText : VectorFormat::kWord2vecBinary;
  }
  const int64_t n = glove_values(head.substr(0, nl));
  if (n == 0 || !looks_like_text(head)) return std::nullopt;
  const size_t nl2 = head.find('\n', nl + 1);
  if (nl2 != std::string_view::npos && glove_values(head.substr(nl + 1, nl2 - nl - 1)) != n) return std::nullopt;
  return VectorFormat::kGloveText;
}

Result<VectorModel> read_vector_model(const std::string& path, VectorFormat format) {
  if (format == VectorFormat::kGguf) return read_gguf_vectors(path);
  VectorModel m;
  if (format == VectorFormat::kWord2vecBinary) {
    MAAS_ASSIGN_OR_RETURN(m.vectors, read_binary_vectors(path));
  } else {
    MAAS_ASSIGN_OR_RETURN(m.vectors, read_text_vectors(path, format == VectorFormat::kWord2vecText));
  }
  return m;
}

Result<VectorShape> read_vector_shape(const std::string& path, VectorFormat format) {
  if (format == VectorFormat::kGguf) {
    MAAS_ASSIGN_OR_RETURN(std::shared_ptr<llm::GgufFile> file, llm::GgufFile::open(path));
    MAAS_ASSIGN_OR_RETURN(uint64_t dim, file->get_uint("word2vec.dim"));
    MAAS_ASSIGN_OR_RETURN(std::vector<std::string> words, file->get_string_array("word2vec.vocab"));
    return VectorShape{static_cast<int64_t>(words.size()), static_cast<int64_t>(dim)};
  }
  if (format == VectorFormat::kGloveText) {
    MAAS_ASSIGN_OR_RETURN(WordVectors v, read_text_vectors(path, false));
    return VectorShape{v.size(), v.dim()};
  }
  std::ifstream in(path, std::ios::binary);
  std::string line;
  if (!in || !std::getline(in, line)) return not_found("cannot read '{}'", path);
  std::optional<VectorShape> shape = parse_header_line(line);
  if (!shape) return data_loss("{}: line 1: expected a header 'WORDS DIMENSIONS'", path);
  return *shape;
}

}  // namespace maas::text::word2vec

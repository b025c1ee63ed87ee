// Word-vector files: the word2vec text format (header "WORDS DIMENSIONS", then a word
// and its values per line; fastText's .vec is the same), GloVe's text format (no
// header), the word2vec binary format (header line, then "word " and DIMENSIONS
// little-endian float32 per word), and the GGUF file `maas train word2vec` writes.
// Readers are strict: every error names the line or vector and what is wrong.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/status.h"
#include "text/word2vec/tokenize.h"
#include "text/word2vec/word_vectors.h"

namespace maas::text::word2vec {

enum class VectorFormat { kWord2vecText, kGloveText, kWord2vecBinary, kGguf };

const char* format_name(VectorFormat format);  // "word2vec-text", "glove-text", "word2vec-binary", "gguf"
std::optional<VectorFormat> parse_format_name(std::string_view name);

// The format of a file from its first bytes (and general.architecture for GGUF), or
// nullopt when it is not a word-vector file.
std::optional<VectorFormat> sniff_format(std::string_view head, std::string_view gguf_architecture);

inline constexpr const char* kArchitecture = "word2vec";

// A word-vector model as stored: the vectors, how texts are split into words, and (for
// trained models) the training parameters.
struct VectorModel {
  WordVectors vectors;
  TokenizeRules rules{false, false};  // imported files: whitespace, case kept (lookup falls back)
  nlohmann::json params = nlohmann::json::object();
};

Result<VectorModel> read_vector_model(const std::string& path, VectorFormat format);
// Only the header / metadata: {words, dim} without reading the vectors (GGUF, and the
// text/binary formats with a header); GloVe text needs the whole file.
struct VectorShape {
  int64_t words = 0;
  int64_t dim = 0;
};
Result<VectorShape> read_vector_shape(const std::string& path, VectorFormat format);

Result<WordVectors> read_text_vectors(const std::string& path, bool has_header);
Result<WordVectors> read_binary_vectors(const std::string& path);
Result<VectorModel> read_gguf_vectors(const std::string& path);

// Writers (atomic: a temp file renamed into place).
Status write_text_vectors(const WordVectors& v, const std::string& path);
Status write_binary_vectors(const WordVectors& v, const std::string& path);
Status write_gguf_vectors(const VectorModel& model, const std::string& path);

// "WORDS DIMENSIONS" (both positive integers) -> shape; nullopt if the line is not one.
std::optional<VectorShape> parse_header_line(std::string_view line);

}  // namespace maas::text::word2vec

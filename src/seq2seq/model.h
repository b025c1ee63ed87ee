// A trained translator: the network's weights, the two vocabularies, the word-by-word
// baseline dictionary and how its data was read. Stored as GGUF (general.architecture
// "seq2seq"): hyper-parameters and vocabularies as "seq2seq.*" metadata, one F32 tensor
// per weight matrix (names from layout.h).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/status.h"
#include "seq2seq/decode.h"
#include "seq2seq/dictionary.h"
#include "seq2seq/layout.h"
#include "seq2seq/vocabulary.h"

namespace maas::llm {
class GgufFile;
}

namespace maas::seq2seq {

inline constexpr const char* kArchitecture = "seq2seq";

struct Columns {
  std::string source, target;  // names or 1-based indexes
  std::string header = "auto";  // "auto" (a header when a column is named), "yes", "no"
};

struct Seq2seqModel {
  Layout layout;
  std::vector<float> weights;
  Vocabulary src_vocab, tgt_vocab;
  WordDictionary dictionary;
  Columns columns;
  int64_t max_source_tokens = 0;  // longest source served, in tokens
};

Status save_model(const Seq2seqModel& model, const std::string& path);
// Reads and checks the metadata and tensor shapes (weights are copied out of the file).
Result<Seq2seqModel> load_model(const std::string& path);
// Checks metadata and tensor shapes without copying weights; returns the weight bytes.
Result<uint64_t> check_model_file(const llm::GgufFile& file);

// One translation with its alignment.
struct Translation {
  std::string text;
  double log_prob = 0;
  std::vector<std::string> source_tokens, target_tokens;  // pieces, ending in </s>
  std::vector<std::vector<float>> alignment;              // [target token][source token]
  int64_t source_token_count = 0, target_token_count = 0;
};
Result<std::vector<Translation>> translate_texts(const Seq2seqModel& model, const std::vector<std::string>& texts,
                                                 const DecodeOptions& options, tensor::ThreadPool* pool);

}  // namespace maas::seq2seq

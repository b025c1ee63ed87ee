// The textclf artifact: one GGUF file.
//   general.architecture  "textclf"
//   textclf.labels        string array, class k's label at k
//   textclf.vocabulary    string array, term t at t ("not good" for a bigram)
//   textclf.ngram_min / textclf.ngram_max (uint32), textclf.sublinear_tf (bool)
//   textclf.char_ngram_min / textclf.char_ngram_max (uint32, 0: no character n-grams)
//   tensors  idf [V], weight [V, K] (GGUF order: K rows of V), bias [K], all F32
#pragma once

#include <string>

#include "core/status.h"
#include "text/textclf/text_classifier.h"

namespace maas::text {

inline constexpr const char* kTextClfArchitecture = "textclf";

// Written atomically (a temp file renamed into place): `path` holds the whole file or nothing.
Status save_text_classifier(const TextClassifier& model, const std::string& path);
// Reads and checks everything; the error names the key or tensor that is wrong.
Result<TextClassifier> load_text_classifier(const std::string& path);

}  // namespace maas::text

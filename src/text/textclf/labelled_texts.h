// Labelled texts from a CSV or TSV file with a header: one column holds the text, one
// the label (any string). TSV (*.tsv, *.tsv.gz) has no quoting, as IANA defines it.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace maas::text {

struct LabelledTexts {
  std::string source;
  std::vector<std::string> texts;
  std::vector<std::string> labels;
  std::vector<std::string> where;  // "FILE line N" of each row, for messages
};

// Every row must have a non-empty label in UTF-8 (labels end up in JSON answers); a file
// without rows is an error.
Result<LabelledTexts> read_labelled_texts(const std::string& path, const std::string& text_col,
                                          const std::string& label_col);

bool is_valid_utf8(std::string_view s);

}  // namespace maas::text

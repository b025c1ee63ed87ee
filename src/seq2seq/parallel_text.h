// Sentence pairs from a CSV/TSV file (core/csv.h): the source and target columns by
// name or 1-based index. header "auto" means the file has a header row exactly when a
// column is given by name. Rows with an empty source or target are skipped and counted.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "core/status.h"
#include "seq2seq/model.h"

namespace maas::seq2seq {

struct ParallelText {
  std::vector<std::pair<std::string, std::string>> pairs;
  int64_t skipped_empty = 0;
};

Result<ParallelText> read_parallel_text(const std::string& path, const Columns& columns);

}  // namespace maas::seq2seq

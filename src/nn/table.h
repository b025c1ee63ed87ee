// Training tables as users bring them, read with core/csv: a CSV/TSV with a header row
// (optionally .gz), scikit-learn's bundled tables (a first line `n_samples,n_features,
// class names...` and no header; the last column is the class, named "target"), and
// headerless all-numeric tables such as the 8x8 digits (columns x0..x{n-2}, then "target").
#pragma once

#include <string>

#include "core/csv.h"
#include "core/status.h"

namespace maas::nn {

enum class TableFormat { kHeader, kSklearn, kNumeric };
const char* table_format_name(TableFormat f);

struct Table {
  CsvTable csv;  // columns named as above, every row complete
  TableFormat format = TableFormat::kHeader;
  // Class names from a scikit-learn first line (the target holds their indices), else empty.
  std::vector<std::string> class_names;
};

// The file as a table; the error names the file and line of a ragged row, and an empty
// file or a table without data rows is an error.
Result<Table> read_table(const std::string& path);
Result<Table> parse_table(std::string_view text, const std::string& source);

}  // namespace maas::nn

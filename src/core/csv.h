// CSV / TSV tables as the trained families read them: a header row (optional), RFC 4180
// quoting ("a, b" and "" for a quote), '\n' or "\r\n" line ends, gzip-compressed files
// read transparently (name ending in .gz). Every error names the file and line.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace maas {

struct CsvOptions {
  char delimiter = 0;   // 0: tab for *.tsv[.gz], else comma
  bool header = true;   // the first row names the columns
  bool skip_blank_lines = true;
  // false: '"' is an ordinary character. IANA text/tab-separated-values has no quoting
  // (a field cannot hold a tab or a line end), and real TSV text starts fields with '"'.
  bool quotes = true;
};

struct CsvTable {
  std::string source;                         // file name, for messages
  std::vector<std::string> columns;           // from the header ("" x n without one)
  std::vector<std::vector<std::string>> rows;  // every row has columns.size() fields
  std::vector<int64_t> lines;                 // 1-based line where each row starts

  // Index of the named column; the error lists the columns there are.
  Result<size_t> column(const std::string& name) const;
  // "FILE line N" of row `row`, for error messages.
  std::string where(size_t row) const;
};

// Whole file, decompressed when it ends in .gz.
Result<std::string> read_text_file(const std::string& path);

Result<CsvTable> parse_csv(std::string_view text, const CsvOptions& options, const std::string& source);
Result<CsvTable> read_csv(const std::string& path, const CsvOptions& options = {});

// A field as a finite number (leading/trailing spaces allowed); nullopt otherwise.
std::optional<double> parse_number(std::string_view field);

}  // namespace maas

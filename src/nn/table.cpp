#include "nn/table.h"

#include <cmath>

namespace maas::nn {
namespace {

bool all_numeric(const std::vector<std::string>& row) {
  for (const auto& f : row)
    if (!parse_number(f)) return false;
  return !row.empty();
}

// scikit-learn's first line: n_samples, n_features, then (for classification) the class
// names; the data rows have n_features + 1 fields and there are n_samples of them.
bool is_sklearn_header(const std::vector<std::string>& first, const CsvTable& rest) {
  if (first.size() < 2 || rest.rows.empty()) return false;
  const auto n = parse_number(first[0]), f = parse_number(first[1]);
  if (!n || !f || *n != std::floor(*n) || *f != std::floor(*f)) return false;
  return static_cast<size_t>(*f) + 1 == rest.columns.size() && static_cast<size_t>(*n) == rest.rows.size();
}

void name_columns(CsvTable& t) {
  const size_t width = t.columns.size();
  t.columns.clear();
  for (size_t c = 0; c + 1 < width; ++c) t.columns.push_back("x" + std::to_string(c));
  t.columns.push_back("target");
}

}  // namespace

const char* table_format_name(TableFormat f) {
  switch (f) {
    case TableFormat::kHeader: return "csv";
    case TableFormat::kSklearn: return "sklearn";
    case TableFormat::kNumeric: return "numeric";
  }
  return "?";
}

Result<Table> parse_table(std::string_view text, const std::string& source) {
  if (text.find_first_not_of(" \t\r\n") == std::string_view::npos)
    return invalid_argument("{}: the file is empty (no header, no rows)", source);
  // The first line decides what the file is: scikit-learn's counts line, numbers (no
  // header), or a header.
  CsvOptions no_header;
  no_header.header = false;
  const size_t eol = text.find('\n');
  const std::string_view first_line = text.substr(0, eol);
  MAAS_ASSIGN_OR_RETURN(CsvTable first, parse_csv(first_line, no_header, source));
  Table t;
  if (eol != std::string_view::npos && !first.rows.empty()) {
    // The rest with a blank line in front, so line numbers stay those of the file.
    const std::string rest_text = "\n" + std::string(text.substr(eol + 1));
    Result<CsvTable> rest = parse_csv(rest_text, no_header, source);
    if (rest.is_ok() && is_sklearn_header(first.rows[0], *rest)) {
      t.format = TableFormat::kSklearn;
      t.class_names.assign(first.rows[0].begin() + 2, first.rows[0].end());
      t.csv = std::move(rest).value();
    }
  }
  if (t.format != TableFormat::kSklearn) {
    const bool numeric = !first.rows.empty() && all_numeric(first.rows[0]);
    t.format = numeric ? TableFormat::kNumeric : TableFormat::kHeader;
    CsvOptions opts;
    opts.header = !numeric;
    MAAS_ASSIGN_OR_RETURN(t.csv, parse_csv(text, opts, source));
  }
  if (t.format != TableFormat::kHeader) name_columns(t.csv);
  t.csv.source = source;
  if (t.csv.rows.empty()) return invalid_argument("{}: no data rows", source);
  return t;
}

Result<Table> read_table(const std::string& path) {
  MAAS_ASSIGN_OR_RETURN(std::string text, read_text_file(path));
  return parse_table(text, path);
}

}  // namespace maas::nn

#include "seq2seq/parallel_text.h"

#include <algorithm>
#include <cctype>

#include "core/csv.h"

namespace maas::seq2seq {
namespace {

bool is_index(const std::string& s) {
  return !s.empty() && s.size() < 6 && std::all_of(s.begin(), s.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
}

bool blank(const std::string& s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return std::isspace(static_cast<unsigned char>(c)); });
}

Result<size_t> resolve(const CsvTable& t, const std::string& spec, const char* which) {
  if (spec.empty()) return invalid_argument("the {} column is required", which);
  if (is_index(spec)) {
    const size_t i = std::stoul(spec);
    if (i < 1 || i > t.columns.size())
      return invalid_argument("{} column {} does not exist: {} has {} columns (numbered from 1)", which, spec, t.source,
                              t.columns.size());
    return i - 1;
  }
  Result<size_t> i = t.column(spec);
  if (!i.is_ok()) return i.status().with_context(std::string(which) + " column");
  return i;
}

}  // namespace

Result<ParallelText> read_parallel_text(const std::string& path, const Columns& columns) {
  if (columns.header != "auto" && columns.header != "yes" && columns.header != "no")
    return invalid_argument("header must be auto, yes or no, not '{}'", columns.header);
  CsvOptions options;
  options.header = columns.header == "yes" ||
                   (columns.header == "auto" && !(is_index(columns.source) && is_index(columns.target)));
  MAAS_ASSIGN_OR_RETURN(CsvTable table, read_csv(path, options));
  if (table.rows.empty()) return invalid_argument("{} has no rows", path);
  MAAS_ASSIGN_OR_RETURN(size_t src, resolve(table, columns.source, "source"));
  MAAS_ASSIGN_OR_RETURN(size_t tgt, resolve(table, columns.target, "target"));
  if (src == tgt) return invalid_argument("the source and target columns are the same column");
  ParallelText out;
  for (const auto& row : table.rows) {
    if (blank(row[src]) || blank(row[tgt])) {
      ++out.skipped_empty;
      continue;
    }
    out.pairs.emplace_back(row[src], row[tgt]);
  }
  if (out.pairs.empty())
    return invalid_argument("{} has no row with both a source and a target text ({} rows with an empty one)", path,
                            out.skipped_empty);
  return out;
}

}  // namespace maas::seq2seq

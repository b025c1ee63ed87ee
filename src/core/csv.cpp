#include "core/csv.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include <zlib.h>

namespace maas {
namespace {

bool ends_with(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

Result<std::string> gunzip_file(const std::string& path) {
  gzFile f = gzopen(path.c_str(), "rb");
  if (!f) return not_found("cannot open '{}'", path);
  std::string out;
  char buf[1 << 16];
  int n = 0;
  while ((n = gzread(f, buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(n));
  int err = 0;
  const char* msg = gzerror(f, &err);
  const bool failed = n < 0 || (err != Z_OK && err != Z_STREAM_END);
  const std::string detail = msg ? msg : "";
  gzclose(f);
  if (failed) return invalid_argument("'{}' is not a readable gzip file ({})", path, detail);
  return out;
}

}  // namespace

Result<size_t> CsvTable::column(const std::string& name) const {
  for (size_t i = 0; i < columns.size(); ++i)
    if (columns[i] == name) return i;
  std::string list;
  for (const auto& c : columns) list += (list.empty() ? "" : ", ") + c;
  return invalid_argument("{} has no column '{}' (columns: {})", source, name, list);
}

std::string CsvTable::where(size_t row) const {
  return fmt::format("{} line {}", source, row < lines.size() ? lines[row] : 0);
}

Result<std::string> read_text_file(const std::string& path) {
  if (ends_with(path, ".gz")) return gunzip_file(path);
  std::ifstream in(path, std::ios::binary);
  if (!in) return not_found("cannot open '{}'", path);
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) return invalid_argument("cannot read '{}'", path);
  return ss.str();
}

Result<CsvTable> parse_csv(std::string_view text, const CsvOptions& options, const std::string& source) {
  CsvTable table;
  table.source = source;
  char delim = options.delimiter;
  if (delim == 0) delim = ends_with(source, ".tsv") || ends_with(source, ".tsv.gz") ? '\t' : ',';
  if (text.size() >= 3 && text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);  // UTF-8 BOM

  std::vector<std::string> fields;
  std::string field;
  int64_t line = 1, row_line = 1;
  bool header_done = !options.header;
  auto finish_row = [&]() -> Status {
    fields.push_back(std::move(field));
    field.clear();
    const bool blank = fields.size() == 1 && fields[0].empty();
    if (blank && options.skip_blank_lines) {
      fields.clear();
      return Status::ok();
    }
    if (!header_done) {
      table.columns = std::move(fields);
      header_done = true;
    } else {
      if (table.columns.empty() && table.rows.empty()) table.columns.assign(fields.size(), "");
      if (fields.size() != table.columns.size())
        return invalid_argument("{} line {}: {} fields, expected {}", source, row_line, fields.size(),
                                table.columns.size());
      table.rows.push_back(std::move(fields));
      table.lines.push_back(row_line);
    }
    fields.clear();
    return Status::ok();
  };

  size_t i = 0;
  const size_t n = text.size();
  bool row_open = false;
  while (i < n) {
    if (!row_open) {
      row_line = line;
      row_open = true;
    }
    const char c = text[i];
    if (options.quotes && c == '"' && field.empty()) {  // a quoted field
      const int64_t start_line = line;
      ++i;
      for (;;) {
        if (i >= n) return invalid_argument("{} line {}: unterminated quoted field", source, start_line);
        if (text[i] == '"') {
          if (i + 1 < n && text[i + 1] == '"') {
            field += '"';
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        if (text[i] == '\n') ++line;
        field += text[i++];
      }
      if (i < n && text[i] != delim && text[i] != '\n' && text[i] != '\r')
        return invalid_argument("{} line {}: text after a closing quote", source, line);
      continue;
    }
    if (c == delim) {
      fields.push_back(std::move(field));
      field.clear();
      ++i;
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && i + 1 < n && text[i + 1] == '\n') ++i;
      ++i;
      MAAS_RETURN_IF_ERROR(finish_row());
      ++line;
      row_open = false;
    } else {
      field += c;
      ++i;
    }
  }
  if (row_open) MAAS_RETURN_IF_ERROR(finish_row());
  if (options.header && !header_done) return invalid_argument("{} is empty (no header row)", source);
  return table;
}

Result<CsvTable> read_csv(const std::string& path, const CsvOptions& options) {
  MAAS_ASSIGN_OR_RETURN(std::string text, read_text_file(path));
  return parse_csv(text, options, path);
}

std::optional<double> parse_number(std::string_view field) {
  while (!field.empty() && (field.front() == ' ' || field.front() == '\t')) field.remove_prefix(1);
  while (!field.empty() && (field.back() == ' ' || field.back() == '\t')) field.remove_suffix(1);
  if (field.empty() || field.size() > 64) return std::nullopt;
  const std::string s(field);
  errno = 0;
  char* end = nullptr;
  const double v = std::strtod(s.c_str(), &end);
  if (*end != '\0' || errno == ERANGE || !std::isfinite(v)) return std::nullopt;
  return v;
}

}  // namespace maas

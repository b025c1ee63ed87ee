#include "text/textclf/labelled_texts.h"

#include <nlohmann/json.hpp>

#include "core/csv.h"

namespace maas::text {
namespace {

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

// Exactly what JSON output accepts (the serializer refuses overlong forms, surrogates
// and stray bytes alike).
bool is_valid_utf8(std::string_view s) {
  try {
    (void)nlohmann::json(std::string(s)).dump();
    return true;
  } catch (const nlohmann::json::exception&) {
    return false;
  }
}

Result<LabelledTexts> read_labelled_texts(const std::string& path, const std::string& text_col,
                                          const std::string& label_col) {
  CsvOptions csv;
  csv.quotes = !(ends_with(path, ".tsv") || ends_with(path, ".tsv.gz"));
  MAAS_ASSIGN_OR_RETURN(CsvTable table, read_csv(path, csv));
  MAAS_ASSIGN_OR_RETURN(size_t text_i, table.column(text_col));
  MAAS_ASSIGN_OR_RETURN(size_t label_i, table.column(label_col));
  if (table.rows.empty()) return invalid_argument("{} has a header but no rows", path);

  LabelledTexts out;
  out.source = path;
  for (size_t r = 0; r < table.rows.size(); ++r) {
    std::string label = table.rows[r][label_i];
    while (!label.empty() && (label.back() == ' ' || label.back() == '\r')) label.pop_back();
    while (!label.empty() && label.front() == ' ') label.erase(label.begin());
    if (label.empty()) return invalid_argument("{}: the label ('{}') is empty", table.where(r), label_col);
    if (!is_valid_utf8(label)) return invalid_argument("{}: the label is not valid UTF-8", table.where(r));
    out.texts.push_back(std::move(table.rows[r][text_i]));
    out.labels.push_back(std::move(label));
    out.where.push_back(table.where(r));
  }
  return out;
}

}  // namespace maas::text

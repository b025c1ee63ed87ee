#include "nn/schema.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <map>
#include <set>

namespace maas::nn {
namespace {

constexpr size_t kMaxIntegerClasses = 20;

// strtod accepts "nan" and "inf"; a training table must not hold them.
bool is_non_finite(const std::string& s) {
  const char* p = s.c_str();
  char* end = nullptr;
  const double v = std::strtod(p, &end);
  if (end == p) return false;
  while (*end == ' ' || *end == '\t') ++end;
  return *end == 0 && !std::isfinite(v);
}

std::string at(const Table& t, size_t row, const std::string& column) {
  return fmt::format("{}, column '{}'", t.csv.where(row), column);
}

// A column is numeric when nearly all its values are numbers; then the others are
// errors (a stray word in a numeric column) rather than categories.
Result<bool> is_numeric_column(const Table& t, size_t c) {
  size_t numbers = 0;
  std::optional<size_t> first_other;
  for (size_t r = 0; r < t.csv.rows.size(); ++r) {
    const std::string& v = t.csv.rows[r][c];
    if (is_non_finite(v)) return invalid_argument("{}: '{}' is not a finite number", at(t, r, t.csv.columns[c]), v);
    if (parse_number(v))
      ++numbers;
    else if (!first_other)
      first_other = r;
  }
  if (!first_other) return true;
  if (numbers * 10 >= t.csv.rows.size() * 9) {
    const std::string& v = t.csv.rows[*first_other][c];
    return invalid_argument("{}: {} in a numeric column", at(t, *first_other, t.csv.columns[c]),
                            v.empty() ? std::string("missing value") : "'" + v + "' is not a number");
  }
  return false;
}

bool integer_valued(const std::string& s) {
  const auto v = parse_number(s);
  return v && *v == std::floor(*v);
}

// Labels in a stable order: numerically when they are numbers, else as text.
std::vector<std::string> sorted_labels(const std::set<std::string>& seen) {
  std::vector<std::string> out(seen.begin(), seen.end());
  const bool numeric = std::all_of(out.begin(), out.end(), [](const std::string& s) { return parse_number(s).has_value(); });
  if (numeric)
    std::sort(out.begin(), out.end(), [](const std::string& a, const std::string& b) { return *parse_number(a) < *parse_number(b); });
  return out;
}

Status encode_value(const Column& col, const std::string& value, const std::string& where, float* out) {
  if (!col.categorical) {
    if (is_non_finite(value)) return invalid_argument("{}: '{}' is not a finite number", where, value);
    const auto v = parse_number(value);
    if (!v) return invalid_argument("{}: {} in a numeric column", where,
                                    value.empty() ? std::string("missing value") : "'" + value + "' is not a number");
    *out = static_cast<float>((*v - col.mean) / col.std);
    return Status::ok();
  }
  const auto it = std::find(col.categories.begin(), col.categories.end(), value);
  if (it == col.categories.end())
    return invalid_argument("{}: '{}' is not a category seen in training ({} known)", where, value,
                            col.categories.size());
  std::fill(out, out + col.width(), 0.0f);
  out[it - col.categories.begin()] = 1.0f;
  return Status::ok();
}

}  // namespace

const char* task_name(Task t) { return t == Task::kClassify ? "classify" : "regress"; }

int64_t Schema::features() const {
  int64_t n = 0;
  for (const Column& c : columns) n += c.width();
  return n;
}

size_t Schema::column_of_feature(int64_t feature) const {
  for (size_t c = 0; c < columns.size(); ++c) {
    if (feature < columns[c].width()) return c;
    feature -= columns[c].width();
  }
  return columns.size();
}

Result<Schema> build_schema(const Table& table, const std::string& target, std::optional<Task> task) {
  const CsvTable& csv = table.csv;
  Schema s;
  s.target = target.empty() ? csv.columns.back() : target;
  MAAS_ASSIGN_OR_RETURN(size_t target_col, csv.column(s.target));
  if (csv.columns.size() < 2) return invalid_argument("{}: no input columns besides the target '{}'", csv.source, s.target);

  // The target: missing values, its kind, the task, and the labels.
  std::set<std::string> distinct;
  bool numeric_target = true, integer_target = true;
  for (size_t r = 0; r < csv.rows.size(); ++r) {
    const std::string& v = csv.rows[r][target_col];
    if (v.empty()) return invalid_argument("{}: missing target", at(table, r, s.target));
    if (is_non_finite(v)) return invalid_argument("{}: target '{}' is not a finite number", at(table, r, s.target), v);
    numeric_target = numeric_target && parse_number(v).has_value();
    integer_target = integer_target && integer_valued(v);
    if (distinct.size() <= kMaxIntegerClasses) distinct.insert(v);
  }
  s.task = task.value_or(!numeric_target || (integer_target && distinct.size() <= kMaxIntegerClasses) ? Task::kClassify
                                                                                                      : Task::kRegress);
  if (s.task == Task::kRegress) {
    if (!numeric_target) MAAS_RETURN_IF_ERROR(is_numeric_column(table, target_col).status());
    double sum = 0, sq = 0;
    for (const auto& row : csv.rows) sum += *parse_number(row[target_col]);
    s.target_mean = sum / double(csv.rows.size());
    for (const auto& row : csv.rows) sq += std::pow(*parse_number(row[target_col]) - s.target_mean, 2);
    s.target_std = std::sqrt(sq / double(csv.rows.size()));
    if (s.target_std == 0) s.target_std = 1;
  } else {
    std::map<std::string, std::pair<size_t, size_t>> counts;  // label -> (rows, first row)
    for (size_t r = 0; r < csv.rows.size(); ++r) {
      auto [it, fresh] = counts.try_emplace(csv.rows[r][target_col], 0, r);
      it->second.first++;
    }
    std::set<std::string> all;
    for (const auto& [label, c] : counts) {
      all.insert(label);
      if (c.first == 1)
        return invalid_argument("{}: class '{}' has only one row; every class needs at least two",
                                at(table, c.second, s.target), label);
    }
    if (all.size() < 2) return invalid_argument("{}: the target '{}' has a single class", csv.source, s.target);
    s.labels = sorted_labels(all);
    // scikit-learn tables name their classes on the first line; the target holds indices.
    const auto& names = table.class_names;
    if (!names.empty() && s.labels.size() <= names.size() &&
        std::all_of(s.labels.begin(), s.labels.end(), [&](const std::string& l) {
          return integer_valued(l) && *parse_number(l) >= 0 && *parse_number(l) < double(names.size());
        })) {
      for (auto& l : s.labels) l = names[static_cast<size_t>(*parse_number(l))];
    }
  }

  // The inputs.
  for (size_t c = 0; c < csv.columns.size(); ++c) {
    if (c == target_col) continue;
    Column col;
    col.name = csv.columns[c];
    if (col.name.empty()) return invalid_argument("{} line {}: column {} has no name", csv.source, csv.lines.empty() ? 1 : csv.lines[0] - 1, c + 1);
    MAAS_ASSIGN_OR_RETURN(bool numeric, is_numeric_column(table, c));
    col.categorical = !numeric;
    if (numeric) {
      double sum = 0, sq = 0;
      for (const auto& row : csv.rows) sum += *parse_number(row[c]);
      col.mean = sum / double(csv.rows.size());
      for (const auto& row : csv.rows) sq += std::pow(*parse_number(row[c]) - col.mean, 2);
      col.std = std::sqrt(sq / double(csv.rows.size()));
      if (col.std == 0) col.std = 1;
    } else {
      std::set<std::string> cats;
      for (const auto& row : csv.rows) cats.insert(row[c]);
      col.categories.assign(cats.begin(), cats.end());
    }
    s.columns.push_back(std::move(col));
  }

  // The baseline: the mean encoded row.
  s.baseline.assign(static_cast<size_t>(s.features()), 0.0f);
  int64_t offset = 0;
  for (size_t c = 0, ci = 0; c < csv.columns.size(); ++c) {
    if (c == target_col) continue;
    const Column& col = s.columns[ci++];
    if (col.categorical) {
      for (const auto& row : csv.rows) {
        const auto it = std::find(col.categories.begin(), col.categories.end(), row[c]);
        s.baseline[offset + (it - col.categories.begin())] += 1.0f / float(csv.rows.size());
      }
    }
    offset += col.width();
  }
  return s;
}

void Encoded::append(const Encoded& o, int64_t row) {
  x.insert(x.end(), o.x.begin() + row * o.features, o.x.begin() + (row + 1) * o.features);
  y.insert(y.end(), o.y.begin() + row * o.outputs, o.y.begin() + (row + 1) * o.outputs);
  if (!o.label.empty()) label.push_back(o.label[row]);
  if (!o.value.empty()) value.push_back(o.value[row]);
  features = o.features;
  outputs = o.outputs;
  ++rows;
}

Result<Encoded> encode_table(const Schema& schema, const Table& table) {
  const CsvTable& csv = table.csv;
  std::vector<size_t> input_cols;
  for (const Column& col : schema.columns) {
    MAAS_ASSIGN_OR_RETURN(size_t c, csv.column(col.name));
    input_cols.push_back(c);
  }
  MAAS_ASSIGN_OR_RETURN(size_t target_col, csv.column(schema.target));
  Encoded e;
  e.rows = static_cast<int64_t>(csv.rows.size());
  e.features = schema.features();
  e.outputs = schema.outputs();
  e.x.resize(static_cast<size_t>(e.rows * e.features));
  e.y.assign(static_cast<size_t>(e.rows * e.outputs), 0.0f);
  // Class names of a scikit-learn table are its target's indices.
  const bool indexed_labels = !table.class_names.empty() && schema.labels.size() <= table.class_names.size() &&
                              std::equal(schema.labels.begin(), schema.labels.end(), table.class_names.begin());
  for (size_t r = 0; r < csv.rows.size(); ++r) {
    const auto& row = csv.rows[r];
    float* x = e.x.data() + r * e.features;
    for (size_t i = 0; i < schema.columns.size(); ++i) {
      MAAS_RETURN_IF_ERROR(encode_value(schema.columns[i], row[input_cols[i]], at(table, r, schema.columns[i].name), x));
      x += schema.columns[i].width();
    }
    std::string t = row[target_col];
    if (t.empty()) return invalid_argument("{}: missing target", at(table, r, schema.target));
    if (schema.task == Task::kClassify) {
      if (indexed_labels && integer_valued(t) && *parse_number(t) >= 0 && *parse_number(t) < double(schema.labels.size()))
        t = schema.labels[static_cast<size_t>(*parse_number(t))];
      const auto it = std::find(schema.labels.begin(), schema.labels.end(), t);
      if (it == schema.labels.end())
        return invalid_argument("{}: label '{}' is not one the model knows", at(table, r, schema.target), t);
      e.label.push_back(static_cast<int32_t>(it - schema.labels.begin()));
      e.y[r * e.outputs + e.label.back()] = 1.0f;
    } else {
      if (is_non_finite(t)) return invalid_argument("{}: target '{}' is not a finite number", at(table, r, schema.target), t);
      const auto v = parse_number(t);
      if (!v) return invalid_argument("{}: target '{}' is not a number", at(table, r, schema.target), t);
      e.value.push_back(*v);
      e.y[r] = static_cast<float>((*v - schema.target_mean) / schema.target_std);
    }
  }
  return e;
}

Status encode_object(const Schema& schema, const nlohmann::json& row, const std::string& where, float* out) {
  if (!row.is_object()) return invalid_argument("{}: must be an object {{column: value}}", where);
  for (const auto& [key, value] : row.items()) {
    const bool known = std::any_of(schema.columns.begin(), schema.columns.end(), [&](const Column& c) { return c.name == key; });
    if (!known && key != schema.target) return invalid_argument("{}: unknown column '{}'", where, key);
  }
  for (const Column& col : schema.columns) {
    const std::string here = fmt::format("{}.{}", where, col.name);
    const auto it = row.find(col.name);
    if (it == row.end()) return invalid_argument("{}: missing (every input column is required)", here);
    std::string text;
    if (it->is_number()) {
      const double v = it->get<double>();
      text = fmt::format("{}", v);
      if (!col.categorical) {
        *out = static_cast<float>((v - col.mean) / col.std);
        out += 1;
        continue;
      }
      if (it->is_number_integer()) text = std::to_string(it->get<int64_t>());
    } else if (it->is_string()) {
      text = it->get<std::string>();
    } else {
      return invalid_argument("{}: must be a number or a string", here);
    }
    MAAS_RETURN_IF_ERROR(encode_value(col, text, here, out));
    out += col.width();
  }
  return Status::ok();
}

}  // namespace maas::nn

#include "recsys/data.h"

#include <algorithm>
#include <numeric>

#include "core/csv.h"

namespace maas::recsys {

int32_t IdMap::add(const std::string& id) {
  auto [it, inserted] = index.emplace(id, static_cast<int32_t>(ids.size()));
  if (inserted) ids.push_back(id);
  return it->second;
}

int32_t IdMap::find(const std::string& id) const {
  auto it = index.find(id);
  return it == index.end() ? -1 : it->second;
}

std::vector<std::string> split_categories(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t bar = text.find('|', start);
    if (bar == std::string::npos) bar = text.size();
    std::string part = text.substr(start, bar - start);
    while (!part.empty() && part.back() == ' ') part.pop_back();
    while (!part.empty() && part.front() == ' ') part.erase(part.begin());
    if (!part.empty() && part != "(no genres listed)") out.push_back(part);
    start = bar + 1;
  }
  return out;
}

namespace {

struct Row {
  int32_t user, item;
  float value;
  int64_t time;
  int64_t order;
};

std::optional<size_t> optional_column(const CsvTable& t, const std::string& name) {
  if (name.empty()) return std::nullopt;
  Result<size_t> c = t.column(name);
  return c.is_ok() ? std::optional<size_t>(*c) : std::nullopt;
}

// Title and categories of each row's item, first occurrence wins.
Status read_metadata(const CsvTable& t, const Columns& cols, Dataset& d, bool add_items) {
  MAAS_ASSIGN_OR_RETURN(size_t item_col, t.column(cols.item));
  std::optional<size_t> title = optional_column(t, cols.title), cats = optional_column(t, cols.categories);
  if (!title && !cats) return Status::ok();
  std::vector<bool> seen(d.item_info.size(), false);
  for (size_t r = 0; r < t.rows.size(); ++r) {
    const std::string& id = t.rows[r][item_col];
    if (id.empty()) return invalid_argument("{}: empty item id", t.where(r));
    int32_t i = add_items ? d.items.add(id) : d.items.find(id);
    if (i < 0) continue;
    if (static_cast<size_t>(i) >= d.item_info.size()) {
      d.item_info.resize(static_cast<size_t>(i) + 1);
      seen.resize(static_cast<size_t>(i) + 1, false);
    }
    if (seen[i]) continue;
    seen[i] = true;
    if (title) d.item_info[i].title = t.rows[r][*title];
    if (cats) d.item_info[i].categories = split_categories(t.rows[r][*cats]);
  }
  return Status::ok();
}

}  // namespace

Result<Dataset> load_dataset(const std::string& path, const Columns& cols, const std::string& items_path) {
  MAAS_ASSIGN_OR_RETURN(CsvTable t, read_csv(path));
  MAAS_ASSIGN_OR_RETURN(size_t user_col, t.column(cols.user));
  MAAS_ASSIGN_OR_RETURN(size_t item_col, t.column(cols.item));
  std::optional<size_t> rating_col, time_col;
  if (!cols.rating.empty()) {
    MAAS_ASSIGN_OR_RETURN(size_t c, t.column(cols.rating));
    rating_col = c;
  }
  if (!cols.timestamp.empty()) {
    MAAS_ASSIGN_OR_RETURN(size_t c, t.column(cols.timestamp));
    time_col = c;
  }
  if (t.rows.empty()) return invalid_argument("{} has no interaction rows", path);

  Dataset d;
  d.implicit = !rating_col;
  std::vector<Row> rows;
  rows.reserve(t.rows.size());
  for (size_t r = 0; r < t.rows.size(); ++r) {
    const auto& f = t.rows[r];
    if (f[user_col].empty()) return invalid_argument("{}: empty user id", t.where(r));
    if (f[item_col].empty()) return invalid_argument("{}: empty item id", t.where(r));
    Row row{d.users.add(f[user_col]), d.items.add(f[item_col]), 1.0f, static_cast<int64_t>(r),
            static_cast<int64_t>(r)};
    if (rating_col) {
      std::optional<double> v = parse_number(f[*rating_col]);
      if (!v) return invalid_argument("{}: rating '{}' is not a number", t.where(r), f[*rating_col]);
      row.value = static_cast<float>(*v);
    }
    if (time_col) {
      std::optional<double> v = parse_number(f[*time_col]);
      if (!v) return invalid_argument("{}: timestamp '{}' is not a number", t.where(r), f[*time_col]);
      row.time = static_cast<int64_t>(*v);
    }
    rows.push_back(row);
  }
  d.rows_read = static_cast<int64_t>(rows.size());

  // Last wins: order each pair's rows by (time, line) and keep the final one.
  std::sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) {
    if (a.user != b.user) return a.user < b.user;
    if (a.item != b.item) return a.item < b.item;
    if (a.time != b.time) return a.time < b.time;
    return a.order < b.order;
  });
  std::vector<int32_t> us, is;
  std::vector<float> vs;
  std::vector<int64_t> ts;
  for (size_t k = 0; k < rows.size(); ++k) {
    if (k + 1 < rows.size() && rows[k + 1].user == rows[k].user && rows[k + 1].item == rows[k].item) {
      ++d.duplicates;
      continue;
    }
    us.push_back(rows[k].user);
    is.push_back(rows[k].item);
    vs.push_back(rows[k].value);
    ts.push_back(rows[k].time);
  }

  d.item_info.resize(static_cast<size_t>(d.items.size()));
  MAAS_RETURN_IF_ERROR(read_metadata(t, cols, d, /*add_items=*/false));
  if (!items_path.empty()) {
    MAAS_ASSIGN_OR_RETURN(CsvTable items, read_csv(items_path));
    if (!optional_column(items, cols.title) && !optional_column(items, cols.categories))
      return invalid_argument("{} has neither a '{}' nor a '{}' column", items_path, cols.title, cols.categories);
    MAAS_RETURN_IF_ERROR(read_metadata(items, cols, d, /*add_items=*/true));
  }
  d.item_info.resize(static_cast<size_t>(d.items.size()));

  // Rows arrive sorted by (user, item): the CSR is built in place of a sort.
  d.by_user = csr_from_triples(d.users.size(), d.items.size(), us, is, vs);
  d.times = std::move(ts);
  d.by_item = transpose(d.by_user);
  return d;
}

}  // namespace maas::recsys

#include "recsys/split.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <random>

#include "core/csv.h"
#include "core/files.h"
#include "recsys/feedback.h"

namespace maas::recsys {

namespace {

std::string csv_row(const std::vector<std::string>& fields) {
  std::string out;
  for (size_t k = 0; k < fields.size(); ++k) out += (k ? "," : "") + csv_field(fields[k]);
  return out + "\n";
}

}  // namespace

Result<SplitCounts> split_interactions(const std::string& input, const SplitOptions& o, const std::string& train_path,
                                       const std::string& test_path) {
  if (!(o.test > 0 && o.test < 1)) return invalid_argument("--test must be between 0 and 1 (exclusive), got {}", o.test);
  MAAS_ASSIGN_OR_RETURN(CsvTable t, read_csv(input));
  if (t.rows.empty()) return invalid_argument("{} has no rows", input);
  std::vector<bool> is_test(t.rows.size(), false);
  if (o.by_time) {
    MAAS_ASSIGN_OR_RETURN(size_t ucol, t.column(o.user_col));
    MAAS_ASSIGN_OR_RETURN(size_t tcol, t.column(o.timestamp_col));
    std::map<std::string, std::vector<std::pair<double, size_t>>> by_user;
    for (size_t r = 0; r < t.rows.size(); ++r) {
      std::optional<double> ts = parse_number(t.rows[r][tcol]);
      if (!ts) return invalid_argument("{}: timestamp '{}' is not a number", t.where(r), t.rows[r][tcol]);
      by_user[t.rows[r][ucol]].emplace_back(*ts, r);
    }
    for (auto& [user, rows] : by_user) {
      std::sort(rows.begin(), rows.end());
      const size_t n_test = static_cast<size_t>(std::llround(o.test * static_cast<double>(rows.size())));
      for (size_t k = rows.size() - std::min(n_test, rows.size()); k < rows.size(); ++k) is_test[rows[k].second] = true;
    }
  } else {
    std::vector<size_t> order(t.rows.size());
    for (size_t k = 0; k < order.size(); ++k) order[k] = k;
    std::mt19937_64 rng(o.seed);
    std::shuffle(order.begin(), order.end(), rng);
    const size_t n_test = static_cast<size_t>(std::llround(o.test * static_cast<double>(order.size())));
    for (size_t k = 0; k < n_test; ++k) is_test[order[k]] = true;
  }
  std::string train = csv_row(t.columns), test = train;
  SplitCounts counts;
  for (size_t r = 0; r < t.rows.size(); ++r) {
    (is_test[r] ? test : train) += csv_row(t.rows[r]);
    ++(is_test[r] ? counts.test : counts.train);
  }
  MAAS_RETURN_IF_ERROR(write_file_atomic(train_path, train));
  MAAS_RETURN_IF_ERROR(write_file_atomic(test_path, test));
  return counts;
}

}  // namespace maas::recsys

#include "recsys/evaluate.h"

#include <algorithm>
#include <cmath>
#include <set>
#include <thread>

#include "core/csv.h"
#include "tensor/thread_pool.h"

namespace maas::recsys {

OptionSpecs eval_option_specs() {
  return {{"k", OptionType::kInt, 10, "recommendation list length for the top-K metrics", {}, false, 1, 1000},
          {"relevance_threshold", OptionType::kFloat, nlohmann::json(), "only test rows rated at least this are relevant"}};
}

namespace {

struct TestUser {
  int32_t user = -1;
  std::vector<std::pair<int32_t, float>> rows;  // (item or -1 when unknown, rating)
};

struct UserScore {
  double precision = 0, recall = 0, ndcg = 0, map = 0;
  double se = 0, ae = 0;
  int64_t rated = 0;
  bool ranked = false;
  std::vector<int32_t> recommended;
};

UserScore score_user(const Scorer& s, const TestUser& t, int32_t k, double threshold) {
  UserScore out;
  const UserHistory h = s.history(t.user, {});
  SimScratch scratch;
  for (auto [item, r] : t.rows) {
    if (item < 0) continue;
    if (std::optional<float> p = s.predict(h, item, &scratch)) {
      out.se += (*p - r) * (*p - r);
      out.ae += std::fabs(*p - r);
      ++out.rated;
    }
  }
  if (t.user < 0) return out;
  std::set<int32_t> relevant;
  int64_t n_relevant = 0;  // unknown items count as relevant too (they cannot be hit)
  for (auto [item, r] : t.rows)
    if (r >= threshold) {
      ++n_relevant;
      if (item >= 0) relevant.insert(item);
    }
  if (n_relevant == 0) return out;
  RankResult ranked = s.recommend(h, {.k = k, .exclude_seen = true, .allow = nullptr});
  double dcg = 0, idcg = 0, ap = 0;
  int64_t hits = 0;
  for (size_t pos = 0; pos < ranked.items.size(); ++pos) {
    out.recommended.push_back(ranked.items[pos].item);
    if (relevant.count(ranked.items[pos].item)) {
      ++hits;
      dcg += 1.0 / std::log2(pos + 2.0);
      ap += static_cast<double>(hits) / static_cast<double>(pos + 1);
    }
  }
  for (int64_t pos = 0; pos < std::min<int64_t>(n_relevant, k); ++pos) idcg += 1.0 / std::log2(pos + 2.0);
  out.ranked = true;
  out.precision = static_cast<double>(hits) / k;
  out.recall = static_cast<double>(hits) / static_cast<double>(n_relevant);
  out.ndcg = dcg / idcg;
  out.map = ap / static_cast<double>(std::min<int64_t>(n_relevant, k));
  return out;
}

}  // namespace

Result<Metrics> evaluate_recsys(const Scorer& s, const std::string& path, const nlohmann::json& given, int threads) {
  const RecModel& m = s.model();
  const nlohmann::json options = given.is_object() ? given : nlohmann::json::object();
  const int32_t k = options.value("k", 10);
  const double threshold = options.contains("relevance_threshold") && options["relevance_threshold"].is_number()
                               ? options["relevance_threshold"].get<double>()
                               : -1e300;
  MAAS_ASSIGN_OR_RETURN(CsvTable t, read_csv(path));
  MAAS_ASSIGN_OR_RETURN(size_t ucol, t.column(m.columns.user));
  MAAS_ASSIGN_OR_RETURN(size_t icol, t.column(m.columns.item));
  std::optional<size_t> rcol;
  if (!m.implicit) {
    MAAS_ASSIGN_OR_RETURN(size_t c, t.column(m.columns.rating));
    rcol = c;
  }
  if (t.rows.empty()) return invalid_argument("{} has no rows", path);
  std::vector<TestUser> users;
  std::unordered_map<std::string, size_t> slot;
  for (size_t r = 0; r < t.rows.size(); ++r) {
    float value = 1;
    if (rcol) {
      std::optional<double> v = parse_number(t.rows[r][*rcol]);
      if (!v) return invalid_argument("{}: rating '{}' is not a number", t.where(r), t.rows[r][*rcol]);
      value = static_cast<float>(*v);
    }
    auto [it, inserted] = slot.emplace(t.rows[r][ucol], users.size());
    if (inserted) users.push_back({m.users.find(t.rows[r][ucol]), {}});
    users[it->second].rows.emplace_back(m.items.find(t.rows[r][icol]), value);
  }

  std::vector<UserScore> scores(users.size());
  tensor::ThreadPool pool(threads > 0 ? threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency())));
  pool.parallel_for(static_cast<int64_t>(users.size()), [&](int64_t b, int64_t e) {
    for (int64_t u = b; u < e; ++u) scores[u] = score_user(s, users[u], k, threshold);
  });

  double se = 0, ae = 0, p = 0, rc = 0, nd = 0, mp = 0;
  int64_t rated = 0, ranked = 0;
  std::set<int32_t> covered;
  for (const UserScore& u : scores) {
    se += u.se;
    ae += u.ae;
    rated += u.rated;
    if (!u.ranked) continue;
    ++ranked;
    p += u.precision;
    rc += u.recall;
    nd += u.ndcg;
    mp += u.map;
    covered.insert(u.recommended.begin(), u.recommended.end());
  }
  Metrics out;
  const std::string at = "_at_" + std::to_string(k);
  if (rated > 0) {
    out.values["rmse"] = std::sqrt(se / rated);
    out.values["mae"] = ae / rated;
    out.higher_is_better["rmse"] = false;
    out.higher_is_better["mae"] = false;
  }
  out.values["rated_rows"] = rated;
  out.values["users_evaluated"] = ranked;
  if (ranked > 0) {
    for (auto [name, sum] : {std::pair{"precision", p}, {"recall", rc}, {"ndcg", nd}, {"map", mp}}) {
      out.values[name + at] = sum / static_cast<double>(ranked);
      out.higher_is_better[name + at] = true;
    }
    out.values["coverage"] = static_cast<double>(covered.size()) / m.items.size();
    out.higher_is_better["coverage"] = true;
  }
  return out;
}

}  // namespace maas::recsys

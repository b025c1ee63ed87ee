#include "recsys/scorer.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

#include <fmt/format.h>

#include "recsys/als.h"
#include "recsys/baseline.h"
#include "recsys/mf.h"

namespace maas::recsys {

namespace {

constexpr float kNotScored = std::numeric_limits<float>::quiet_NaN();

std::vector<float> row_means(const Csr& m) {
  std::vector<float> out(static_cast<size_t>(m.rows), 0.0f);
  for (int32_t r = 0; r < m.rows; ++r) {
    double s = 0;
    for (float v : m.row_value(r)) s += v;
    if (m.row_size(r)) out[r] = static_cast<float>(s / m.row_size(r));
  }
  return out;
}

// Eight partial sums: vectorised by the compiler, same order on every machine.
float dot(const float* __restrict a, const float* __restrict b, int32_t n) {
  float acc[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  int32_t k = 0;
  for (; k + 8 <= n; k += 8)
    for (int32_t j = 0; j < 8; ++j) acc[j] += a[k + j] * b[k + j];
  float s = ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7]));
  for (; k < n; ++k) s += a[k] * b[k];
  return s;
}

// Divides by the largest finite score so blends compare like with like.
void normalise(std::vector<float>& s) {
  float top = 0;
  for (float v : s)
    if (std::isfinite(v)) top = std::max(top, std::fabs(v));
  if (top > 0)
    for (float& v : s)
      if (std::isfinite(v)) v /= top;
}

std::string join(const std::vector<std::string>& parts) {
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : ", ") + p;
  return out;
}

}  // namespace

Scorer::Scorer(RecModel model) : m_(std::move(model)) {
  if (m_.seen_by_item.rows != m_.items.size()) m_.seen_by_item = transpose(m_.seen);
  item_mean_ = row_means(m_.seen_by_item);
  user_mean_ = row_means(m_.seen);
  if (m_.algo == Algo::kItemKnn || m_.algo == Algo::kHybrid)
    item_space_ = make_space(m_.seen_by_item, m_.knn.similarity, m_.knn.shrinkage);
  if (m_.algo == Algo::kUserKnn) user_space_ = make_space(m_.seen, m_.knn.similarity, m_.knn.shrinkage);
  if (m_.algo == Algo::kContent || m_.algo == Algo::kHybrid) content_ = build_content_index(m_.titles, m_.categories);
  if (m_.algo == Algo::kAls) yty_ = gram(m_.item_factors, m_.items.size(), m_.factors, nullptr);
  if (m_.algo == Algo::kMf || m_.algo == Algo::kAls) {
    item_norm_.resize(static_cast<size_t>(m_.items.size()));
    for (int32_t i = 0; i < m_.items.size(); ++i) {
      const float* q = &m_.item_factors[static_cast<size_t>(i) * m_.factors];
      item_norm_[i] = std::sqrt(dot(q, q, m_.factors));
    }
  }
}

std::string Scorer::title(int32_t i) const { return m_.titles[i].empty() ? m_.items.ids[i] : m_.titles[i]; }

UserHistory Scorer::history(int32_t user, std::span<const std::pair<int32_t, float>> feedback) const {
  UserHistory h;
  h.user = user;
  std::map<int32_t, float> merged;
  if (user >= 0) {
    auto idx = m_.seen.row_index(user);
    auto val = m_.seen.row_value(user);
    for (size_t k = 0; k < idx.size(); ++k) merged[idx[k]] = val[k];
  }
  for (auto [i, v] : feedback) merged[i] = v;
  h.changed = !feedback.empty();
  h.ratings.assign(merged.begin(), merged.end());
  h.liked = preferences(h);
  return h;
}

std::vector<std::pair<int32_t, float>> Scorer::preferences(const UserHistory& h) const {
  std::vector<std::pair<int32_t, float>> out;
  if (m_.implicit) {
    for (auto [i, v] : h.ratings)
      if (v > 0) out.emplace_back(i, v);
    return out;
  }
  double mean = 0;
  for (auto [i, v] : h.ratings) mean += v;
  mean /= std::max<size_t>(h.ratings.size(), 1);
  for (auto [i, v] : h.ratings) {
    const float w = static_cast<float>(v - mean + 0.5);
    if (w > 0) out.emplace_back(i, w);
  }
  return out;
}

float Scorer::user_bias(const UserHistory& h) const {
  if (m_.user_bias.empty()) return 0;
  if (h.user >= 0 && !h.changed) return m_.user_bias[h.user];
  return fold_in_user_bias(m_.global_mean, m_.item_bias, h.ratings);
}

std::vector<float> Scorer::user_vector(const UserHistory& h) const {
  const int32_t K = m_.factors;
  if (h.user >= 0 && !h.changed)
    return {m_.user_factors.begin() + static_cast<int64_t>(h.user) * K,
            m_.user_factors.begin() + static_cast<int64_t>(h.user + 1) * K};
  std::vector<float> x;
  if (m_.algo == Algo::kAls) {
    fold_in_als(m_.item_factors, yty_, K, m_.reg, m_.alpha, h.ratings, x);
  } else {
    float b = 0;
    fold_in_mf(m_.global_mean, m_.item_bias, m_.item_factors, K, m_.reg, h.ratings, b, x);
  }
  return x;
}

// ---- scores per algorithm ----

Scorer::Scores Scorer::popularity_scores() const {
  Scores s;
  s.strategy = "popularity";
  s.score = m_.popularity;
  return s;
}

// mu + b_u + b_i: the user's bias does not change the order, the item's does.
Scorer::Scores Scorer::bias_scores(const UserHistory& h) const {
  Scores s;
  s.strategy = "bias";
  const float bu = user_bias(h);
  s.score.resize(static_cast<size_t>(m_.items.size()));
  for (int32_t i = 0; i < m_.items.size(); ++i) s.score[i] = m_.global_mean + bu + m_.item_bias[i];
  return s;
}

// score_i = sum_{j liked} w_uj sim(j, i) over the precomputed neighbours of j.
Scorer::Scores Scorer::itemknn_scores(const UserHistory& h) const {
  Scores s;
  s.strategy = "itemknn";
  const size_t n = static_cast<size_t>(m_.items.size());
  s.score.assign(n, kNotScored);
  s.because.assign(n, -1);
  s.because_value.assign(n, 0.0f);
  std::vector<float> best(n, 0.0f);
  const Neighbours& nb = m_.item_neighbours;
  for (auto [j, w] : h.liked) {
    for (int32_t k = nb.offsets[j]; k < nb.offsets[j + 1]; ++k) {
      const int32_t i = nb.index[k];
      const float c = w * nb.sim[k];
      s.score[i] = (std::isnan(s.score[i]) ? 0.0f : s.score[i]) + c;
      if (c > best[i]) {
        best[i] = c;
        s.because[i] = j;
        s.because_value[i] = nb.sim[k];
      }
    }
  }
  return s;
}

// The user's k nearest users: the precomputed list for a trained user, else computed
// from the merged history against every training user.
std::vector<std::pair<int32_t, float>> Scorer::user_neighbours(const UserHistory& h) const {
  std::vector<std::pair<int32_t, float>> out;
  if (h.user >= 0 && !h.changed) {
    const Neighbours& nb = m_.user_neighbours;
    for (int32_t k = nb.offsets[h.user]; k < nb.offsets[h.user + 1] && static_cast<int32_t>(out.size()) < m_.knn.k; ++k)
      out.emplace_back(nb.index[k], nb.sim[k]);
    return out;
  }
  std::vector<int32_t> idx;
  std::vector<float> raw;
  for (auto [i, v] : h.ratings) {
    idx.push_back(i);
    raw.push_back(v);
  }
  std::vector<float> centred = centre_query(user_space_, idx, raw);
  SimScratch scratch;
  similarities(user_space_, idx, centred, scratch, out);
  std::erase_if(out, [&](const auto& p) { return p.first == h.user || p.second <= 0; });
  auto by_sim = [](const auto& a, const auto& b) { return a.second != b.second ? a.second > b.second : a.first < b.first; };
  std::sort(out.begin(), out.end(), by_sim);
  if (static_cast<int32_t>(out.size()) > m_.knn.k) out.resize(static_cast<size_t>(m_.knn.k));
  return out;
}

// score_i = sum_{v in N_k(u)} sim(u, v) w_vi over what the neighbours liked.
Scorer::Scores Scorer::userknn_scores(const UserHistory& h) const {
  Scores s;
  s.strategy = "userknn";
  const size_t n = static_cast<size_t>(m_.items.size());
  s.score.assign(n, kNotScored);
  s.because.assign(n, -1);
  s.because_value.assign(n, 0.0f);
  std::vector<float> best(n, 0.0f);
  for (auto [v, sim] : user_neighbours(h)) {
    UserHistory hv;
    hv.user = v;
    auto idx = m_.seen.row_index(v);
    auto val = m_.seen.row_value(v);
    for (size_t k = 0; k < idx.size(); ++k) hv.ratings.emplace_back(idx[k], val[k]);
    for (auto [i, w] : preferences(hv)) {
      const float c = sim * w;
      s.score[i] = (std::isnan(s.score[i]) ? 0.0f : s.score[i]) + c;
      if (c > best[i]) {
        best[i] = c;
        s.because[i] = v;
        s.because_value[i] = sim;
      }
    }
  }
  return s;
}

// MF: mu + b_u + b_i + p_u . q_i;  ALS: x_u . y_i.
Scorer::Scores Scorer::factor_scores(const UserHistory& h) const {
  Scores s;
  s.strategy = algo_name(m_.algo);
  const std::vector<float> x = user_vector(h);
  const float base = m_.algo == Algo::kMf ? m_.global_mean + user_bias(h) : 0.0f;
  s.score.resize(static_cast<size_t>(m_.items.size()));
  for (int32_t i = 0; i < m_.items.size(); ++i) {
    const float* q = &m_.item_factors[static_cast<size_t>(i) * m_.factors];
    s.score[i] = base + (m_.item_bias.empty() ? 0.0f : m_.item_bias[i]) + dot(x.data(), q, m_.factors);
  }
  return s;
}

Scorer::Scores Scorer::content_scores_for(const UserHistory& h) const {
  Scores s;
  s.strategy = "content";
  s.profile = user_profile(content_, h.liked);
  s.score = content_scores(content_, s.profile);
  for (float& v : s.score)
    if (v <= 0) v = kNotScored;
  return s;
}

// alpha * itemknn + (1 - alpha) * content, each scaled to [0, 1], alpha = n / (n + beta):
// users with few interactions lean on content, items without neighbours too.
Scorer::Scores Scorer::hybrid_scores(const UserHistory& h) const {
  Scores cf = itemknn_scores(h);
  Scores ct = content_scores_for(h);
  normalise(cf.score);
  normalise(ct.score);
  const float n = static_cast<float>(h.ratings.size());
  const float alpha = n / (n + m_.hybrid_beta);
  Scores s = std::move(cf);
  s.strategy = "hybrid";
  s.profile = std::move(ct.profile);
  for (size_t i = 0; i < s.score.size(); ++i) {
    const float a = std::isnan(s.score[i]) ? 0.0f : alpha * s.score[i];
    const float c = std::isnan(ct.score[i]) ? 0.0f : (1 - alpha) * ct.score[i];
    if (std::isnan(s.score[i]) && std::isnan(ct.score[i])) continue;
    s.score[i] = a + c;
    if (c > a) s.because[i] = -2;  // content explains it
  }
  return s;
}

Scorer::Scores Scorer::score_items(const UserHistory& h) const {
  switch (m_.algo) {
    case Algo::kPopularity: return popularity_scores();
    case Algo::kBias: return bias_scores(h);
    case Algo::kItemKnn: return itemknn_scores(h);
    case Algo::kUserKnn: return userknn_scores(h);
    case Algo::kMf:
    case Algo::kAls: return factor_scores(h);
    case Algo::kContent: return content_scores_for(h);
    case Algo::kHybrid: return hybrid_scores(h);
  }
  return popularity_scores();
}

// ---- reasons ----

// The liked item whose factors point most the same way as item i's.
int32_t Scorer::most_similar_liked(const UserHistory& h, int32_t item, float* cosine) const {
  int32_t best = -1;
  float best_cos = -2;
  const int32_t K = m_.factors;
  const float* qi = &m_.item_factors[static_cast<size_t>(item) * K];
  for (auto [j, w] : h.liked) {
    if (j == item || item_norm_[j] == 0 || item_norm_[item] == 0) continue;
    const float c = dot(qi, &m_.item_factors[static_cast<size_t>(j) * K], K) / (item_norm_[item] * item_norm_[j]);
    if (c > best_cos) {
      best_cos = c;
      best = j;
    }
  }
  *cosine = best_cos;
  return best;
}

std::string Scorer::reason(const UserHistory& h, const Scores& s, int32_t item) const {
  const char* verb = m_.implicit ? "interacted with" : "rated";
  auto because_item = [&](int32_t j, float sim) {
    return fmt::format("because you {} {} (similarity {:.2f})", verb, title(j), sim);
  };
  switch (m_.algo) {
    case Algo::kPopularity: return fmt::format("popular ({} interactions)", m_.popularity[item]);
    case Algo::kBias:
      return fmt::format("rated {} average by others (item bias {:+.2f})", m_.item_bias[item] >= 0 ? "above" : "below",
                         m_.item_bias[item]);
    case Algo::kUserKnn: {
      const int32_t v = s.because[item];
      const float* r = m_.seen.find(v, item);
      return fmt::format("user {} with similar taste (similarity {:.2f}) {} it{}", m_.users.ids[v], s.because_value[item],
                         verb, r && !m_.implicit ? fmt::format(" {:g}", *r) : "");
    }
    case Algo::kMf:
    case Algo::kAls: {
      float cos = 0;
      const int32_t j = most_similar_liked(h, item, &cos);
      if (j < 0) return "matches your taste profile";
      return because_item(j, cos);
    }
    case Algo::kItemKnn:
    case Algo::kHybrid:
      if (s.because[item] >= 0) return because_item(s.because[item], s.because_value[item]);
      [[fallthrough]];
    case Algo::kContent: {
      std::vector<std::string> cats, words;
      matching_terms(content_, s.profile.empty() ? user_profile(content_, h.liked) : s.profile, item, 5, cats, words);
      std::string out = "matches";
      if (!cats.empty()) out += " your categories " + join(cats);
      if (!words.empty()) out += std::string(cats.empty() ? "" : " and") + " terms " + join(words);
      return out == "matches" ? "similar content to what you liked" : out;
    }
  }
  return "";
}

// ---- public ----

RankResult Scorer::recommend(const UserHistory& h, const RankRequest& req) const {
  RankResult out;
  const bool cold = h.liked.empty();
  Scores s = cold ? popularity_scores() : score_items(h);
  out.strategy = s.strategy;
  out.cold_start = cold;
  std::vector<bool> excluded(static_cast<size_t>(m_.items.size()), false);
  if (req.exclude_seen)
    for (auto [i, v] : h.ratings) excluded[i] = true;
  auto eligible = [&](int32_t i) { return !excluded[i] && (!req.allow || req.allow(i)); };

  // The k best scored items, then (when too few are scored) the most popular others.
  auto take = [&](const std::vector<float>& score, bool fallback) {
    std::vector<int32_t> cand;
    for (int32_t i = 0; i < m_.items.size(); ++i)
      if (eligible(i) && !std::isnan(score[i])) cand.push_back(i);
    const size_t want = std::min<size_t>(cand.size(), static_cast<size_t>(req.k) - out.items.size());
    auto better = [&](int32_t a, int32_t b) { return score[a] != score[b] ? score[a] > score[b] : a < b; };
    std::partial_sort(cand.begin(), cand.begin() + static_cast<int64_t>(want), cand.end(), better);
    for (size_t k = 0; k < want; ++k) {
      const int32_t i = cand[k];
      excluded[i] = true;
      std::string why = fallback ? "popular" : cold ? fmt::format("popular ({} interactions)", m_.popularity[i]) : reason(h, s, i);
      out.items.push_back({i, score[i], std::move(why)});
    }
  };
  take(s.score, false);
  if (static_cast<int32_t>(out.items.size()) < req.k) take(m_.popularity, true);
  return out;
}

bool Scorer::predicts_ratings() const {
  return !m_.implicit && (m_.algo == Algo::kBias || m_.algo == Algo::kItemKnn || m_.algo == Algo::kUserKnn ||
                          m_.algo == Algo::kMf || m_.algo == Algo::kHybrid);
}

std::vector<std::pair<int32_t, float>> Scorer::item_similarity_row(int32_t item, SimScratch& scratch) const {
  std::vector<std::pair<int32_t, float>> row;
  similarities(item_space_, item_space_.m.row_index(item), item_space_.m.row_value(item), scratch, row);
  return row;
}

std::optional<float> Scorer::predict(const UserHistory& h, int32_t item, SimScratch* scratch) const {
  if (!predicts_ratings() || item < 0 || item >= m_.items.size()) return std::nullopt;
  const float bu = user_bias(h);
  const float base = m_.global_mean + bu + m_.item_bias[item];
  auto clip = [&](float r) { return std::clamp(r, m_.rating_min, m_.rating_max); };
  if (m_.algo == Algo::kBias) return clip(base);
  if (m_.algo == Algo::kMf) {
    const std::vector<float> x = user_vector(h);
    return clip(base + dot(x.data(), &m_.item_factors[static_cast<size_t>(item) * m_.factors], m_.factors));
  }
  // kNN: the k most similar neighbours with a rating, weighted average of their
  // deviations from the baseline (or from their means).
  std::vector<std::pair<float, float>> nbrs;  // (sim, deviation)
  float centre = base;
  if (m_.algo == Algo::kUserKnn) {
    if (!m_.knn.baseline_corrected) {
      double s = 0;
      for (auto [i, v] : h.ratings) s += v;
      centre = h.ratings.empty() ? item_mean(item) : static_cast<float>(s / h.ratings.size());
    }
    auto raters = m_.seen_by_item.row_index(item);
    auto values = m_.seen_by_item.row_value(item);
    std::map<int32_t, float> rating_of;
    for (size_t k = 0; k < raters.size(); ++k) rating_of[raters[k]] = values[k];
    // The k nearest users among those who rated the item (not the k nearest overall).
    std::vector<int32_t> idx;
    std::vector<float> raw;
    for (auto [i, r] : h.ratings) {
      idx.push_back(i);
      raw.push_back(r);
    }
    std::vector<std::pair<int32_t, float>> sims;
    SimScratch local;
    similarities(user_space_, idx, centre_query(user_space_, idx, raw), scratch ? *scratch : local, sims);
    for (auto [v, sim] : sims) {
      auto it = rating_of.find(v);
      if (sim <= 0 || v == h.user || it == rating_of.end()) continue;
      const float dev = m_.knn.baseline_corrected
                            ? it->second - (m_.global_mean + m_.user_bias[v] + m_.item_bias[item])
                            : it->second - user_mean_[v];
      nbrs.emplace_back(sim, dev);
    }
  } else {
    if (!m_.knn.baseline_corrected) centre = item_mean(item);
    SimScratch local;
    std::vector<std::pair<int32_t, float>> row = item_similarity_row(item, scratch ? *scratch : local);
    std::sort(row.begin(), row.end());
    for (auto [j, r] : h.ratings) {
      auto it = std::lower_bound(row.begin(), row.end(), std::make_pair(j, -1e30f));
      if (it == row.end() || it->first != j || it->second <= 0 || j == item) continue;
      const float dev = m_.knn.baseline_corrected ? r - (m_.global_mean + bu + m_.item_bias[j]) : r - item_mean(j);
      nbrs.emplace_back(it->second, dev);
    }
  }
  std::sort(nbrs.begin(), nbrs.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  if (static_cast<int32_t>(nbrs.size()) > m_.knn.k) nbrs.resize(static_cast<size_t>(m_.knn.k));
  double num = 0, den = 0;
  for (auto [sim, dev] : nbrs) {
    num += sim * dev;
    den += sim;
  }
  return clip(den > 0 ? centre + static_cast<float>(num / den) : centre);
}

std::vector<ItemScore> Scorer::similar_items(int32_t item, int32_t k) const {
  std::vector<std::pair<int32_t, float>> sims;
  if (!m_.item_neighbours.index.empty()) {
    const Neighbours& nb = m_.item_neighbours;
    for (int32_t x = nb.offsets[item]; x < nb.offsets[item + 1]; ++x) sims.emplace_back(nb.index[x], nb.sim[x]);
  } else if (!m_.item_factors.empty()) {
    const float* qi = &m_.item_factors[static_cast<size_t>(item) * m_.factors];
    for (int32_t j = 0; j < m_.items.size(); ++j)
      if (j != item && item_norm_[j] > 0 && item_norm_[item] > 0)
        sims.emplace_back(j, dot(qi, &m_.item_factors[static_cast<size_t>(j) * m_.factors], m_.factors) /
                                 (item_norm_[item] * item_norm_[j]));
  } else if (!content_.empty()) {
    std::vector<float> c = item_content_similarities(content_, item);
    for (int32_t j = 0; j < m_.items.size(); ++j)
      if (j != item && c[j] > 0) sims.emplace_back(j, c[j]);
  } else {
    // Popularity / bias models: items co-rated with this one, by count (cosine of
    // binary vectors would need the same pass).
    std::map<int32_t, float> co;
    for (int32_t u : m_.seen_by_item.row_index(item))
      for (int32_t j : m_.seen.row_index(u))
        if (j != item) co[j] += 1;
    for (auto [j, c] : co)
      sims.emplace_back(j, c / std::sqrt(std::max(1.0f, m_.popularity[item] * m_.popularity[j])));
  }
  auto by_sim = [](const auto& a, const auto& b) { return a.second != b.second ? a.second > b.second : a.first < b.first; };
  std::sort(sims.begin(), sims.end(), by_sim);
  std::vector<ItemScore> out;
  for (size_t x = 0; x < sims.size() && static_cast<int32_t>(out.size()) < k; ++x)
    out.push_back({sims[x].first, sims[x].second, fmt::format("similar to {} (similarity {:.2f})", title(item), sims[x].second)});
  return out;
}

nlohmann::json Scorer::explain(const UserHistory& h, int32_t item) const {
  nlohmann::json reasons = nlohmann::json::array();
  const bool cold = h.liked.empty();
  Scores s = cold ? popularity_scores() : score_items(h);
  nlohmann::json out = {{"item", m_.items.ids[item]}, {"title", m_.titles[item]}, {"strategy", s.strategy},
                        {"cold_start", cold}};
  if (!std::isnan(s.score[item])) out["score"] = s.score[item];
  if (auto r = predict(h, item)) out["predicted_rating"] = *r;
  if (cold) {
    reasons.push_back({{"text", fmt::format("popular ({} interactions)", m_.popularity[item])}});
  } else if (m_.algo == Algo::kItemKnn || m_.algo == Algo::kHybrid) {
    // Every liked item that is a neighbour of this one, by contribution.
    SimScratch scratch;
    std::vector<std::pair<int32_t, float>> row = item_similarity_row(item, scratch);
    std::map<int32_t, float> sim_of(row.begin(), row.end());
    std::vector<std::tuple<float, int32_t, float>> parts;
    for (auto [j, w] : h.liked)
      if (auto it = sim_of.find(j); it != sim_of.end() && it->second > 0 && j != item)
        parts.emplace_back(w * it->second, j, it->second);
    std::sort(parts.begin(), parts.end(), [](const auto& a, const auto& b) { return std::get<0>(a) > std::get<0>(b); });
    for (size_t k = 0; k < parts.size() && k < 5; ++k) {
      auto [c, j, sim] = parts[k];
      reasons.push_back({{"text", fmt::format("because you {} {} (similarity {:.2f})",
                                              m_.implicit ? "interacted with" : "rated", title(j), sim)},
                         {"item", m_.items.ids[j]},
                         {"similarity", sim},
                         {"contribution", c}});
    }
    if (m_.algo == Algo::kHybrid || parts.empty()) reasons.push_back({{"text", reason(h, s, item)}});
  } else {
    reasons.push_back({{"text", std::isnan(s.score[item]) ? std::string("not matched by this model; popular fallback")
                                                          : reason(h, s, item)}});
  }
  out["reasons"] = reasons;
  return out;
}

}  // namespace maas::recsys

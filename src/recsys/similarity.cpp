#include "recsys/similarity.h"

#include <algorithm>
#include <cmath>

#include "tensor/thread_pool.h"

namespace maas::recsys {

namespace {

std::vector<float> row_means(const Csr& m) {
  std::vector<float> mean(static_cast<size_t>(m.rows), 0.0f);
  for (int32_t r = 0; r < m.rows; ++r) {
    double sum = 0;
    for (float v : m.row_value(r)) sum += v;
    if (m.row_size(r) > 0) mean[r] = static_cast<float>(sum / m.row_size(r));
  }
  return mean;
}

}  // namespace

SimilaritySpace make_space(const Csr& entity_by_other, Similarity kind, float shrinkage) {
  SimilaritySpace s;
  s.kind = kind;
  s.shrinkage = shrinkage;
  s.m = entity_by_other;
  const Csr other_by_entity = transpose(entity_by_other);
  s.other_mean = row_means(other_by_entity);
  if (kind == Similarity::kPearson) {
    const std::vector<float> mean = row_means(entity_by_other);
    for (int32_t e = 0; e < s.m.rows; ++e)
      for (int32_t k = s.m.offsets[e]; k < s.m.offsets[e + 1]; ++k) s.m.value[k] -= mean[e];
  } else if (kind == Similarity::kAdjustedCosine) {
    for (int32_t e = 0; e < s.m.rows; ++e)
      for (int32_t k = s.m.offsets[e]; k < s.m.offsets[e + 1]; ++k) s.m.value[k] -= s.other_mean[s.m.index[k]];
  }
  s.mt = transpose(s.m);
  return s;
}

std::vector<float> centre_query(const SimilaritySpace& s, std::span<const int32_t> index, std::span<const float> raw) {
  std::vector<float> out(raw.begin(), raw.end());
  if (s.kind == Similarity::kPearson) {
    double sum = 0;
    for (float v : raw) sum += v;
    const float mean = raw.empty() ? 0.0f : static_cast<float>(sum / raw.size());
    for (float& v : out) v -= mean;
  } else if (s.kind == Similarity::kAdjustedCosine) {
    for (size_t k = 0; k < out.size(); ++k) out[k] -= s.other_mean[index[k]];
  }
  return out;
}

void similarities(const SimilaritySpace& s, std::span<const int32_t> index, std::span<const float> centred,
                  SimScratch& sc, std::vector<std::pair<int32_t, float>>& out) {
  const size_t n = static_cast<size_t>(s.m.rows);
  if (sc.count.size() != n) {
    sc.xy.assign(n, 0);
    sc.xx.assign(n, 0);
    sc.yy.assign(n, 0);
    sc.count.assign(n, 0);
  }
  sc.touched.clear();
  for (size_t k = 0; k < index.size(); ++k) {
    const int32_t o = index[k];
    if (o < 0 || o >= s.mt.rows) continue;
    const double x = centred[k];
    auto entities = s.mt.row_index(o);
    auto values = s.mt.row_value(o);
    for (size_t j = 0; j < entities.size(); ++j) {
      const int32_t e = entities[j];
      const double y = values[j];
      if (sc.count[e]++ == 0) sc.touched.push_back(e);
      sc.xy[e] += x * y;
      sc.xx[e] += x * x;
      sc.yy[e] += y * y;
    }
  }
  out.clear();
  for (int32_t e : sc.touched) {
    const double denom = std::sqrt(sc.xx[e] * sc.yy[e]);
    double sim = denom > 0 ? sc.xy[e] / denom : 0.0;
    const double support = sc.count[e] - 1.0;
    if (s.shrinkage > 0) sim *= support / (support + s.shrinkage);
    if (sim != 0) out.emplace_back(e, static_cast<float>(sim));
    sc.xy[e] = sc.xx[e] = sc.yy[e] = 0;
    sc.count[e] = 0;
  }
}

Neighbours top_neighbours(const SimilaritySpace& s, int32_t list_size, tensor::ThreadPool* pool) {
  const int32_t n = s.m.rows;
  std::vector<std::vector<std::pair<int32_t, float>>> lists(static_cast<size_t>(n));
  auto work = [&](int64_t begin, int64_t end) {
    SimScratch scratch;
    std::vector<std::pair<int32_t, float>> sims;
    for (int64_t e = begin; e < end; ++e) {
      similarities(s, s.m.row_index(static_cast<int32_t>(e)), s.m.row_value(static_cast<int32_t>(e)), scratch, sims);
      std::erase_if(sims, [&](const auto& p) { return p.first == e || p.second <= 0; });
      auto by_sim = [](const auto& a, const auto& b) { return a.second != b.second ? a.second > b.second : a.first < b.first; };
      if (static_cast<int32_t>(sims.size()) > list_size) {
        std::partial_sort(sims.begin(), sims.begin() + list_size, sims.end(), by_sim);
        sims.resize(static_cast<size_t>(list_size));
      } else {
        std::sort(sims.begin(), sims.end(), by_sim);
      }
      lists[static_cast<size_t>(e)] = sims;
    }
  };
  if (pool)
    pool->parallel_for(n, work, 16);
  else
    work(0, n);
  Neighbours out;
  out.offsets.assign(static_cast<size_t>(n) + 1, 0);
  for (int32_t e = 0; e < n; ++e) {
    out.offsets[e + 1] = out.offsets[e] + static_cast<int32_t>(lists[e].size());
    for (auto [j, sim] : lists[e]) {
      out.index.push_back(j);
      out.sim.push_back(sim);
    }
  }
  return out;
}

}  // namespace maas::recsys

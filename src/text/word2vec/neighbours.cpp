#include "text/word2vec/neighbours.h"

#include <algorithm>
#include <cmath>

#include "tensor/ops.h"

namespace maas::text::word2vec {

float UnitVectors::cosine(int32_t a, int32_t b) const { return tensor::dot(row(a), row(b), words_->stride()); }

std::vector<std::pair<int32_t, float>> UnitVectors::nearest(const std::vector<int32_t>& positive,
                                                            const std::vector<int32_t>& negative, int64_t k) const {
  const int64_t stride = words_->stride(), n = words_->size();
  std::vector<float> query(static_cast<size_t>(stride), 0.0f);
  for (int32_t p : positive) tensor::axpy(1.0f, row(p), stride, query.data());
  for (int32_t q : negative) tensor::axpy(-1.0f, row(q), stride, query.data());
  const float norm = std::sqrt(tensor::dot(query.data(), query.data(), stride));
  if (norm > 0) tensor::scale(query.data(), 1.0f / norm, stride);

  std::vector<std::pair<int32_t, float>> best;  // a min-heap of the k best so far
  auto worse = [](const std::pair<int32_t, float>& a, const std::pair<int32_t, float>& b) {
    return a.second != b.second ? a.second > b.second : a.first < b.first;
  };
  k = std::min(k, n);
  for (int64_t i = 0; i < n; ++i) {
    const float s = tensor::dot(query.data(), row(i), stride);
    if (static_cast<int64_t>(best.size()) == k && !(s > best.front().second)) continue;
    const auto id = static_cast<int32_t>(i);
    if (std::find(positive.begin(), positive.end(), id) != positive.end() ||
        std::find(negative.begin(), negative.end(), id) != negative.end())
      continue;
    best.emplace_back(id, s);
    std::push_heap(best.begin(), best.end(), worse);
    if (static_cast<int64_t>(best.size()) > k) {
      std::pop_heap(best.begin(), best.end(), worse);
      best.pop_back();
    }
  }
  std::sort(best.begin(), best.end(), worse);
  return best;
}

}  // namespace maas::text::word2vec

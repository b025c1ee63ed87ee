#include "recsys/baseline.h"

namespace maas::recsys {

float mean_value(const Csr& m) {
  double sum = 0;
  for (float v : m.value) sum += v;
  return m.value.empty() ? 0.0f : static_cast<float>(sum / static_cast<double>(m.value.size()));
}

Biases fit_biases(const Csr& by_user, const Csr& by_item, int iterations) {
  Biases b;
  b.mu = mean_value(by_user);
  b.user.assign(static_cast<size_t>(by_user.rows), 0.0f);
  b.item.assign(static_cast<size_t>(by_item.rows), 0.0f);
  for (int it = 0; it < iterations; ++it) {
    for (int32_t i = 0; i < by_item.rows; ++i) {
      double sum = 0;
      auto users = by_item.row_index(i);
      auto r = by_item.row_value(i);
      for (size_t k = 0; k < users.size(); ++k) sum += r[k] - b.mu - b.user[users[k]];
      b.item[i] = static_cast<float>(sum / (kBiasRegItem + static_cast<double>(users.size())));
    }
    for (int32_t u = 0; u < by_user.rows; ++u) {
      double sum = 0;
      auto items = by_user.row_index(u);
      auto r = by_user.row_value(u);
      for (size_t k = 0; k < items.size(); ++k) sum += r[k] - b.mu - b.item[items[k]];
      b.user[u] = static_cast<float>(sum / (kBiasRegUser + static_cast<double>(items.size())));
    }
  }
  return b;
}

float fold_in_user_bias(float mu, const std::vector<float>& item_bias,
                        std::span<const std::pair<int32_t, float>> ratings) {
  if (item_bias.empty()) return 0;
  double sum = 0;
  for (auto [i, r] : ratings) sum += r - mu - item_bias[i];
  return static_cast<float>(sum / (kBiasRegUser + static_cast<double>(ratings.size())));
}

}  // namespace maas::recsys

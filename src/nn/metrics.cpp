#include "nn/metrics.h"

#include <algorithm>
#include <cmath>

namespace maas::nn {
namespace {

int64_t argmax(const float* p, int64_t n) { return std::max_element(p, p + n) - p; }

}  // namespace

double accuracy(const std::vector<float>& probs, const std::vector<int32_t>& labels, int64_t classes) {
  if (labels.empty()) return 0;
  int64_t right = 0;
  for (size_t r = 0; r < labels.size(); ++r) right += argmax(probs.data() + r * classes, classes) == labels[r];
  return double(right) / double(labels.size());
}

double r_squared(const std::vector<double>& truth, const std::vector<double>& pred) {
  if (truth.empty()) return 0;
  double mean = 0;
  for (double t : truth) mean += t / double(truth.size());
  double ss_res = 0, ss_tot = 0;
  for (size_t i = 0; i < truth.size(); ++i) {
    ss_res += (truth[i] - pred[i]) * (truth[i] - pred[i]);
    ss_tot += (truth[i] - mean) * (truth[i] - mean);
  }
  return ss_tot > 0 ? 1.0 - ss_res / ss_tot : (ss_res == 0 ? 1.0 : 0.0);
}

nlohmann::json classification_metrics(const std::vector<float>& probs, const std::vector<int32_t>& labels,
                                      int64_t classes) {
  std::vector<std::vector<int64_t>> confusion(size_t(classes), std::vector<int64_t>(size_t(classes), 0));
  double log_loss = 0;
  for (size_t r = 0; r < labels.size(); ++r) {
    const float* p = probs.data() + r * classes;
    confusion[size_t(labels[r])][size_t(argmax(p, classes))]++;
    log_loss -= std::log(std::max(double(p[labels[r]]), 1e-15));
  }
  double f1_sum = 0;
  for (int64_t c = 0; c < classes; ++c) {
    int64_t tp = confusion[c][c], fp = 0, fn = 0;
    for (int64_t o = 0; o < classes; ++o)
      if (o != c) {
        fp += confusion[o][c];
        fn += confusion[c][o];
      }
    f1_sum += tp == 0 ? 0.0 : 2.0 * double(tp) / double(2 * tp + fp + fn);
  }
  return {{"accuracy", accuracy(probs, labels, classes)},
          {"macro_f1", f1_sum / double(classes)},
          {"log_loss", labels.empty() ? 0.0 : log_loss / double(labels.size())},
          {"confusion_matrix", confusion},
          {"rows", labels.size()}};
}

nlohmann::json regression_metrics(const std::vector<double>& truth, const std::vector<double>& pred) {
  double se = 0, ae = 0;
  for (size_t i = 0; i < truth.size(); ++i) {
    se += (truth[i] - pred[i]) * (truth[i] - pred[i]);
    ae += std::fabs(truth[i] - pred[i]);
  }
  const double n = std::max<double>(1, double(truth.size()));
  return {{"rmse", std::sqrt(se / n)}, {"mae", ae / n}, {"r2", r_squared(truth, pred)}, {"rows", truth.size()}};
}

}  // namespace maas::nn

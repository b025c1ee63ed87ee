// Scores of predictions against the truth: classification (accuracy, macro-F1, log-loss,
// confusion matrix) and regression (RMSE, MAE, R^2).
#pragma once

#include <cstdint>
#include <vector>

#include <nlohmann/json.hpp>

namespace maas::nn {

// probs: rows x classes; labels: the true class of each row.
double accuracy(const std::vector<float>& probs, const std::vector<int32_t>& labels, int64_t classes);
double r_squared(const std::vector<double>& truth, const std::vector<double>& pred);

// {"accuracy", "macro_f1", "log_loss", "confusion_matrix" (rows: truth, columns: predicted), "rows"}
nlohmann::json classification_metrics(const std::vector<float>& probs, const std::vector<int32_t>& labels,
                                      int64_t classes);
// {"rmse", "mae", "r2", "rows"}
nlohmann::json regression_metrics(const std::vector<double>& truth, const std::vector<double>& pred);

}  // namespace maas::nn

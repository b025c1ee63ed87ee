#include "recsys/linalg.h"

#include <cmath>

namespace maas::recsys {

// A = L L^T (L in the lower triangle), then L y = b, L^T x = y.
bool cholesky_solve(float* a, float* b, int32_t n) {
  for (int32_t j = 0; j < n; ++j) {
    double d = a[j * n + j];
    for (int32_t k = 0; k < j; ++k) d -= static_cast<double>(a[j * n + k]) * a[j * n + k];
    if (d <= 0) return false;
    const double l_jj = std::sqrt(d);
    a[j * n + j] = static_cast<float>(l_jj);
    for (int32_t i = j + 1; i < n; ++i) {
      double s = a[i * n + j];
      for (int32_t k = 0; k < j; ++k) s -= static_cast<double>(a[i * n + k]) * a[j * n + k];
      a[i * n + j] = static_cast<float>(s / l_jj);
    }
  }
  for (int32_t i = 0; i < n; ++i) {
    double s = b[i];
    for (int32_t k = 0; k < i; ++k) s -= static_cast<double>(a[i * n + k]) * b[k];
    b[i] = static_cast<float>(s / a[i * n + i]);
  }
  for (int32_t i = n - 1; i >= 0; --i) {
    double s = b[i];
    for (int32_t k = i + 1; k < n; ++k) s -= static_cast<double>(a[k * n + i]) * b[k];
    b[i] = static_cast<float>(s / a[i * n + i]);
  }
  return true;
}

}  // namespace maas::recsys

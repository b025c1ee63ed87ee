// Small dense symmetric positive-definite solves (K x K, K = factors) for ALS and fold-in.
#pragma once

#include <cstdint>

namespace maas::recsys {

// Solves A x = b in place: A (n x n, row-major, symmetric positive definite) is
// overwritten by its Cholesky factor, b by x. False if A is not positive definite.
bool cholesky_solve(float* a, float* b, int32_t n);

}  // namespace maas::recsys

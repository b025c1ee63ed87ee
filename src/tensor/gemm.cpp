#include "tensor/gemm.h"

#include <algorithm>
#include <vector>

#include "tensor/ops.h"
#include "tensor/thread_pool.h"

namespace maas::tensor {
namespace {

// C rows [r0, r1): each C[i][j] = alpha * dot(row i of op(A), column j of op(B)) + beta C.
// B is first brought to n x k (rows = columns of op(B)) so every element is one dot of
// two contiguous rows, summed by the vectorised `dot` in a fixed order.
void gemm_rows(const float* a_rows, int64_t a_stride, const float* bt, GemmShape s, float alpha, float beta, float* c,
               int64_t ldc, int64_t r0, int64_t r1) {
  for (int64_t i = r0; i < r1; ++i) {
    const float* ai = a_rows + i * a_stride;
    float* ci = c + i * ldc;
    for (int64_t j = 0; j < s.n; ++j) {
      const float v = alpha * dot(ai, bt + j * s.k, s.k);
      ci[j] = beta == 0.0f ? v : v + beta * ci[j];
    }
  }
}

}  // namespace

void gemm(Trans trans_a, Trans trans_b, GemmShape s, float alpha, const float* a, int64_t lda, const float* b,
          int64_t ldb, float beta, float* c, int64_t ldc, ThreadPool* pool) {
  if (s.m <= 0 || s.n <= 0) return;
  if (s.k <= 0) {
    for (int64_t i = 0; i < s.m; ++i)
      for (int64_t j = 0; j < s.n; ++j) c[i * ldc + j] = beta == 0.0f ? 0.0f : beta * c[i * ldc + j];
    return;
  }
  // op(A) rows contiguous: A as given (m x k) or A^T copied.
  std::vector<float> at;
  const float* a_rows = a;
  int64_t a_stride = lda;
  if (trans_a == Trans::kYes) {
    at.resize(static_cast<size_t>(s.m * s.k));
    for (int64_t p = 0; p < s.k; ++p)
      for (int64_t i = 0; i < s.m; ++i) at[i * s.k + p] = a[p * lda + i];
    a_rows = at.data();
    a_stride = s.k;
  }
  // op(B)^T rows contiguous (n x k): B^T when B is k x n, B itself when trans_b.
  std::vector<float> bt(static_cast<size_t>(s.n * s.k));
  for (int64_t j = 0; j < s.n; ++j)
    for (int64_t p = 0; p < s.k; ++p) bt[j * s.k + p] = trans_b == Trans::kYes ? b[j * ldb + p] : b[p * ldb + j];
  auto body = [&](int64_t r0, int64_t r1) { gemm_rows(a_rows, a_stride, bt.data(), s, alpha, beta, c, ldc, r0, r1); };
  if (pool && s.m * s.n * s.k >= (1 << 15))
    pool->parallel_for(s.m, body, 4);
  else
    body(0, s.m);
}

}  // namespace maas::tensor

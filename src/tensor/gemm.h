// Dense float matrix products for training and for the trained families' inference:
// C = alpha * op(A) op(B) + beta * C, row-major, op(X) = X or X^T. The hot loop of
// every forward and backward pass (a layer's forward is X W^T, its backward dX = dY W
// and dW = dY^T X). op(A) and op(B) are packed into panels and multiplied by a register-
// tiled micro-kernel of the active ISA (tensor/kernels/gemm_*.cpp: AVX-512, AVX2+FMA,
// scalar; MAAS_KERNELS picks), split over the pool by blocks of C. Results do not depend
// on the thread count or on m (each element of C is summed in the same order by one
// thread), so a row's product is the same alone or in a batch.
#pragma once

#include <cstdint>

namespace maas::tensor {

class ThreadPool;

enum class Trans : uint8_t { kNo, kYes };

struct GemmShape {
  int64_t m = 0;  // rows of op(A) and C
  int64_t n = 0;  // columns of op(B) and C
  int64_t k = 0;  // columns of op(A) = rows of op(B)
};

// A is m x k (or k x m when trans_a), lda its row stride; B is k x n (or n x k), ldb;
// C is m x n, ldc. beta == 0 ignores C's old contents (NaN included). pool may be null.
void gemm(Trans trans_a, Trans trans_b, GemmShape shape, float alpha, const float* a, int64_t lda, const float* b,
          int64_t ldb, float beta, float* c, int64_t ldc, ThreadPool* pool);

}  // namespace maas::tensor

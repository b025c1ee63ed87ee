// The GEMM micro-kernels, one per instruction set (gemm_scalar.cpp, gemm_x86_avx2.cpp,
// gemm_x86_avx512.cpp). gemm.cpp packs op(A) into panels of `mr` rows and op(B) into
// panels of `nr` columns (zero-padded), then calls `tile` for each mr x nr block of C.
// The table is chosen by the active kernel table's ISA (MAAS_KERNELS / use_kernels).
#pragma once

#include <cstdint>

#include "tensor/kernels/kernels.h"

namespace maas::tensor {

struct GemmKernel {
  int64_t mr = 0;  // rows of C per tile
  int64_t nr = 0;  // columns of C per tile
  // acc = sum_p ap[p*mr + i] * bp[p*nr + j] for p < kc (p in order), then for the
  // rows < rows and columns < cols of the tile: c[i*ldc + j] = alpha*acc + beta*c
  // (beta == 0: c's old value is not read).
  void (*tile)(int64_t kc, const float* ap, const float* bp, float* c, int64_t ldc, float alpha, float beta,
               int64_t rows, int64_t cols) = nullptr;
};

const GemmKernel& gemm_kernel_scalar();
const GemmKernel& gemm_kernel_avx2();
const GemmKernel& gemm_kernel_avx512();

// The kernel for `isa` (each file is compiled for its own instruction set).
const GemmKernel& gemm_kernel_for(Isa isa);

}  // namespace maas::tensor

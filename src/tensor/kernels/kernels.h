// The kernel dispatch table: one per instruction set, the best one for this CPU chosen
// once at start-up (env MAAS_KERNELS=scalar|avx2|avx512 forces one). This is the only
// global mutable state of tensor/.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/status.h"
#include "tensor/dtype.h"

namespace maas::tensor {

enum class Isa { kScalar = 0, kAvx2 = 1, kAvx512 = 2 };
std::string_view isa_name(Isa isa);

// One matmul call, as the kernels see it: W (rows x cols, row-major blocks) times
// n_tokens activation rows already converted to the kernel's activation format.
struct MatmulArgs {
  const uint8_t* w;
  size_t w_row_bytes;   // bytes per row; for packed_rows, per group of kPackRows rows
  int64_t cols;
  const uint8_t* x;     // activation rows (the kernel's format), x_row_bytes apart
  size_t x_row_bytes;
  int64_t n_tokens;
  float* y;             // y[t * y_stride + r]
  int64_t y_stride;
};

// How one ISA multiplies one weight type.
struct MatmulKernel {
  // Activation format. act_row_bytes == nullptr: the kernel reads the float rows as is.
  size_t (*act_row_bytes)(int64_t cols) = nullptr;
  void (*quantize_act)(const float* x, void* out, int64_t cols) = nullptr;
  // Computes y for rows [r0, r1) and every token. r0 is a multiple of row_grain.
  void (*rows)(const MatmulArgs& a, int64_t r0, int64_t r1) = nullptr;
  int64_t row_grain = 1;
  // The same product over the packed layout of the weights (tensor/quant/packed.h), with
  // the same activation format; a.w is then the packed matrix. nullptr: not supported.
  // r0 is a multiple of kPackRows.
  void (*packed_rows)(const MatmulArgs& a, int64_t r0, int64_t r1) = nullptr;
};

struct VectorKernels {
  float (*dot)(const float* a, const float* b, int64_t n);
  void (*axpy)(float a, const float* x, float* y, int64_t n);        // y += a * x
  void (*add)(const float* a, const float* b, float* out, int64_t n);
  void (*mul)(const float* a, const float* b, float* out, int64_t n);
  void (*scale)(float* x, float s, int64_t n);
  float (*sum_squares)(const float* x, int64_t n);
  float (*max)(const float* x, int64_t n);
  int64_t (*argmax)(const float* x, int64_t n);  // first index of the largest (n > 0)
  float (*exp_sub_sum)(float* x, float m, int64_t n);  // x = exp(x - m), returns the sum
  void (*silu_mul)(const float* gate, const float* up, float* out, int64_t n);
  // One attention head: out = softmax(scale * K q) V over n positions, K and V rows
  // `stride` floats apart, head_dim hd; score is n floats of scratch.
  void (*attend)(const float* q, const float* k, const float* v, int64_t n, int64_t hd, int64_t stride,
                 float scale, float* score, float* out);
};

// The scalar argmax (tables without their own).
int64_t argmax_generic(const float* x, int64_t n);
// attend composed from the active table's dot, max, exp_sub_sum and axpy (the reference,
// and what a table uses for head sizes its own attend does not cover).
void attend_generic(const float* q, const float* k, const float* v, int64_t n, int64_t hd, int64_t stride,
                    float scale, float* score, float* out);

struct Kernels {
  Isa isa = Isa::kScalar;
  MatmulKernel f32, f16, bf16, q8_0, q4_0, q4_k, q6_k;
  VectorKernels vec;

  // The kernel for weights of `type`, or nullptr if there is none.
  const MatmulKernel* matmul_for(DType type) const;
};

// The active table (selected on first use).
const Kernels& kernels();
// Instruction sets this CPU can run, best last.
bool cpu_supports(Isa isa);
// Switches the active table (tests, benchmarks); an error if the CPU lacks `isa`.
Status use_kernels(Isa isa);

// Tables of each instruction set (kernels/scalar.cpp, x86_avx2.cpp, x86_avx512.cpp).
// Each starts from the one below it and overrides what it implements.
void fill_scalar_kernels(Kernels& k);
void fill_avx2_kernels(Kernels& k);
void fill_avx512_kernels(Kernels& k);

}  // namespace maas::tensor

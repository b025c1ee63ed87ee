// matmul: converts the activations once into the kernel's format, then splits the
// weight rows over the pool; the kernel tiles rows x tokens so that each weight block
// is loaded once per tile of tokens.
#include <cstdio>
#include <cstdlib>
#include <memory>

#include "tensor/kernels/kernels.h"
#include "tensor/ops.h"
#include "tensor/quant/packed.h"
#include "tensor/quant/traits.h"
#include "tensor/thread_pool.h"

namespace maas::tensor {
namespace {

// Grow-only, 64-byte aligned scratch for the converted activations of one thread.
uint8_t* activation_scratch(size_t bytes) {
  struct Buffer {
    std::unique_ptr<uint8_t, decltype(&std::free)> data{nullptr, &std::free};
    size_t size = 0;
  };
  thread_local Buffer buf;
  if (buf.size < bytes) {
    const size_t size = (bytes + 4095) / 4096 * 4096;
    buf.data.reset(static_cast<uint8_t*>(std::aligned_alloc(64, size)));
    if (!buf.data) {
      std::fprintf(stderr, "maas: out of memory for %zu bytes of activations\n", size);
      std::abort();
    }
    buf.size = size;
  }
  return buf.data.get();
}

}  // namespace

bool matmul_supports(DType type) { return kernels().matmul_for(type) != nullptr; }

void matmul(const Matrix& w, const float* x, int64_t n_tokens, float* y, ThreadPool& pool) {
  if (n_tokens <= 0 || w.rows <= 0) return;
  const MatmulKernel* k = kernels().matmul_for(w.type);
  if (k == nullptr) {
    std::fprintf(stderr, "maas: matmul has no kernel for %s weights\n",
                 std::string(dtype_info(w.type).name).c_str());
    std::abort();
  }
  MatmulArgs a{static_cast<const uint8_t*>(w.data), row_bytes(w.type, size_t(w.cols)), w.cols,
               reinterpret_cast<const uint8_t*>(x), size_t(w.cols) * sizeof(float), n_tokens,
               y, w.rows};
  if (k->act_row_bytes != nullptr) {
    const size_t xb = (k->act_row_bytes(w.cols) + 63) / 64 * 64;
    uint8_t* q = activation_scratch(xb * size_t(n_tokens));
    auto convert = [&](int64_t t0, int64_t t1) {
      for (int64_t t = t0; t < t1; ++t) k->quantize_act(x + t * w.cols, q + t * xb, w.cols);
    };
    if (n_tokens >= 4) pool.parallel_for(n_tokens, convert);
    else convert(0, n_tokens);
    a.x = q;
    a.x_row_bytes = xb;
  }
  if (w.packed != nullptr && k->packed_rows != nullptr) {
    a.w = static_cast<const uint8_t*>(w.packed);
    a.w_row_bytes = 0;
    pool.parallel_for(w.rows, [&](int64_t r0, int64_t r1) { k->packed_rows(a, r0, r1); }, kPackRows);
    return;
  }
  pool.parallel_for(w.rows, [&](int64_t r0, int64_t r1) { k->rows(a, r0, r1); }, k->row_grain);
}

size_t matmul_packed_bytes(const Matrix& w) {
  const MatmulKernel* k = kernels().matmul_for(w.type);
  if (k == nullptr || k->packed_rows == nullptr) return 0;
  return packed_bytes(w.type, w.rows, w.cols);
}

void pack_matrix(const Matrix& w, void* out, ThreadPool& pool) {
  const PackedShape s = packed_shape(w.type, w.rows, w.cols);
  pool.parallel_for(s.groups, [&](int64_t g0, int64_t g1) {
    pack_groups(w.data, w.type, w.rows, w.cols, g0, g1, out);
  });
}

void dequantize_row(const Matrix& w, int64_t row, float* out) {
  const QuantTraits* t = quant_traits(w.type);
  t->to_float(static_cast<const uint8_t*>(w.data) + row * row_bytes(w.type, size_t(w.cols)), out,
              w.cols);
}

void dequantize(const void* src, DType type, int64_t n, float* out) {
  quant_traits(type)->to_float(src, out, n);
}

void quantize_row(const float* x, DType type, int64_t n, void* out) {
  quant_traits(type)->from_float(x, out, n);
}

}  // namespace maas::tensor

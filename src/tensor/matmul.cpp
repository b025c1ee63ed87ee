// matmul: converts the activations once into the kernel's format, then splits the
// weight rows over the pool; the kernel tiles rows x tokens so that each weight block
// is loaded once per tile of tokens.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <numeric>
#include <string>

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
  const MatmulTarget target{&w, y};
  matmul_shared_input(&target, 1, x, n_tokens, pool);
}

void matmul_shared_input(const MatmulTarget* targets, size_t n_targets, const float* x, int64_t n_tokens,
                         ThreadPool& pool) {
  if (n_tokens <= 0 || n_targets == 0) return;
  if (n_targets > kMaxMatmulTargets) {
    std::fprintf(stderr, "maas: matmul_shared_input takes at most %zu matrices\n", kMaxMatmulTargets);
    std::abort();
  }
  // One part per matrix: its kernel call, and its rows' place in one index space where
  // every part starts at a multiple of every kernel's row grain.
  struct Part {
    const MatmulKernel* k;
    MatmulArgs a;
    void (*rows)(const MatmulArgs&, int64_t, int64_t);
    int64_t begin, end;
    size_t act_offset;  // of its converted activations in the scratch (same format: shared)
    bool converts;      // the first part with its activation format converts them
  };
  Part parts[kMaxMatmulTargets];
  int64_t grain = kPackRows;
  size_t act_bytes = 0;
  for (size_t i = 0; i < n_targets; ++i) {
    const Matrix& w = *targets[i].w;
    Part& p = parts[i];
    p.k = kernels().matmul_for(w.type);
    if (p.k == nullptr) {
      std::fprintf(stderr, "maas: matmul has no kernel for %s weights\n",
                   std::string(dtype_info(w.type).name).c_str());
      std::abort();
    }
    const bool packed = w.packed != nullptr && p.k->packed_rows != nullptr;
    p.a = MatmulArgs{static_cast<const uint8_t*>(packed ? w.packed : w.data),
                     packed ? packed_shape(w.type, w.rows, w.cols).group_bytes : row_bytes(w.type, size_t(w.cols)),
                     w.cols,
                     reinterpret_cast<const uint8_t*>(x), size_t(w.cols) * sizeof(float), n_tokens,
                     targets[i].y, w.rows};
    p.rows = packed ? p.k->packed_rows : p.k->rows;
    grain = std::lcm(grain, packed ? int64_t(kPackRows) : p.k->row_grain);
    p.act_offset = SIZE_MAX;
    p.converts = false;
    if (p.k->act_row_bytes == nullptr) continue;
    p.a.x_row_bytes = (p.k->act_row_bytes(w.cols) + 63) / 64 * 64;  // converted rows, 64-byte aligned
    for (size_t j = 0; j < i; ++j)  // an earlier matrix with the same activation format
      if (parts[j].k->quantize_act == p.k->quantize_act && targets[j].w->cols == w.cols) p.act_offset = parts[j].act_offset;
    if (p.act_offset != SIZE_MAX) continue;
    p.act_offset = act_bytes;
    p.converts = true;
    act_bytes += p.a.x_row_bytes * size_t(n_tokens);
  }
  // Convert the activations once per format.
  uint8_t* scratch = act_bytes > 0 ? activation_scratch(act_bytes) : nullptr;
  for (size_t i = 0; i < n_targets; ++i) {
    Part& p = parts[i];
    if (p.act_offset == SIZE_MAX) continue;
    const int64_t cols = p.a.cols;
    const size_t xb = p.a.x_row_bytes;
    uint8_t* q = scratch + p.act_offset;
    if (p.converts) {
      auto convert = [&](int64_t t0, int64_t t1) {
        for (int64_t t = t0; t < t1; ++t) p.k->quantize_act(x + t * cols, q + t * xb, cols);
      };
      if (n_tokens >= 4) pool.parallel_for(n_tokens, convert);
      else convert(0, n_tokens);
    }
    p.a.x = q;
  }
  int64_t end = 0;
  for (size_t i = 0; i < n_targets; ++i) {
    parts[i].begin = (end + grain - 1) / grain * grain;
    parts[i].end = end = parts[i].begin + parts[i].a.y_stride;
  }
  pool.parallel_for(end, [&](int64_t r0, int64_t r1) {
    for (size_t i = 0; i < n_targets; ++i) {
      const Part& p = parts[i];
      const int64_t lo = std::max(r0, p.begin), hi = std::min(r1, p.end);
      if (lo < hi) p.rows(p.a, lo - p.begin, hi - p.begin);
    }
  }, grain);
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

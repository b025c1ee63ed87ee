#include "tensor/gemm.h"

#include <algorithm>
#include <memory>
#include <vector>

#include "tensor/kernels/gemm_kernels.h"
#include "tensor/thread_pool.h"

namespace maas::tensor {
namespace {

// Blocking. Each task computes a block of kMcPanels x kNcPanels tiles of C, walking k
// in steps of kKc so a panel of packed B (kKc x nr) stays in L1 while the A panels of
// the block (kKc x mr each) stream from L2. Every element of C is summed in the same
// order (k blocks in order, p in order inside) whatever the thread count or the block
// it falls in, so results do not depend on threads or on m.
constexpr int64_t kKc = 256;
constexpr int64_t kMcPanels = 8;
constexpr int64_t kNcPanels = 8;
// Below this many multiply-adds the pool's hand-off costs more than it saves.
constexpr int64_t kParallelWork = 1 << 17;

int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }

// A panel of `width` lanes, `k` deep: dst[p*width + l] = element (p, l) of a strided
// matrix where lane l, step p is at src[l * lane_stride + p * step_stride]; lanes past
// `lanes` are zero. Each case walks the source contiguously.
void pack_panel(const float* src, int64_t lane_stride, int64_t step_stride, int64_t lanes, int64_t width, int64_t k,
                float* dst) {
  if (lanes < width)
    for (int64_t p = 0; p < k; ++p) std::fill(dst + p * width + lanes, dst + (p + 1) * width, 0.0f);
  if (lane_stride == 1) {  // lanes contiguous: one row of the panel per step
    for (int64_t p = 0; p < k; ++p) std::copy_n(src + p * step_stride, lanes, dst + p * width);
    return;
  }
  for (int64_t l = 0; l < lanes; ++l) {  // steps contiguous: one lane at a time
    const float* row = src + l * lane_stride;
    for (int64_t p = 0; p < k; ++p) dst[p * width + l] = row[p];
  }
}

// op(A) rows [i0, i0+mr): op(A)[i][p] is a[i*lda + p], or a[p*lda + i] when transposed.
void pack_a_panel(Trans trans, const float* a, int64_t lda, int64_t m, int64_t k, int64_t i0, int64_t mr, float* ap) {
  const int64_t rows = std::min(mr, m - i0);
  if (trans == Trans::kYes)
    pack_panel(a + i0, 1, lda, rows, mr, k, ap);
  else
    pack_panel(a + i0 * lda, lda, 1, rows, mr, k, ap);
}

// op(B) columns [j0, j0+nr): op(B)[p][j] is b[p*ldb + j], or b[j*ldb + p] when transposed.
void pack_b_panel(Trans trans, const float* b, int64_t ldb, int64_t n, int64_t k, int64_t j0, int64_t nr, float* bp) {
  const int64_t cols = std::min(nr, n - j0);
  if (trans == Trans::kYes)
    pack_panel(b + j0 * ldb, ldb, 1, cols, nr, k, bp);
  else
    pack_panel(b + j0, 1, ldb, cols, nr, k, bp);
}

// Packing space, kept per calling thread and grown as needed, so a training step does
// not allocate (and page-fault in) fresh buffers for every product. Uninitialised:
// packing writes every element it reads.
float* scratch(int which, size_t n) {
  struct Buffer {
    std::unique_ptr<float[]> data;
    size_t size = 0;
  };
  thread_local Buffer buffers[2];
  Buffer& b = buffers[which];
  if (b.size < n) {
    b.data.reset(new float[n]);
    b.size = n;
  }
  return b.data.get();
}

template <typename Fn>
void run(ThreadPool* pool, bool parallel, int64_t n, Fn&& fn) {
  if (parallel)
    pool->parallel_for(n, fn, 1);
  else
    fn(0, n);
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
  const GemmKernel& kern = gemm_kernel_for(kernels().isa);
  const int64_t mr = kern.mr, nr = kern.nr;
  const int64_t m_panels = ceil_div(s.m, mr), n_panels = ceil_div(s.n, nr);
  const bool parallel = pool != nullptr && pool->size() > 1 && s.m * s.n * s.k >= kParallelWork;

  // Pack op(A) and op(B) whole: panel after panel, each k deep.
  float* ap = scratch(0, static_cast<size_t>(m_panels * mr * s.k));
  float* bp = scratch(1, static_cast<size_t>(n_panels * nr * s.k));
  run(pool, parallel, m_panels + n_panels, [&](int64_t begin, int64_t end) {
    for (int64_t t = begin; t < end; ++t) {
      if (t < m_panels)
        pack_a_panel(trans_a, a, lda, s.m, s.k, t * mr, mr, ap + t * mr * s.k);
      else
        pack_b_panel(trans_b, b, ldb, s.n, s.k, (t - m_panels) * nr, nr, bp + (t - m_panels) * nr * s.k);
    }
  });

  // Blocks of C, one task each.
  const int64_t m_blocks = ceil_div(m_panels, kMcPanels), n_blocks = ceil_div(n_panels, kNcPanels);
  run(pool, parallel, m_blocks * n_blocks, [&](int64_t begin, int64_t end) {
    for (int64_t t = begin; t < end; ++t) {
      const int64_t ip0 = (t / n_blocks) * kMcPanels, ip1 = std::min(m_panels, ip0 + kMcPanels);
      const int64_t jp0 = (t % n_blocks) * kNcPanels, jp1 = std::min(n_panels, jp0 + kNcPanels);
      for (int64_t p0 = 0; p0 < s.k; p0 += kKc) {
        const int64_t kc = std::min(kKc, s.k - p0);
        const float beta_here = p0 == 0 ? beta : 1.0f;
        for (int64_t jp = jp0; jp < jp1; ++jp) {
          const float* bpanel = bp + jp * nr * s.k + p0 * nr;
          const int64_t j = jp * nr, cols = std::min(nr, s.n - j);
          for (int64_t ip = ip0; ip < ip1; ++ip) {
            const float* apanel = ap + ip * mr * s.k + p0 * mr;
            const int64_t i = ip * mr, rows = std::min(mr, s.m - i);
            kern.tile(kc, apanel, bpanel, c + i * ldc + j, ldc, alpha, beta_here, rows, cols);
          }
        }
      }
    }
  });
}

}  // namespace maas::tensor

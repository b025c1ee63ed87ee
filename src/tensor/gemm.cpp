#include "tensor/gemm.h"

#include <algorithm>
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

// op(A) rows [i0, i0+mr) as one panel: ap[p*mr + i] = op(A)[i0+i][p], zero past m.
void pack_a_panel(Trans trans, const float* a, int64_t lda, int64_t m, int64_t k, int64_t i0, int64_t mr, float* ap) {
  const int64_t rows = std::min(mr, m - i0);
  for (int64_t p = 0; p < k; ++p) {
    float* dst = ap + p * mr;
    for (int64_t i = 0; i < rows; ++i) dst[i] = trans == Trans::kYes ? a[p * lda + i0 + i] : a[(i0 + i) * lda + p];
    for (int64_t i = rows; i < mr; ++i) dst[i] = 0.0f;
  }
}

// op(B) columns [j0, j0+nr) as one panel: bp[p*nr + j] = op(B)[p][j0+j], zero past n.
void pack_b_panel(Trans trans, const float* b, int64_t ldb, int64_t n, int64_t k, int64_t j0, int64_t nr, float* bp) {
  const int64_t cols = std::min(nr, n - j0);
  for (int64_t p = 0; p < k; ++p) {
    float* dst = bp + p * nr;
    for (int64_t j = 0; j < cols; ++j) dst[j] = trans == Trans::kYes ? b[(j0 + j) * ldb + p] : b[p * ldb + j0 + j];
    for (int64_t j = cols; j < nr; ++j) dst[j] = 0.0f;
  }
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
  std::vector<float> ap(static_cast<size_t>(m_panels * mr * s.k));
  std::vector<float> bp(static_cast<size_t>(n_panels * nr * s.k));
  run(pool, parallel, m_panels + n_panels, [&](int64_t begin, int64_t end) {
    for (int64_t t = begin; t < end; ++t) {
      if (t < m_panels)
        pack_a_panel(trans_a, a, lda, s.m, s.k, t * mr, mr, ap.data() + t * mr * s.k);
      else
        pack_b_panel(trans_b, b, ldb, s.n, s.k, (t - m_panels) * nr, nr, bp.data() + (t - m_panels) * nr * s.k);
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
          const float* bpanel = bp.data() + jp * nr * s.k + p0 * nr;
          const int64_t j = jp * nr, cols = std::min(nr, s.n - j);
          for (int64_t ip = ip0; ip < ip1; ++ip) {
            const float* apanel = ap.data() + ip * mr * s.k + p0 * mr;
            const int64_t i = ip * mr, rows = std::min(mr, s.m - i);
            kern.tile(kc, apanel, bpanel, c + i * ldc + j, ldc, alpha, beta_here, rows, cols);
          }
        }
      }
    }
  });
}

}  // namespace maas::tensor

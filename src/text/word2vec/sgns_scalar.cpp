// Scalar reference of the sgns kernels (any CPU; MAAS_KERNELS=scalar).
#include "text/word2vec/sgns_impl.h"

namespace maas::text::word2vec {
namespace {

struct ScalarV {
  using reg = float;
  static constexpr int kWidth = 1;
  static reg load(const float* p) { return *p; }
  static void store(float* p, reg v) { *p = v; }
  static reg zero() { return 0.0f; }
  static reg set1(float x) { return x; }
  static reg add(reg a, reg b) { return a + b; }
  static reg mul(reg a, reg b) { return a * b; }
  static reg fmadd(reg a, reg b, reg c) { return a * b + c; }
  static float sum(reg a) { return a; }
};

}  // namespace

const SgnsKernels& sgns_scalar() {
  static const SgnsKernels k = sgns_table<ScalarV>("scalar");
  return k;
}

}  // namespace maas::text::word2vec

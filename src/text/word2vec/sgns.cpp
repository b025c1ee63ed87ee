#include "text/word2vec/sgns.h"

#include <cmath>

#include "tensor/kernels/kernels.h"

namespace maas::text::word2vec {

SigmoidTable::SigmoidTable() {
  for (int i = 0; i <= kSize; ++i) {
    const double x = (2.0 * i / kSize - 1.0) * kMax;
    sigmoid[i] = static_cast<float>(1.0 / (1.0 + std::exp(-x)));
    log_sigmoid[i] = static_cast<float>(-std::log1p(std::exp(-x)));
  }
}

const SgnsKernels& sgns_kernels() {
  switch (tensor::kernels().isa) {
    case tensor::Isa::kAvx512: return sgns_avx512();
    case tensor::Isa::kAvx2: return sgns_avx2();
    case tensor::Isa::kScalar: break;
  }
  return sgns_scalar();
}

}  // namespace maas::text::word2vec

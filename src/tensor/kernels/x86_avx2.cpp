// AVX2 + FMA + F16C kernels.
#include "tensor/kernels/kernels.h"

namespace maas::tensor {

void fill_avx2_kernels(Kernels& k) { k.isa = Isa::kAvx2; }

}  // namespace maas::tensor

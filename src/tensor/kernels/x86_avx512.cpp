// AVX-512 (F/BW/VL/DQ/VNNI) kernels.
#include "tensor/kernels/kernels.h"

namespace maas::tensor {

void fill_avx512_kernels(Kernels& k) { k.isa = Isa::kAvx512; }

}  // namespace maas::tensor

// The one traits table of the quantized types (ggml's type_traits): block geometry,
// scalar to-float / from-float, the activation type the dot product wants, and the
// scalar reference dot product. The SIMD kernels picked at start-up live in
// tensor/kernels/kernels.h.
#pragma once

#include <cstddef>
#include <cstdint>

#include "tensor/dtype.h"

namespace maas::tensor {

using ToFloatFn = void (*)(const void* x, float* y, int64_t n);
using FromFloatFn = void (*)(const float* x, void* y, int64_t n);
using VecDotFn = float (*)(int64_t n, const void* w, const void* x);

struct QuantTraits {
  DType type;
  int64_t block_size;    // elements per block
  size_t type_size;      // bytes per block
  ToFloatFn to_float;    // dequantize
  FromFloatFn from_float;  // quantize (nullptr: maas cannot write this type)
  DType vec_dot_type;    // what the activations are converted to for vec_dot
  VecDotFn vec_dot;      // nullptr: not usable as a matmul weight
};

// Traits of `type`, or nullptr if maas cannot compute with it.
const QuantTraits* quant_traits(DType type);

}  // namespace maas::tensor

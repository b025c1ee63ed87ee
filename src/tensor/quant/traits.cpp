#include "tensor/quant/traits.h"

#include <array>

#include "tensor/quant/blocks.h"
#include "tensor/quant/quants.h"

namespace maas::tensor {
namespace {

constexpr std::array kTraits = {
    QuantTraits{DType::kF32, 1, 4, dequantize_row_f32, quantize_row_f32, DType::kF32,
                vec_dot_f32_f32},
    QuantTraits{DType::kF16, 1, 2, dequantize_row_f16, quantize_row_f16, DType::kF32,
                vec_dot_f16_f32},
    QuantTraits{DType::kBF16, 1, 2, dequantize_row_bf16, quantize_row_bf16, DType::kF32,
                vec_dot_bf16_f32},
    QuantTraits{DType::kQ8_0, kQK, sizeof(BlockQ8_0), dequantize_row_q8_0, quantize_row_q8_0,
                DType::kQ8_0, vec_dot_q8_0_q8_0},
    QuantTraits{DType::kQ4_0, kQK, sizeof(BlockQ4_0), dequantize_row_q4_0, quantize_row_q4_0,
                DType::kQ8_0, vec_dot_q4_0_q8_0},
    QuantTraits{DType::kQ4_K, kQKK, sizeof(BlockQ4_K), dequantize_row_q4_k, quantize_row_q4_k,
                DType::kQ8_K, vec_dot_q4_k_q8_k},
    QuantTraits{DType::kQ6_K, kQKK, sizeof(BlockQ6_K), dequantize_row_q6_k, quantize_row_q6_k,
                DType::kQ8_K, vec_dot_q6_k_q8_k},
    QuantTraits{DType::kQ8_K, kQKK, sizeof(BlockQ8_K), dequantize_row_q8_k, quantize_row_q8_k,
                DType::kQ8_K, nullptr},
};

}  // namespace

const QuantTraits* quant_traits(DType type) {
  for (const auto& t : kTraits)
    if (t.type == type) return &t;
  return nullptr;
}

}  // namespace maas::tensor

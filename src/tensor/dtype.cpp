#include "tensor/dtype.h"

#include <array>

namespace maas::tensor {
namespace {

constexpr std::array kTypes = {
    DTypeInfo{DType::kF32, "f32", 1, 4, true},
    DTypeInfo{DType::kF16, "f16", 1, 2, true},
    DTypeInfo{DType::kQ4_0, "q4_0", 32, 18, true},
    DTypeInfo{DType::kQ4_1, "q4_1", 32, 20, false},
    DTypeInfo{DType::kQ5_0, "q5_0", 32, 22, false},
    DTypeInfo{DType::kQ5_1, "q5_1", 32, 24, false},
    DTypeInfo{DType::kQ8_0, "q8_0", 32, 34, true},
    DTypeInfo{DType::kQ8_1, "q8_1", 32, 36, false},
    DTypeInfo{DType::kQ2_K, "q2_k", 256, 84, false},
    DTypeInfo{DType::kQ3_K, "q3_k", 256, 110, false},
    DTypeInfo{DType::kQ4_K, "q4_k", 256, 144, true},
    DTypeInfo{DType::kQ5_K, "q5_k", 256, 176, false},
    DTypeInfo{DType::kQ6_K, "q6_k", 256, 210, true},
    DTypeInfo{DType::kQ8_K, "q8_k", 256, 292, false},
    DTypeInfo{DType::kI8, "i8", 1, 1, false},
    DTypeInfo{DType::kI16, "i16", 1, 2, false},
    DTypeInfo{DType::kI32, "i32", 1, 4, false},
    DTypeInfo{DType::kI64, "i64", 1, 8, false},
    DTypeInfo{DType::kF64, "f64", 1, 8, false},
    DTypeInfo{DType::kBF16, "bf16", 1, 2, true},
};

}  // namespace

std::optional<DTypeInfo> dtype_info(uint32_t ggml_type) {
  for (const auto& t : kTypes)
    if (static_cast<uint32_t>(t.type) == ggml_type) return t;
  return std::nullopt;
}

const DTypeInfo& dtype_info(DType type) {
  for (const auto& t : kTypes)
    if (t.type == type) return t;
  return kTypes[0];  // unreachable for valid enum values
}

std::optional<DType> dtype_from_name(std::string_view name) {
  for (const auto& t : kTypes)
    if (t.name == name) return t.type;
  return std::nullopt;
}

}  // namespace maas::tensor

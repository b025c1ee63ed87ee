// Element types of weights and activations. Values are GGML's type ids, so a GGUF
// tensor's type field maps straight onto DType. Per-type facts live in one table
// (dtype_info); kernels live in tensor/quant (traits table) and tensor/kernels.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace maas::tensor {

enum class DType : uint32_t {
  kF32 = 0,
  kF16 = 1,
  kQ4_0 = 2,
  kQ4_1 = 3,
  kQ5_0 = 6,
  kQ5_1 = 7,
  kQ8_0 = 8,
  kQ8_1 = 9,
  kQ2_K = 10,
  kQ3_K = 11,
  kQ4_K = 12,
  kQ5_K = 13,
  kQ6_K = 14,
  kQ8_K = 15,
  kI8 = 24,
  kI16 = 25,
  kI32 = 26,
  kI64 = 27,
  kF64 = 28,
  kBF16 = 30,
};

struct DTypeInfo {
  DType type;
  std::string_view name;   // "f32", "q4_0", "q6_k", ... (lowercase, as CLI flags)
  size_t block_size;       // elements per block (1 for plain types)
  size_t type_size;        // bytes per block
  bool supported;          // maas can compute with it (has to_float + dot kernels)
};

// Info for a GGML type id, or nullopt for an id maas does not know at all.
std::optional<DTypeInfo> dtype_info(uint32_t ggml_type);
const DTypeInfo& dtype_info(DType type);
std::optional<DType> dtype_from_name(std::string_view name);

// Bytes of `n` elements of `type`; n must be a multiple of the block size.
inline size_t row_bytes(DType type, size_t n) {
  const DTypeInfo& info = dtype_info(type);
  return n / info.block_size * info.type_size;
}

}  // namespace maas::tensor

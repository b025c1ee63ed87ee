#include "llm/model/quantize.h"

#include <filesystem>
#include <vector>

#include "llm/gguf/gguf.h"
#include "llm/gguf/gguf_writer.h"
#include "tensor/ops.h"
#include "tensor/quant/traits.h"
#include "tensor/thread_pool.h"

namespace maas::llm {
namespace {

using tensor::DType;

bool can_write(DType type, uint64_t row_length) {
  const tensor::QuantTraits* t = tensor::quant_traits(type);
  return t && t->from_float && row_length % static_cast<uint64_t>(t->block_size) == 0;
}

// The type a tensor gets: 1-D stays F32; the output matrix gets Q6_K (else Q8_0) when
// the target is Q4_0 or Q4_K; a matrix whose rows do not fit the target's blocks stays as is
// (converted to F32 if maas cannot write its type).
DType target_type(const GgufTensor& t, DType type, bool is_output) {
  if (t.dims.size() < 2) return DType::kF32;
  if (is_output && (type == DType::kQ4_0 || type == DType::kQ4_K)) {
    if (can_write(DType::kQ6_K, t.dims[0])) return DType::kQ6_K;
    if (can_write(DType::kQ8_0, t.dims[0])) return DType::kQ8_0;
  }
  if (can_write(type, t.dims[0])) return type;
  return can_write(t.type, t.dims[0]) ? t.type : DType::kF32;
}

// Converts every row of `t` to `type`, rows spread over the pool.
std::vector<uint8_t> convert(const GgufTensor& t, DType type, tensor::ThreadPool& pool) {
  const int64_t row = static_cast<int64_t>(t.dims[0]);
  const int64_t rows = static_cast<int64_t>(t.n_elements()) / row;
  const size_t in_bytes = tensor::row_bytes(t.type, static_cast<size_t>(row));
  const size_t out_bytes = tensor::row_bytes(type, static_cast<size_t>(row));
  std::vector<uint8_t> out(out_bytes * static_cast<size_t>(rows));
  pool.parallel_for(rows, [&](int64_t begin, int64_t end) {
    std::vector<float> floats(static_cast<size_t>(row));
    for (int64_t r = begin; r < end; ++r) {
      tensor::dequantize(t.data + r * in_bytes, t.type, row, floats.data());
      tensor::quantize_row(floats.data(), type, row, out.data() + r * out_bytes);
    }
  });
  return out;
}

}  // namespace

Result<uint32_t> gguf_file_type(DType type) {
  switch (type) {
    case DType::kF32: return 0u;
    case DType::kF16: return 1u;
    case DType::kQ4_0: return 2u;
    case DType::kQ8_0: return 7u;
    case DType::kQ4_K: return 14u;  // llama.cpp's MOSTLY_Q4_K_S: Q4_K, output Q6_K
    case DType::kQ6_K: return 18u;
    default: return invalid_argument("cannot quantize a model to {}", tensor::dtype_info(type).name);
  }
}

Result<QuantizeReport> quantize_model(const std::string& in_path, const std::string& out_path, DType type,
                                      int threads) {
  MAAS_ASSIGN_OR_RETURN(uint32_t file_type, gguf_file_type(type));
  std::error_code ec;
  if (std::filesystem::equivalent(in_path, out_path, ec))
    return invalid_argument("the output '{}' is the input file", out_path);
  MAAS_ASSIGN_OR_RETURN(std::shared_ptr<GgufFile> in, GgufFile::open(in_path));
  const bool tied = in->tensor("output.weight") == nullptr;

  GgufWriter writer(in->alignment());
  writer.copy_metadata_from(*in);
  writer.set_uint32("general.file_type", file_type);
  writer.set_uint32("general.quantization_version", 2);

  tensor::ThreadPool pool(threads);
  QuantizeReport report;
  for (const GgufTensor& t : in->tensors()) {
    const bool is_output = t.name == "output.weight" || (tied && t.name == "token_embd.weight");
    const DType to = target_type(t, type, is_output);
    report.tensors += 1;
    report.bytes_in += t.nbytes;
    if (to == t.type) {
      MAAS_RETURN_IF_ERROR(writer.add_tensor_view(t.name, t.type, t.dims, t.data, t.nbytes));
      report.bytes_out += t.nbytes;
      continue;
    }
    if (!tensor::quant_traits(t.type))
      return Status(Code::kUnimplemented, "tensor '" + t.name + "' has type " +
                                              std::string(tensor::dtype_info(t.type).name) + ", which maas cannot read");
    std::vector<uint8_t> bytes = convert(t, to, pool);
    report.bytes_out += bytes.size();
    report.quantized += t.dims.size() >= 2 ? 1 : 0;
    MAAS_RETURN_IF_ERROR(writer.add_tensor(t.name, to, t.dims, std::move(bytes)));
  }
  MAAS_RETURN_IF_ERROR(writer.write(out_path));
  return report;
}

}  // namespace maas::llm

#include <atomic>
#include <cstdlib>
#include <string>

#include "core/log.h"
#include "tensor/kernels/kernels.h"

namespace maas::tensor {
namespace {

Kernels build(Isa isa) {
  Kernels k;
  fill_scalar_kernels(k);
  if (isa >= Isa::kAvx2) fill_avx2_kernels(k);
  if (isa >= Isa::kAvx512) fill_avx512_kernels(k);
  k.isa = isa;
  return k;
}

// Tables are built on first use, and only for instruction sets the CPU has (building
// runs code compiled for that instruction set).
const Kernels& table(Isa isa) {
  static const Kernels scalar = build(Isa::kScalar);
  if (isa == Isa::kAvx2) {
    static const Kernels avx2 = build(Isa::kAvx2);
    return avx2;
  }
  if (isa == Isa::kAvx512) {
    static const Kernels avx512 = build(Isa::kAvx512);
    return avx512;
  }
  return scalar;
}

Isa best_isa() {
  if (cpu_supports(Isa::kAvx512)) return Isa::kAvx512;
  if (cpu_supports(Isa::kAvx2)) return Isa::kAvx2;
  return Isa::kScalar;
}

Isa initial_isa() {
  const char* env = std::getenv("MAAS_KERNELS");
  if (env == nullptr || *env == 0) return best_isa();
  const std::string want = env;
  for (Isa isa : {Isa::kScalar, Isa::kAvx2, Isa::kAvx512}) {
    if (want != isa_name(isa)) continue;
    if (cpu_supports(isa)) return isa;
    log_event(LogLevel::kWarn, "kernels_unavailable",
              {{"MAAS_KERNELS", want}, {"using", std::string(isa_name(best_isa()))}});
    return best_isa();
  }
  log_event(LogLevel::kWarn, "kernels_unknown",
            {{"MAAS_KERNELS", want}, {"expected", "scalar|avx2|avx512"},
             {"using", std::string(isa_name(best_isa()))}});
  return best_isa();
}

std::atomic<const Kernels*>& active() {
  static std::atomic<const Kernels*> ptr{&table(initial_isa())};
  return ptr;
}

}  // namespace

std::string_view isa_name(Isa isa) {
  switch (isa) {
    case Isa::kScalar: return "scalar";
    case Isa::kAvx2: return "avx2";
    case Isa::kAvx512: return "avx512";
  }
  return "?";
}

bool cpu_supports(Isa isa) {
#if defined(__x86_64__)
  switch (isa) {
    case Isa::kScalar: return true;
    case Isa::kAvx2:
      return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") &&
             __builtin_cpu_supports("f16c");
    case Isa::kAvx512:
      return cpu_supports(Isa::kAvx2) && __builtin_cpu_supports("avx512f") &&
             __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl") &&
             __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vnni");
  }
  return false;
#else
  return isa == Isa::kScalar;
#endif
}

const Kernels& kernels() { return *active().load(std::memory_order_acquire); }

Status use_kernels(Isa isa) {
  if (!cpu_supports(isa))
    return error(Code::kFailedPrecondition, "this CPU cannot run the {} kernels", isa_name(isa));
  active().store(&table(isa), std::memory_order_release);
  return Status::ok();
}

const MatmulKernel* Kernels::matmul_for(DType type) const {
  const MatmulKernel* k = nullptr;
  switch (type) {
    case DType::kF32: k = &f32; break;
    case DType::kF16: k = &f16; break;
    case DType::kBF16: k = &bf16; break;
    case DType::kQ8_0: k = &q8_0; break;
    case DType::kQ4_0: k = &q4_0; break;
    case DType::kQ4_K: k = &q4_k; break;
    case DType::kQ6_K: k = &q6_k; break;
    default: return nullptr;
  }
  return k->rows != nullptr ? k : nullptr;
}

}  // namespace maas::tensor

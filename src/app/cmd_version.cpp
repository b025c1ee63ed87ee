#include <cstdio>
#include <string>

#include "app/commands.h"
#include "tensor/kernels/kernels.h"

namespace maas::app {

// The version, and the kernel table this process computes with (chosen by CPUID or
// MAAS_KERNELS=scalar|avx2|avx512) among those the CPU can run.
void add_version_command(CLI::App& app) {
  auto* sub = app.add_subcommand("version", "Print the maas version and the kernels in use");
  on_run(sub, [] {
    std::string supported;
    for (tensor::Isa isa : {tensor::Isa::kScalar, tensor::Isa::kAvx2, tensor::Isa::kAvx512})
      if (tensor::cpu_supports(isa)) supported += (supported.empty() ? "" : " ") + std::string(tensor::isa_name(isa));
    std::printf("maas 0.1.0\nkernels: %s (this CPU runs: %s)\n",
                std::string(tensor::isa_name(tensor::kernels().isa)).c_str(), supported.c_str());
    return Status::ok();
  });
}

}  // namespace maas::app

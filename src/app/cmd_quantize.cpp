// `maas quantize IN.gguf OUT.gguf --type q8_0|q4_0|q4_k|q6_k|f16|f32`: rewrites a model's
// weight matrices.
#include <cstdio>

#include "app/commands.h"
#include "core/clock.h"
#include "llm/model/quantize.h"

namespace maas::app {
namespace {

struct QuantizeOptions {
  std::string in, out, type;
  int threads = 0;
};

Status quantize(const QuantizeOptions& o) {
  auto type = tensor::dtype_from_name(o.type);
  if (!type) return invalid_argument("unknown type '{}' (use q8_0, q4_0, q4_k, q6_k, f16 or f32)", o.type);
  Stopwatch clock;
  MAAS_ASSIGN_OR_RETURN(auto r, llm::quantize_model(o.in, o.out, *type, o.threads));
  std::printf("%s: %lld tensors (%lld matrices converted), %.1f MiB -> %.1f MiB in %.1f s\n", o.out.c_str(),
              static_cast<long long>(r.tensors), static_cast<long long>(r.quantized), r.bytes_in / 1048576.0,
              r.bytes_out / 1048576.0, clock.seconds());
  return Status::ok();
}

}  // namespace

void add_quantize_command(CLI::App& app) {
  auto o = std::make_shared<QuantizeOptions>();
  auto* sub = app.add_subcommand("quantize", "Write a copy of a GGUF model with quantized weights");
  sub->add_option("input", o->in, "GGUF model to read")->required();
  sub->add_option("output", o->out, "GGUF file to write (atomically)")->required();
  sub->add_option("--type", o->type, "q8_0, q4_0 / q4_k (output matrix to q6_k), q6_k, f16 or f32")->required();
  sub->add_option("-t,--threads", o->threads, "Threads (0 = all cores)");
  on_run(sub, [o] { return quantize(*o); });
}

}  // namespace maas::app

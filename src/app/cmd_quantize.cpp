#include "app/commands.h"

namespace maas::app {

void add_quantize_command(CLI::App& app) {
  auto* sub = app.add_subcommand("quantize", "(in progress)");
  on_run(sub, [] { return Status(Code::kUnimplemented, "not yet"); });
}

}  // namespace maas::app

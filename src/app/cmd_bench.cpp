#include "app/commands.h"

namespace maas::app {

void add_bench_command(CLI::App& app) {
  auto* sub = app.add_subcommand("bench", "(in progress)");
  on_run(sub, [] { return Status(Code::kUnimplemented, "not yet"); });
}

}  // namespace maas::app

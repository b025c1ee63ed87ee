#include "app/commands.h"

namespace maas::app {

void add_tokenize_command(CLI::App& app) {
  auto* sub = app.add_subcommand("tokenize", "(in progress)");
  on_run(sub, [] { return Status(Code::kUnimplemented, "not yet"); });
}

}  // namespace maas::app

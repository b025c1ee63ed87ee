#include <cstdio>

#include "app/commands.h"

namespace maas::app {

void add_version_command(CLI::App& app) {
  auto* sub = app.add_subcommand("version", "Print the maas version");
  on_run(sub, [] {
    std::printf("maas 0.1.0\n");
    return Status::ok();
  });
}

}  // namespace maas::app

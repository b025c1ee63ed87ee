// maas: one binary, many subcommands. Each command is a file in src/app/cmd_*.cpp.
#include <cstdio>
#include <memory>

#include "app/commands.h"

namespace maas::app {
namespace {
CommandFn* g_chosen = nullptr;  // set by CLI11 callback of the chosen subcommand
}

void on_run(CLI::App* sub, CommandFn fn) {
  auto holder = std::make_shared<CommandFn>(std::move(fn));
  // The callback (owned by the app) keeps the function alive for the whole run.
  sub->callback([holder] { g_chosen = holder.get(); });
}

}  // namespace maas::app

int main(int argc, char** argv) {
  using namespace maas::app;
  CLI::App app{"maas: self-hosted model-as-a-service", "maas"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "maas 0.1.0");
  add_serve_command(app);
  add_models_command(app);
  add_version_command(app);
  add_tokenize_command(app);
  add_run_command(app);
  add_bench_command(app);
  add_quantize_command(app);
  add_keys_command(app);
  add_usage_command(app);
  add_train_command(app);
  add_models_price_command(app);
  add_ps_command(app);
  add_eval_split_command(app);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::string msg = e.what();
    std::fprintf(stderr, "maas: %s (see 'maas --help')\n", msg.c_str());
    return 2;
  }
  if (!g_chosen) return 0;
  maas::Status st = (*g_chosen)();
  if (!st.is_ok()) {
    std::fprintf(stderr, "maas: %s\n", st.message().c_str());
    return 1;
  }
  return 0;
}

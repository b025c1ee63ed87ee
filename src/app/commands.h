// Each CLI subcommand lives in its own file and adds itself to the app here.
// A command's callback returns an exit code via CommandResult; errors are printed by
// main as one line on stderr.
#pragma once

#include <functional>
#include <string>

#include <CLI/CLI.hpp>

#include "core/status.h"

namespace maas::app {

// What a subcommand does once its flags are parsed. Ok -> exit 0; an error -> one line
// "maas: <message>" on stderr and exit 1.
using CommandFn = std::function<Status()>;

// Registers `fn` to run when `sub` is the chosen subcommand.
void on_run(CLI::App* sub, CommandFn fn);

void add_serve_command(CLI::App& app);
void add_models_command(CLI::App& app);
void add_models_gate_commands(CLI::App* models);  // evaluate, thresholds (cmd_models_gates.cpp)
void add_version_command(CLI::App& app);
void add_tokenize_command(CLI::App& app);
void add_run_command(CLI::App& app);
void add_bench_command(CLI::App& app);
void add_quantize_command(CLI::App& app);
void add_keys_command(CLI::App& app);
void add_usage_command(CLI::App& app);
void add_train_command(CLI::App& app);  // one subcommand per family that trains
void add_models_price_command(CLI::App& app);  // after add_models_command
void add_ps_command(CLI::App& app);
void add_eval_split_command(CLI::App& app);

}  // namespace maas::app

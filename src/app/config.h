// Layered settings for long-running commands: flags > environment (MAAS_*) > config
// file > defaults. CLI11 parses the flags; this fills every option the command line
// left unset from MAAS_<NAME> (e.g. --data-dir <- MAAS_DATA_DIR), then from the config
// file (`name = value` lines, '#' comments; repeat a key for a list option).
#pragma once

#include <string>

#include <CLI/CLI.hpp>

#include "core/status.h"

namespace maas::app {

std::string env_name_for(const std::string& option_name);

// `config_path` may be empty (no file). Unknown keys in the file are an error.
Status apply_env_and_config(CLI::App& command, const std::string& config_path);

}  // namespace maas::app

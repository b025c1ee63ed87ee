// The human lines `maas serve` writes on stderr once it listens (besides the JSON log):
// where it serves, what it serves, whether keys are needed and how to make the first,
// where the data lives, and a request to try.
#pragma once

#include <string>

#include "serving/service.h"

namespace maas::app {

// `maas_command` is how to call this binary in the printed commands (e.g. build/maas).
std::string serve_banner(const serving::StartupSummary& summary, const std::string& maas_command);

// This binary's path, relative to the working directory when it lies below it.
std::string maas_command_path();

}  // namespace maas::app

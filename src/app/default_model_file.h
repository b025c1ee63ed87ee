// Where the repository's default model (models/stories260K.gguf) is on this machine.
#pragma once

#include <string>

namespace maas::app {

// The first that exists of: models/ next to the binary's directory (build/maas of a
// clone -> <clone>/models), models/ beside the binary, and the source tree the binary
// was built from (its absolute path is compiled in). Empty when none exists.
std::string find_default_model_file();

}  // namespace maas::app

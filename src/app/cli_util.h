// Helpers shared by the CLI commands: where the registry lives, opening it, and
// printing aligned tables.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/status.h"
#include "registry/store.h"

namespace maas::app {

// --data-dir > MAAS_DATA_DIR > ./maas-data.
std::string resolve_data_dir(const std::string& flag);
// Opens (creating and migrating if needed) the registry under the resolved data dir.
Result<std::unique_ptr<registry::Registry>> open_registry(const std::string& data_dir_flag);
// "1.2 MB"-style sizes (powers of 1000).
std::string human_size(int64_t bytes);
// Left-aligned columns separated by two spaces; the first row is the header.
void print_table(const std::vector<std::vector<std::string>>& rows);

}  // namespace maas::app

// A second connection to the registry database for the operations tables (API keys,
// usage, request log), so key checks and usage writes never wait on the registry's
// own lock. Open it after Registry::open (which creates and migrates the schema).
#pragma once

#include <memory>
#include <string>

#include "core/status.h"
#include "registry/sqlite.h"

namespace maas::registry {

// `db_path`: Registry::db_path(). Busy timeout 5 s, foreign keys on, WAL (already set).
Result<std::unique_ptr<Db>> open_ops_db(const std::string& db_path);

}  // namespace maas::registry

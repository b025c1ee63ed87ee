// The registry's schema as an ordered list of migrations, applied in code. Each step
// runs in its own transaction together with its row in `schema_version`, so a database
// is always at exactly one known version.
#pragma once

#include <cstdint>
#include <vector>

#include "core/status.h"
#include "registry/sqlite.h"

namespace maas::registry {

struct Migration {
  int version;
  const char* description;
  const char* sql;  // constant DDL; never contains values
};

// All migrations, ascending by version starting at 1.
const std::vector<Migration>& migrations();

// The schema version recorded in the database (0 for an empty database).
Result<int> schema_version(Db& db);

// Applies every migration above the current version, up to `target` (default: all).
// A database newer than this binary knows is an error, never touched.
Status migrate(Db& db, int target = -1, int64_t now_ms = 0);

}  // namespace maas::registry

#include "registry/ops_db.h"

namespace maas::registry {

Result<std::unique_ptr<Db>> open_ops_db(const std::string& db_path) {
  MAAS_ASSIGN_OR_RETURN(std::unique_ptr<Db> db, Db::open(db_path));
  if (db->read_only()) return error(Code::kFailedPrecondition, "registry database '{}' is read-only", db_path);
  sqlite3_busy_timeout(db->raw(), 5000);
  MAAS_RETURN_IF_ERROR(db->exec("PRAGMA foreign_keys = ON"));
  MAAS_RETURN_IF_ERROR(db->exec("PRAGMA synchronous = FULL"));
  return db;
}

}  // namespace maas::registry

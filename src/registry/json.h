// JSON renderings of registry records, shared by the CLI (--json) and the admin API.
// Times are RFC 3339 UTC strings; absent optionals are omitted.
#pragma once

#include <nlohmann/json.hpp>

#include "registry/types.h"

namespace maas::registry {

nlohmann::json to_json(const VersionInfo& v);
nlohmann::json to_json(const AuditEvent& e);
nlohmann::json to_json(const ModelSummary& m);
nlohmann::json to_json(const ModelDetails& m);
nlohmann::json to_json(const AliasInfo& a);
nlohmann::json to_json(const TrafficEntry& t);

std::string time_text(int64_t unix_ms);  // RFC 3339, second precision

}  // namespace maas::registry

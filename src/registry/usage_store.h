// Usage rows (one per API request: who, which model, tokens, latency, status, cost at
// the price of the moment) and the opt-in redacted request log, plus the reports built
// from them. Uses its own connection (see ops_db.h); writes come in batches, one
// transaction each.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/status.h"
#include "registry/prices.h"
#include "registry/sqlite.h"

namespace maas::registry {

struct UsageRecord {
  int64_t time_ms = 0;
  std::string key_name;  // "" when auth is off
  std::string model;     // "" for requests that reached no model
  int64_t version = 0;
  std::string route;     // the route pattern, e.g. /v1/chat/completions
  std::string method;
  int status = 0;
  int64_t prompt_tokens = 0;
  int64_t completion_tokens = 0;
  int64_t items = 0;
  double latency_ms = 0;
  double cost_usd = 0;
  std::string request_id;
};

// Bodies are stored only for keys created with log_requests, and only redacted.
struct RequestLogRecord {
  int64_t time_ms = 0;
  std::string key_name;
  std::string request_id;
  std::string route;
  int status = 0;
  std::string request_body;
  std::string response_body;  // "" for streamed responses
};

struct UsageQuery {
  std::string key;                // "" = every key
  std::string model;              // "" = every model
  std::optional<int64_t> since_ms;
  std::optional<int64_t> until_ms;
  std::string group_by;           // "" (one total), "day", "key", "model"
};

struct UsageSummary {
  std::string group;  // the day (YYYY-MM-DD), key or model; "" for the total
  int64_t calls = 0;
  int64_t errors = 0;  // status >= 400
  int64_t prompt_tokens = 0;
  int64_t completion_tokens = 0;
  int64_t items = 0;
  double cost_usd = 0;
};

class UsageStore {
 public:
  static Result<std::unique_ptr<UsageStore>> open(const std::string& db_path);
  ~UsageStore();

  // Both lists in one transaction.
  Status append(const std::vector<UsageRecord>& usage, const std::vector<RequestLogRecord>& log);
  Result<std::vector<UsageSummary>> report(const UsageQuery& query);
  // Total cost recorded per key (budgets are checked against it).
  Result<std::map<std::string, double>> spend_by_key();
  Result<int64_t> count();
  // A model's prices from the registry; free when it has none or does not exist.
  Result<Prices> prices(const std::string& model);
  // Newest first.
  Result<std::vector<RequestLogRecord>> request_log(const std::string& key, int limit);

 private:
  explicit UsageStore(std::unique_ptr<Db> db) : db_(std::move(db)) {}
  std::unique_ptr<Db> db_;
  std::mutex mu_;
};

// Query parameters / CLI flags -> a query; "" leaves a filter out. Dates: YYYY-MM-DD or
// YYYY-MM-DDTHH:MM:SSZ (UTC); `until` is exclusive.
Result<UsageQuery> make_usage_query(const std::string& key, const std::string& model, const std::string& since,
                                    const std::string& until, const std::string& group_by);
// "day" | "key" | "model" | "" ; anything else is kInvalidArgument.
Status check_group_by(const std::string& group_by);
nlohmann::json to_json(const UsageSummary& s);

}  // namespace maas::registry

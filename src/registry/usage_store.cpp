#include "registry/usage_store.h"

#include <limits>

#include "core/clock.h"
#include "registry/ops_db.h"

namespace maas::registry {
namespace {

// The group expression for each group_by; constant SQL, never built from input.
const char* group_expression(const std::string& group_by) {
  if (group_by == "day") return "strftime('%Y-%m-%d', time_ms / 1000, 'unixepoch')";
  if (group_by == "key") return "key_name";
  if (group_by == "model") return "model";
  return "''";
}

Result<std::optional<int64_t>> date_ms(const std::string& text, const char* field) {
  if (text.empty()) return std::optional<int64_t>();
  int64_t secs = 0;
  if (!parse_utc_date(text, &secs))
    return invalid_argument("'{}' must be a date: YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ", field).with_field(field);
  return std::optional<int64_t>(secs * 1000);
}

}  // namespace

Result<UsageQuery> make_usage_query(const std::string& key, const std::string& model, const std::string& since,
                                    const std::string& until, const std::string& group_by) {
  UsageQuery q;
  q.key = key;
  q.model = model;
  MAAS_ASSIGN_OR_RETURN(q.since_ms, date_ms(since, "since"));
  MAAS_ASSIGN_OR_RETURN(q.until_ms, date_ms(until, "until"));
  MAAS_RETURN_IF_ERROR(check_group_by(group_by));
  q.group_by = group_by;
  return q;
}

Status check_group_by(const std::string& group_by) {
  if (group_by.empty() || group_by == "day" || group_by == "key" || group_by == "model") return Status::ok();
  return invalid_argument("group_by must be day, key or model, not '{}'", group_by).with_field("group_by");
}

UsageStore::~UsageStore() = default;

Result<std::unique_ptr<UsageStore>> UsageStore::open(const std::string& db_path) {
  MAAS_ASSIGN_OR_RETURN(std::unique_ptr<Db> db, open_ops_db(db_path));
  return std::unique_ptr<UsageStore>(new UsageStore(std::move(db)));
}

Status UsageStore::append(const std::vector<UsageRecord>& usage, const std::vector<RequestLogRecord>& log) {
  if (usage.empty() && log.empty()) return Status::ok();
  std::lock_guard lock(mu_);
  MAAS_ASSIGN_OR_RETURN(auto tx, Transaction::begin(*db_));
  if (!usage.empty()) {
    MAAS_ASSIGN_OR_RETURN(Stmt ins, Stmt::prepare(*db_,
        "INSERT INTO usage(time_ms, key_name, model, version, route, method, status, prompt_tokens,"
        " completion_tokens, items, latency_ms, cost_usd, request_id) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)"));
    for (const UsageRecord& u : usage) {
      ins.reset();
      ins.bind_int(1, u.time_ms).bind_text(2, u.key_name).bind_text(3, u.model);
      if (u.version > 0) ins.bind_int(4, u.version); else ins.bind_null(4);
      ins.bind_text(5, u.route).bind_text(6, u.method).bind_int(7, u.status).bind_int(8, u.prompt_tokens);
      ins.bind_int(9, u.completion_tokens).bind_int(10, u.items).bind_real(11, u.latency_ms);
      ins.bind_real(12, u.cost_usd).bind_text(13, u.request_id);
      MAAS_RETURN_IF_ERROR(ins.run());
    }
  }
  if (!log.empty()) {
    MAAS_ASSIGN_OR_RETURN(Stmt ins, Stmt::prepare(*db_,
        "INSERT INTO request_log(time_ms, key_name, request_id, route, status, request_body, response_body)"
        " VALUES (?,?,?,?,?,?,?)"));
    for (const RequestLogRecord& r : log) {
      ins.reset();
      ins.bind_int(1, r.time_ms).bind_text(2, r.key_name).bind_text(3, r.request_id).bind_text(4, r.route);
      ins.bind_int(5, r.status).bind_text(6, r.request_body).bind_text(7, r.response_body);
      MAAS_RETURN_IF_ERROR(ins.run());
    }
  }
  return tx->commit();
}

Result<std::vector<UsageSummary>> UsageStore::report(const UsageQuery& q) {
  MAAS_RETURN_IF_ERROR(check_group_by(q.group_by));
  std::string sql = std::string("SELECT ") + group_expression(q.group_by) +
                    " AS g, COUNT(*), SUM(status >= 400), SUM(prompt_tokens), SUM(completion_tokens), SUM(items),"
                    " SUM(cost_usd) FROM usage"
                    " WHERE (?1 = '' OR key_name = ?1) AND (?2 = '' OR model = ?2) AND time_ms >= ?3 AND time_ms < ?4"
                    " GROUP BY g ORDER BY g";
  std::lock_guard lock(mu_);
  MAAS_ASSIGN_OR_RETURN(Stmt s, Stmt::prepare(*db_, sql.c_str()));
  s.bind_text(1, q.key).bind_text(2, q.model);
  s.bind_int(3, q.since_ms.value_or(std::numeric_limits<int64_t>::min()));
  s.bind_int(4, q.until_ms.value_or(std::numeric_limits<int64_t>::max()));
  std::vector<UsageSummary> out;
  while (true) {
    MAAS_ASSIGN_OR_RETURN(bool row, s.step());
    if (!row) break;
    UsageSummary u;
    u.group = s.null_at(0) ? "" : s.text_at(0);
    u.calls = s.int_at(1);
    u.errors = s.int_at(2);
    u.prompt_tokens = s.int_at(3);
    u.completion_tokens = s.int_at(4);
    u.items = s.int_at(5);
    u.cost_usd = s.real_at(6);
    out.push_back(std::move(u));
  }
  if (out.empty() && q.group_by.empty()) out.push_back(UsageSummary{});
  return out;
}

Result<std::map<std::string, double>> UsageStore::spend_by_key() {
  std::lock_guard lock(mu_);
  MAAS_ASSIGN_OR_RETURN(Stmt s, Stmt::prepare(*db_,
      "SELECT key_name, SUM(cost_usd) FROM usage WHERE key_name != '' GROUP BY key_name"));
  std::map<std::string, double> out;
  while (true) {
    MAAS_ASSIGN_OR_RETURN(bool row, s.step());
    if (!row) break;
    out[s.text_at(0)] = s.real_at(1);
  }
  return out;
}

Result<int64_t> UsageStore::count() {
  std::lock_guard lock(mu_);
  MAAS_ASSIGN_OR_RETURN(Stmt s, Stmt::prepare(*db_, "SELECT COUNT(*) FROM usage"));
  MAAS_ASSIGN_OR_RETURN(bool row, s.step());
  return row ? s.int_at(0) : 0;
}

Result<Prices> UsageStore::prices(const std::string& model) {
  std::lock_guard lock(mu_);
  MAAS_ASSIGN_OR_RETURN(Stmt s, Stmt::prepare(*db_, "SELECT prices_json FROM models WHERE name = ?"));
  s.bind_text(1, model);
  MAAS_ASSIGN_OR_RETURN(bool row, s.step());
  if (!row) return Prices{};
  nlohmann::json j = nlohmann::json::parse(s.text_at(0), nullptr, false);
  if (j.is_discarded()) return Prices{};
  return parse_prices(j);
}

Result<std::vector<RequestLogRecord>> UsageStore::request_log(const std::string& key, int limit) {
  std::lock_guard lock(mu_);
  MAAS_ASSIGN_OR_RETURN(Stmt s, Stmt::prepare(*db_,
      "SELECT time_ms, key_name, request_id, route, status, request_body, response_body FROM request_log"
      " WHERE (?1 = '' OR key_name = ?1) ORDER BY id DESC LIMIT ?2"));
  s.bind_text(1, key).bind_int(2, limit);
  std::vector<RequestLogRecord> out;
  while (true) {
    MAAS_ASSIGN_OR_RETURN(bool row, s.step());
    if (!row) break;
    out.push_back({s.int_at(0), s.text_at(1), s.text_at(2), s.text_at(3), static_cast<int>(s.int_at(4)),
                   s.text_at(5), s.text_at(6)});
  }
  return out;
}

nlohmann::json to_json(const UsageSummary& s) {
  return {{"group", s.group},
          {"calls", s.calls},
          {"errors", s.errors},
          {"prompt_tokens", s.prompt_tokens},
          {"completion_tokens", s.completion_tokens},
          {"total_tokens", s.prompt_tokens + s.completion_tokens},
          {"items", s.items},
          {"cost_usd", s.cost_usd}};
}

}  // namespace maas::registry

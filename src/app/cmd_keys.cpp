// `maas keys create|list|revoke|rotate`: API keys from the command line. The secret is
// printed once (create, rotate) and never stored.
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "app/cli_util.h"
#include "app/commands.h"
#include "core/clock.h"
#include "registry/keys.h"
#include "registry/usage_store.h"

namespace maas::app {
namespace {

Result<std::unique_ptr<registry::KeyStore>> open_keys(const std::string& data_dir) {
  MAAS_ASSIGN_OR_RETURN(auto reg, open_registry(data_dir));  // creates and migrates the schema
  return registry::KeyStore::open(reg->db_path());
}

std::string limit_text(int64_t v) { return v > 0 ? std::to_string(v) : "-"; }

void print_issued(const registry::IssuedKey& k, const char* verb, bool json) {
  if (json) {
    nlohmann::json j = registry::to_json(k.key, unix_millis());
    j["secret"] = k.secret;
    std::printf("%s\n", j.dump(2).c_str());
    return;
  }
  std::printf("%s key %s (role %s)\n", verb, k.key.name.c_str(), k.key.role.c_str());
  std::printf("secret (shown once; store it now, it cannot be shown again):\n%s\n", k.secret.c_str());
}

struct CreateFlags {
  std::string name, role = "user", models, expires, data_dir, actor = "cli";
  int64_t rpm = 0, tpm = 0;
  double budget = -1;
  bool log_requests = false, json = false;
};

void add_create(CLI::App* keys) {
  auto f = std::make_shared<CreateFlags>();
  auto* sub = keys->add_subcommand("create", "Create an API key and print its secret once");
  sub->add_option("--name", f->name, "Unique key name (letters, digits, . _ -)")->required();
  sub->add_option("--role", f->role, "admin or user (default user)")->check(CLI::IsMember({"admin", "user"}));
  sub->add_option("--models", f->models, "Comma-separated model names the key may call (default: all)");
  sub->add_option("--rpm", f->rpm, "Requests per minute (default unlimited)")->check(CLI::NonNegativeNumber);
  sub->add_option("--tpm", f->tpm, "Prompt + completion tokens per minute (default unlimited)")
      ->check(CLI::NonNegativeNumber);
  sub->add_option("--budget", f->budget, "Spend limit in USD (default unlimited)")->check(CLI::NonNegativeNumber);
  sub->add_option("--expires", f->expires, "Expiry: YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ (UTC)");
  sub->add_flag("--log-requests", f->log_requests, "Keep a redacted log of this key's requests");
  sub->add_option("--actor", f->actor, "Who (default cli)");
  sub->add_option("--data-dir", f->data_dir, "Registry directory (default $MAAS_DATA_DIR or ./maas-data)");
  sub->add_flag("--json", f->json, "Print JSON");
  on_run(sub, [f]() -> Status {
    registry::NewKey nk;
    nk.name = f->name;
    nk.role = f->role;
    if (!f->models.empty()) {
      size_t start = 0;
      while (start <= f->models.size()) {
        size_t comma = f->models.find(',', start);
        std::string m = f->models.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
        if (m.empty()) return invalid_argument("--models: empty model name in '{}'", f->models);
        nk.models.push_back(m);
        if (comma == std::string::npos) break;
        start = comma + 1;
      }
    }
    nk.rpm = f->rpm;
    nk.tpm = f->tpm;
    if (f->budget >= 0) nk.budget_usd = f->budget;
    if (!f->expires.empty()) {
      int64_t secs = 0;
      if (!parse_utc_date(f->expires, &secs))
        return invalid_argument("--expires '{}' is not a date (YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ)", f->expires);
      nk.expires_at_ms = secs * 1000;
    }
    nk.log_requests = f->log_requests;
    nk.actor = f->actor;
    MAAS_ASSIGN_OR_RETURN(auto store, open_keys(f->data_dir));
    MAAS_ASSIGN_OR_RETURN(registry::IssuedKey k, store->create(nk));
    print_issued(k, "created", f->json);
    return Status::ok();
  });
}

struct ListFlags {
  std::string data_dir;
  bool json = false;
};

void add_list(CLI::App* keys) {
  auto f = std::make_shared<ListFlags>();
  auto* sub = keys->add_subcommand("list", "List API keys (never their secrets)");
  sub->add_option("--data-dir", f->data_dir, "Registry directory (default $MAAS_DATA_DIR or ./maas-data)");
  sub->add_flag("--json", f->json, "Print JSON");
  on_run(sub, [f]() -> Status {
    MAAS_ASSIGN_OR_RETURN(auto reg, open_registry(f->data_dir));
    MAAS_ASSIGN_OR_RETURN(auto store, registry::KeyStore::open(reg->db_path()));
    MAAS_ASSIGN_OR_RETURN(auto usage, registry::UsageStore::open(reg->db_path()));
    MAAS_ASSIGN_OR_RETURN(auto keys, store->list());
    MAAS_ASSIGN_OR_RETURN(auto spent, usage->spend_by_key());
    const int64_t now = unix_millis();
    if (f->json) {
      nlohmann::json out = nlohmann::json::array();
      for (const auto& k : keys) {
        nlohmann::json j = registry::to_json(k, now);
        j["spent_usd"] = spent.count(k.name) ? spent[k.name] : 0.0;
        out.push_back(std::move(j));
      }
      std::printf("%s\n", out.dump(2).c_str());
      return Status::ok();
    }
    if (keys.empty()) {
      std::printf("no keys yet; create one with: maas keys create --name NAME --role admin\n");
      return Status::ok();
    }
    std::vector<std::vector<std::string>> rows = {
        {"NAME", "KEY ID", "ROLE", "STATE", "MODELS", "RPM", "TPM", "BUDGET", "SPENT", "EXPIRES", "CREATED"}};
    for (const auto& k : keys) {
      std::string models;
      for (const auto& m : k.models) models += (models.empty() ? "" : ",") + m;
      double s = spent.count(k.name) ? spent[k.name] : 0.0;
      rows.push_back({k.name, "maas-" + k.key_id + "...", k.role, k.state(now), models.empty() ? "all" : models,
                      limit_text(k.rpm), limit_text(k.tpm), k.budget_usd ? fmt::format("${:.2f}", *k.budget_usd) : "-",
                      fmt::format("${:.4f}", s), k.expires_at_ms ? rfc3339_utc(*k.expires_at_ms / 1000) : "-",
                      rfc3339_utc(k.created_at_ms / 1000)});
    }
    print_table(rows);
    return Status::ok();
  });
}

struct NameFlags {
  std::string name, data_dir, actor = "cli";
  bool json = false;
};

void add_revoke(CLI::App* keys) {
  auto f = std::make_shared<NameFlags>();
  auto* sub = keys->add_subcommand("revoke", "Revoke a key (running servers refuse it within a second)");
  sub->add_option("NAME", f->name, "Key name")->required();
  sub->add_option("--actor", f->actor, "Who (default cli)");
  sub->add_option("--data-dir", f->data_dir, "Registry directory (default $MAAS_DATA_DIR or ./maas-data)");
  on_run(sub, [f]() -> Status {
    MAAS_ASSIGN_OR_RETURN(auto store, open_keys(f->data_dir));
    MAAS_ASSIGN_OR_RETURN(registry::ApiKey k, store->revoke(f->name, f->actor));
    std::printf("revoked key %s\n", k.name.c_str());
    return Status::ok();
  });
}

void add_rotate(CLI::App* keys) {
  auto f = std::make_shared<NameFlags>();
  auto* sub = keys->add_subcommand("rotate", "Give a key a new secret; the old secret stops working");
  sub->add_option("NAME", f->name, "Key name")->required();
  sub->add_option("--actor", f->actor, "Who (default cli)");
  sub->add_option("--data-dir", f->data_dir, "Registry directory (default $MAAS_DATA_DIR or ./maas-data)");
  sub->add_flag("--json", f->json, "Print JSON");
  on_run(sub, [f]() -> Status {
    MAAS_ASSIGN_OR_RETURN(auto store, open_keys(f->data_dir));
    MAAS_ASSIGN_OR_RETURN(registry::IssuedKey k, store->rotate(f->name, f->actor));
    print_issued(k, "rotated", f->json);
    return Status::ok();
  });
}

}  // namespace

void add_keys_command(CLI::App& app) {
  auto* keys = app.add_subcommand("keys", "API keys: create, list, revoke, rotate");
  keys->require_subcommand(1);
  add_create(keys);
  add_list(keys);
  add_revoke(keys);
  add_rotate(keys);
}

}  // namespace maas::app

// `maas ps`: the models a running server has loaded (GET /admin/v1/loaded), as a table:
// state, memory, queued requests, active sequences, KV-cache tokens, requests in flight.
#include <cstdio>

#include "app/admin_client.h"
#include "app/cli_util.h"
#include "app/commands.h"

namespace maas::app {
namespace {

struct PsFlags {
  ServerAddress server;
  bool json = false;
};

// A figure from the model's own stats, or "-" when its family does not report it.
std::string stat(const nlohmann::json& model, const char* name) {
  const nlohmann::json& stats = model.value("stats", nlohmann::json::object());
  if (!stats.contains(name) || !stats[name].is_number()) return "-";
  return std::to_string(stats[name].get<int64_t>());
}

std::string sequences(const nlohmann::json& model) {
  const std::string active = stat(model, "active_sequences"), max = stat(model, "max_sequences");
  return active == "-" ? "-" : active + "/" + max;
}

Status ps(const PsFlags& f) {
  MAAS_ASSIGN_OR_RETURN(nlohmann::json loaded, server_get(f.server, "/admin/v1/loaded"));
  if (f.json) {
    std::printf("%s\n", loaded.dump(2).c_str());
    return Status::ok();
  }
  std::vector<std::vector<std::string>> rows = {
      {"MODEL", "FAMILY", "STATE", "MEMORY", "QUEUED", "SEQUENCES", "KV TOKENS", "IN FLIGHT", "PINNED"}};
  for (const nlohmann::json& m : loaded.value("data", nlohmann::json::array())) {
    std::string state = m.value("state", "");
    if (m.contains("error")) state += " (" + m["error"].get<std::string>() + ")";
    rows.push_back({m.value("model", ""), m.value("family", ""), state, human_size(m.value("memory_bytes", int64_t{0})),
                    stat(m, "queued_requests"), sequences(m), stat(m, "kv_cache_tokens"),
                    std::to_string(m.value("in_use", 0)), m.value("pinned", false) ? "yes" : "no"});
  }
  if (rows.size() == 1) {
    std::printf("no model is loaded (models load at start with --model, or on their first request)\n");
    return Status::ok();
  }
  print_table(rows);
  return Status::ok();
}

}  // namespace

void add_ps_command(CLI::App& app) {
  auto f = std::make_shared<PsFlags>();
  auto* sub = app.add_subcommand("ps", "Models a running server has loaded: state, memory, queue, sequences");
  add_server_options(sub, &f->server);
  sub->add_flag("--json", f->json, "Print the server's JSON (GET /admin/v1/loaded)");
  on_run(sub, [f] { return ps(*f); });
}

}  // namespace maas::app

// `maas usage`: calls, tokens and cost from the usage rows, filtered and grouped.
#include <cstdio>
#include <memory>

#include "app/cli_util.h"
#include "app/commands.h"
#include "registry/usage_store.h"

namespace maas::app {
namespace {

struct UsageFlags {
  std::string key, model, since, until, group_by, data_dir;
  bool json = false;
};

}  // namespace

void add_usage_command(CLI::App& app) {
  auto f = std::make_shared<UsageFlags>();
  auto* sub = app.add_subcommand("usage", "Usage report: calls, tokens and cost per day, key or model");
  sub->add_option("--key", f->key, "Only this key");
  sub->add_option("--model", f->model, "Only this model");
  sub->add_option("--since", f->since, "From this time on: YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ (UTC)");
  sub->add_option("--until", f->until, "Before this time (same formats)");
  sub->add_option("--group-by", f->group_by, "day, key or model (default: one total)")
      ->check(CLI::IsMember({"day", "key", "model"}));
  sub->add_option("--data-dir", f->data_dir, "Registry directory (default $MAAS_DATA_DIR or ./maas-data)");
  sub->add_flag("--json", f->json, "Print JSON");
  on_run(sub, [f]() -> Status {
    MAAS_ASSIGN_OR_RETURN(registry::UsageQuery q,
                          registry::make_usage_query(f->key, f->model, f->since, f->until, f->group_by));
    MAAS_ASSIGN_OR_RETURN(auto reg, open_registry(f->data_dir));
    MAAS_ASSIGN_OR_RETURN(auto store, registry::UsageStore::open(reg->db_path()));
    MAAS_ASSIGN_OR_RETURN(auto rows, store->report(q));
    if (f->json) {
      nlohmann::json out = nlohmann::json::array();
      for (const auto& r : rows) out.push_back(registry::to_json(r));
      std::printf("%s\n", out.dump(2).c_str());
      return Status::ok();
    }
    std::string head = f->group_by.empty() ? "TOTAL" : f->group_by == "day" ? "DAY" : f->group_by == "key" ? "KEY" : "MODEL";
    std::vector<std::vector<std::string>> table = {
        {head, "CALLS", "ERRORS", "PROMPT", "COMPLETION", "TOTAL TOKENS", "ITEMS", "COST USD"}};
    for (const auto& r : rows) {
      std::string group = f->group_by.empty() ? "all" : r.group.empty() ? "-" : r.group;
      table.push_back({group, std::to_string(r.calls), std::to_string(r.errors), std::to_string(r.prompt_tokens),
                       std::to_string(r.completion_tokens), std::to_string(r.prompt_tokens + r.completion_tokens),
                       std::to_string(r.items), fmt::format("{:.6f}", r.cost_usd)});
    }
    print_table(table);
    return Status::ok();
  });
}

}  // namespace maas::app

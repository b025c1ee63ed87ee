// `maas models import|list|show|history|transition|promote|deprecate|retire|rollback`:
// the model registry and lifecycle from the command line.
// Data dir: --data-dir > MAAS_DATA_DIR > ./maas-data.
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "app/cli_util.h"
#include "app/commands.h"
#include "app/config.h"
#include "core/clock.h"
#include "llm/gguf/gguf.h"
#include "registry/json.h"
#include "registry/store.h"
#include "serving/context.h"
#include "serving/families.h"

#include <fmt/ranges.h>

namespace maas::app {
namespace {

using registry::Registry;

std::string stages_text(const registry::ModelSummary& m) {
  std::string out;
  for (const auto& [version, stage] : m.stages) {
    out += fmt::format("{}{}:{}", out.empty() ? "" : " ", version, registry::stage_name(stage));
  }
  return out;
}

struct ImportFlags {
  std::string file, name, family, description, data_dir;
};

void add_import(CLI::App* models) {
  auto f = std::make_shared<ImportFlags>();
  auto* sub = models->add_subcommand("import", "Validate a model file and register it as a new version");
  sub->add_option("FILE", f->file, "Model file (GGUF, or any format a family reads; the family is found from the file)")->required();
  sub->add_option("--name", f->name, "Model name; the first import creates it")->required();
  sub->add_option("--family", f->family, "Expected model family (an error if the file is another family's)");
  sub->add_option("--description", f->description, "Free-form description of this version");
  sub->add_option("--data-dir", f->data_dir, "Registry directory (default $MAAS_DATA_DIR or ./maas-data)");
  on_run(sub, [f]() -> Status {
    registry::ImportRequest req;
    req.path = f->file;
    req.name = f->name;
    req.description = f->description;
    req.actor = "cli";
    serving::FamilyTable families;
    serving::register_families(families);
    if (!f->family.empty() && !families.find(f->family))
      return invalid_argument("unknown model family '{}' (families: {})", f->family, fmt::join(families.names(), ", "));
    MAAS_ASSIGN_OR_RETURN(auto reg, open_registry(f->data_dir));
    MAAS_ASSIGN_OR_RETURN(registry::ImportResult r, serving::import_model_file(*reg, families, req, f->family));
    std::printf("imported %s version %lld (%s, %s, sha256 %s)%s; stage %s\n", r.version.model.c_str(),
                static_cast<long long>(r.version.version), r.version.family.c_str(),
                human_size(r.version.size_bytes).c_str(), r.version.sha256.c_str(),
                r.artifact_reused ? ", artifact already stored" : "", registry::stage_name(r.version.stage));
    return Status::ok();
  });
}

struct ListFlags {
  std::string data_dir;
  bool json = false;
};

void add_list(CLI::App* models) {
  auto f = std::make_shared<ListFlags>();
  auto* sub = models->add_subcommand("list", "List registered models");
  sub->add_option("--data-dir", f->data_dir, "Registry directory (default $MAAS_DATA_DIR or ./maas-data)");
  sub->add_flag("--json", f->json, "Print JSON instead of a table");
  on_run(sub, [f]() -> Status {
    std::vector<registry::ModelSummary> list;
    if (std::filesystem::exists(resolve_data_dir(f->data_dir))) {  // listing never creates a registry
      MAAS_ASSIGN_OR_RETURN(auto reg, open_registry(f->data_dir));
      MAAS_ASSIGN_OR_RETURN(list, reg->list_models());
    }
    if (f->json) {
      nlohmann::json out = nlohmann::json::array();
      for (const auto& m : list) out.push_back(registry::to_json(m));
      std::printf("%s\n", out.dump(2).c_str());
      return Status::ok();
    }
    if (list.empty()) {
      std::printf("no models yet; add one with: maas models import FILE --name NAME\n");
      return Status::ok();
    }
    std::vector<std::vector<std::string>> rows = {{"NAME", "LATEST", "PRODUCTION", "STAGES", "FAMILY", "SIZE", "CREATED"}};
    for (const auto& m : list) {
      rows.push_back({m.name, std::to_string(m.latest_version),
                      m.production_version ? std::to_string(*m.production_version) : "-", stages_text(m), m.family,
                      human_size(m.size_bytes), registry::time_text(m.created_at_ms)});
    }
    print_table(rows);
    return Status::ok();
  });
}

void print_audit(const std::vector<registry::AuditEvent>& events) {
  std::vector<std::vector<std::string>> rows = {{"TIME", "ACTOR", "VERSION", "ACTION", "FROM", "TO", "REASON"}};
  for (const auto& e : events) {
    rows.push_back({registry::time_text(e.time_ms), e.actor, e.version ? std::to_string(*e.version) : "-", e.action,
                    e.from_stage.empty() ? "-" : e.from_stage, e.to_stage.empty() ? "-" : e.to_stage, e.reason});
  }
  print_table(rows);
}

struct ShowFlags {
  std::string name, data_dir;
  bool json = false;
};

void print_details(const registry::ModelDetails& d) {
  std::printf("model %s (created %s)%s%s\n\n", d.name.c_str(), registry::time_text(d.created_at_ms).c_str(),
              d.description.empty() ? "" : ": ", d.description.c_str());
  std::vector<std::vector<std::string>> versions = {
      {"VERSION", "STAGE", "FAMILY", "FORMAT", "SIZE", "SHA256", "CREATED", "BY"}};
  for (const auto& v : d.versions) {
    versions.push_back({std::to_string(v.version), registry::stage_name(v.stage), v.family, v.format,
                        human_size(v.size_bytes), v.sha256.substr(0, 16), registry::time_text(v.created_at_ms),
                        v.created_by});
  }
  print_table(versions);
  if (!d.aliases.empty()) {
    std::printf("\naliases:");
    for (const auto& a : d.aliases) std::printf(" @%s=%lld", a.alias.c_str(), static_cast<long long>(a.version));
    std::printf("\n");
  }
  if (!d.traffic.empty()) {
    std::printf("\ntraffic:");
    for (const auto& t : d.traffic) {
      std::printf(" v%lld=%g%s", static_cast<long long>(t.version), t.weight, t.shadow ? "(shadow)" : "");
    }
    std::printf("\n");
  }
  std::printf("\nhistory:\n");
  print_audit(d.audit);
}

void add_show(CLI::App* models) {
  auto f = std::make_shared<ShowFlags>();
  auto* sub = models->add_subcommand("show", "Show a model: versions, aliases, traffic and history");
  sub->add_option("NAME", f->name, "Model name")->required();
  sub->add_option("--data-dir", f->data_dir, "Registry directory (default $MAAS_DATA_DIR or ./maas-data)");
  sub->add_flag("--json", f->json, "Print JSON");
  on_run(sub, [f]() -> Status {
    const std::string dir = resolve_data_dir(f->data_dir);
    if (!std::filesystem::exists(dir)) return not_found("model '{}' not found (no registry at '{}')", f->name, dir);
    MAAS_ASSIGN_OR_RETURN(auto reg, open_registry(f->data_dir));
    MAAS_ASSIGN_OR_RETURN(registry::ModelDetails d, reg->get_model(f->name));
    if (f->json) {
      std::printf("%s\n", registry::to_json(d).dump(2).c_str());
    } else {
      print_details(d);
    }
    return Status::ok();
  });
}

// "NAME:V" -> (name, V); the lifecycle commands act on one explicit version.
Result<std::pair<std::string, int64_t>> parse_versioned(const std::string& text) {
  MAAS_ASSIGN_OR_RETURN(registry::ModelRef ref, registry::parse_model_ref(text));
  if (!ref.version) return invalid_argument("'{}' names no version; write NAME:VERSION (e.g. {}:1)", text, ref.name);
  return std::make_pair(ref.name, *ref.version);
}

void print_version_line(const registry::VersionInfo& v) {
  std::printf("%s version %lld is now %s\n", v.model.c_str(), static_cast<long long>(v.version),
              registry::stage_name(v.stage));
}

struct LifecycleFlags {
  std::string target, stage, reason, actor = "cli", data_dir, sunset;
  int64_t successor = 0;
};

void add_lifecycle_options(CLI::App* sub, LifecycleFlags& f) {
  sub->add_option("--reason", f.reason, "Why (kept in the audit log)");
  sub->add_option("--actor", f.actor, "Who (default cli)");
  sub->add_option("--data-dir", f.data_dir, "Registry directory (default $MAAS_DATA_DIR or ./maas-data)");
}

// `transition NAME:V STAGE`, and the fixed-target shortcuts promote / retire.
void add_transition(CLI::App* models, const std::string& command, const std::string& help,
                    std::optional<registry::Stage> fixed) {
  auto f = std::make_shared<LifecycleFlags>();
  auto* sub = models->add_subcommand(command, help);
  sub->add_option("VERSION", f->target, "NAME:VERSION")->required();
  if (!fixed) sub->add_option("STAGE", f->stage, "testing|staging|rejected|production|deprecated|retired")->required();
  add_lifecycle_options(sub, *f);
  on_run(sub, [f, fixed]() -> Status {
    MAAS_ASSIGN_OR_RETURN(auto target, parse_versioned(f->target));
    registry::Stage to = registry::Stage::kRegistered;
    if (fixed) {
      to = *fixed;
    } else {
      MAAS_ASSIGN_OR_RETURN(to, registry::parse_stage(f->stage));
    }
    MAAS_ASSIGN_OR_RETURN(auto reg, open_registry(f->data_dir));
    MAAS_ASSIGN_OR_RETURN(registry::VersionInfo v, reg->transition(target.first, target.second, to, f->actor, f->reason));
    print_version_line(v);
    return Status::ok();
  });
}

void add_deprecate(CLI::App* models) {
  auto f = std::make_shared<LifecycleFlags>();
  auto* sub = models->add_subcommand("deprecate", "Deprecate a production version (still answers, with Sunset headers)");
  sub->add_option("VERSION", f->target, "NAME:VERSION")->required();
  sub->add_option("--sunset", f->sunset, "Retire automatically after this UTC date (YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ)");
  sub->add_option("--successor", f->successor, "Version clients should move to");
  add_lifecycle_options(sub, *f);
  on_run(sub, [f]() -> Status {
    MAAS_ASSIGN_OR_RETURN(auto target, parse_versioned(f->target));
    registry::Deprecation d;
    if (!f->sunset.empty()) {
      int64_t secs = 0;
      if (!parse_utc_date(f->sunset, &secs)) return invalid_argument("--sunset '{}' is not a UTC date", f->sunset);
      d.sunset_at_ms = secs * 1000;
    }
    if (f->successor > 0) d.successor = f->successor;
    MAAS_ASSIGN_OR_RETURN(auto reg, open_registry(f->data_dir));
    MAAS_ASSIGN_OR_RETURN(registry::VersionInfo v, reg->deprecate(target.first, target.second, d, f->actor, f->reason));
    print_version_line(v);
    return Status::ok();
  });
}

void add_rollback(CLI::App* models) {
  auto f = std::make_shared<LifecycleFlags>();
  auto* sub = models->add_subcommand("rollback", "Put the previous production version back in production");
  sub->add_option("NAME", f->target, "Model name")->required();
  add_lifecycle_options(sub, *f);
  on_run(sub, [f]() -> Status {
    MAAS_ASSIGN_OR_RETURN(auto reg, open_registry(f->data_dir));
    MAAS_ASSIGN_OR_RETURN(registry::RollbackPlan plan, reg->rollback(f->target, f->actor, f->reason));
    std::printf("%s rolled back: version %lld is production again, version %lld back to staging\n", f->target.c_str(),
                static_cast<long long>(plan.to_version), static_cast<long long>(plan.from_version));
    return Status::ok();
  });
}

// "1=0.9,2=0.1,3=shadow" -> traffic entries.
Result<std::vector<registry::TrafficEntry>> parse_traffic(const std::string& text) {
  std::vector<registry::TrafficEntry> out;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find(',', pos);
    if (end == std::string::npos) end = text.size();
    const std::string item = text.substr(pos, end - pos);
    pos = end + 1;
    const size_t eq = item.find('=');
    registry::TrafficEntry e;
    char* stop = nullptr;
    e.version = std::strtoll(item.c_str(), &stop, 10);
    if (eq == std::string::npos || stop != item.c_str() + eq || e.version <= 0)
      return invalid_argument("--traffic: '{}' is not VERSION=WEIGHT or VERSION=shadow", item);
    const std::string w = item.substr(eq + 1);
    if (w == "shadow") {
      e.shadow = true;
    } else {
      e.weight = std::strtod(w.c_str(), &stop);
      if (w.empty() || *stop != '\0' || e.weight < 0) return invalid_argument("--traffic: bad weight '{}'", w);
    }
    out.push_back(e);
  }
  return out;
}

void add_rollout(CLI::App* models) {
  auto f = std::make_shared<LifecycleFlags>();
  auto* sub = models->add_subcommand("rollout", "Set a model's traffic table: canary weights and shadow versions");
  sub->add_option("NAME", f->target, "Model name")->required();
  sub->add_option("--traffic", f->stage, "VERSION=WEIGHT,... (VERSION=shadow for a shadow; empty clears)")->required();
  add_lifecycle_options(sub, *f);
  on_run(sub, [f]() -> Status {
    MAAS_ASSIGN_OR_RETURN(std::vector<registry::TrafficEntry> entries, parse_traffic(f->stage));
    MAAS_ASSIGN_OR_RETURN(auto reg, open_registry(f->data_dir));
    MAAS_RETURN_IF_ERROR(reg->set_traffic(f->target, entries, f->actor, f->reason.empty() ? "rollout" : f->reason));
    std::printf("%s traffic:", f->target.c_str());
    for (const auto& e : entries)
      std::printf(" v%lld=%s", static_cast<long long>(e.version), e.shadow ? "shadow" : fmt::format("{:g}", e.weight).c_str());
    std::printf("%s\n", entries.empty() ? " cleared" : "");
    return Status::ok();
  });
}

void add_history(CLI::App* models) {
  auto f = std::make_shared<ShowFlags>();
  auto* sub = models->add_subcommand("history", "The audit log of a model");
  sub->add_option("NAME", f->name, "Model name")->required();
  sub->add_option("--data-dir", f->data_dir, "Registry directory (default $MAAS_DATA_DIR or ./maas-data)");
  sub->add_flag("--json", f->json, "Print JSON");
  on_run(sub, [f]() -> Status {
    MAAS_ASSIGN_OR_RETURN(auto reg, open_registry(f->data_dir));
    MAAS_ASSIGN_OR_RETURN(std::vector<registry::AuditEvent> events, reg->history(f->name));
    if (f->json) {
      nlohmann::json out = nlohmann::json::array();
      for (const auto& e : events) out.push_back(registry::to_json(e));
      std::printf("%s\n", out.dump(2).c_str());
      return Status::ok();
    }
    print_audit(events);
    return Status::ok();
  });
}

}  // namespace

void add_models_command(CLI::App& app) {
  auto* models = app.add_subcommand("models", "Manage the model registry and model lifecycle");
  models->require_subcommand(1);
  add_import(models);
  add_list(models);
  add_show(models);
  add_history(models);
  add_transition(models, "transition", "Move a version to another stage (audited)", std::nullopt);
  add_transition(models, "promote", "Move a staging version to production", registry::Stage::kProduction);
  add_deprecate(models);
  add_transition(models, "retire", "Retire a deprecated version (answers 410 Gone)", registry::Stage::kRetired);
  add_rollback(models);
  add_models_gate_commands(models);
  add_rollout(models);
}

}  // namespace maas::app

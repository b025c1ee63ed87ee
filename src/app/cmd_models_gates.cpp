// `maas models evaluate NAME:V --data FILE` and `maas models thresholds NAME [--set JSON]`:
// the evaluation gate from the command line. evaluate exits 0 when the gate passed
// (the version is now staging) and 1 when it failed (now rejected) or on any error.
#include <cstdio>
#include <memory>
#include <string>

#include "app/cli_util.h"
#include "app/commands.h"
#include "registry/gates.h"
#include "registry/store.h"
#include "serving/families.h"
#include "serving/lifecycle/evaluation.h"

namespace maas::app {
namespace {

std::string value_text(const nlohmann::json& v) {
  if (v.is_number_integer() || v.is_number_unsigned()) return v.dump();
  if (v.is_number()) return fmt::format("{:.6g}", v.get<double>());
  return v.dump();
}

std::string values_text(const nlohmann::json& values) {
  std::string out;
  for (const auto& [key, value] : values.items()) out += (out.empty() ? "" : ", ") + key + " " + value_text(value);
  return out.empty() ? "(none)" : out;
}

void print_report(const serving::EvaluationReport& r) {
  std::string options;
  for (const auto& [key, value] : r.options.items()) options += ", " + key + " " + value_text(value);
  std::printf("%s:%lld evaluated on %s (sha256 %s%s)\n", r.model.c_str(), static_cast<long long>(r.version),
              r.data_path.c_str(), r.data_sha256.substr(0, 12).c_str(), options.c_str());
  std::printf("metrics: %s\n", values_text(r.metrics.values).c_str());
  if (r.production_version) {
    std::printf("production: version %lld, %s (%s)\n", static_cast<long long>(*r.production_version),
                values_text(r.production_metrics ? r.production_metrics->values : nlohmann::json::object()).c_str(),
                r.production_reused ? "stored metrics on the same data" : "evaluated now");
  } else {
    std::printf("production: none\n");
  }
  std::printf("thresholds: %s\n", r.thresholds.empty() ? "(none)" : r.thresholds.dump().c_str());
  for (const registry::GateCheck& c : r.gate.checks) {
    std::printf("  %s  %-10s  %s\n", c.passed ? "PASS" : "FAIL", registry::check_kind_name(c.kind), c.message.c_str());
  }
  std::printf("gate %s: %s version %lld is now %s\n", r.gate.passed ? "passed" : "failed", r.model.c_str(),
              static_cast<long long>(r.version), registry::stage_name(r.stage));
}

struct EvaluateFlags {
  std::string target, data, actor = "cli", data_dir;
  int64_t max_tokens = 0, window = 0;
  bool json = false;
};

void add_evaluate(CLI::App* models) {
  auto f = std::make_shared<EvaluateFlags>();
  auto* sub = models->add_subcommand(
      "evaluate", "Evaluate a registered/testing version on held-out data; staging if it passes the gate, else rejected");
  sub->add_option("VERSION", f->target, "NAME:VERSION")->required();
  sub->add_option("--data", f->data, "Held-out data file (llm: UTF-8 text, scored by perplexity)")->required();
  sub->add_option("--max-tokens", f->max_tokens, "Score at most this many tokens (0: all)")
      ->check(CLI::NonNegativeNumber);
  sub->add_option("--window", f->window, "Tokens per scoring window (0: the family's default)")
      ->check(CLI::NonNegativeNumber);
  sub->add_option("--actor", f->actor, "Who (default cli)");
  sub->add_option("--data-dir", f->data_dir, "Registry directory (default $MAAS_DATA_DIR or ./maas-data)");
  sub->add_flag("--json", f->json, "Print the report as JSON");
  on_run(sub, [f]() -> Status {
    MAAS_ASSIGN_OR_RETURN(registry::ModelRef ref, registry::parse_model_ref(f->target));
    if (!ref.version) return invalid_argument("'{}' names no version; write NAME:VERSION (e.g. {}:1)", f->target, ref.name);
    EvalSpec spec;
    spec.data_path = f->data;
    if (f->max_tokens > 0) spec.options["max_tokens"] = f->max_tokens;
    if (f->window > 0) spec.options["window"] = f->window;
    serving::FamilyTable families;
    serving::register_families(families);
    MAAS_ASSIGN_OR_RETURN(auto reg, open_registry(f->data_dir));
    MAAS_ASSIGN_OR_RETURN(serving::EvaluationReport report,
                          serving::evaluate_version(*reg, families, ref.name, *ref.version, spec, f->actor));
    if (f->json) {
      std::printf("%s\n", serving::to_json(report).dump(2).c_str());
    } else {
      print_report(report);
    }
    std::fflush(stdout);
    if (!report.gate.passed) {
      return error(Code::kFailedPrecondition, "gate failed, {}:{} rejected: {}", report.model, report.version,
                   report.gate.summary);
    }
    return Status::ok();
  });
}

struct ThresholdsFlags {
  std::string name, set, actor = "cli", data_dir;
};

void add_thresholds(CLI::App* models) {
  auto f = std::make_shared<ThresholdsFlags>();
  auto* sub = models->add_subcommand("thresholds", "Show or set a model's evaluation gate thresholds");
  sub->add_option("NAME", f->name, "Model name")->required();
  sub->add_option("--set", f->set,
                  "Replace them with this JSON object: min_<metric>, max_<metric>, max_regression (fraction, "
                  "default 0), regression_metrics (names; default all with a direction), e.g. "
                  "'{\"max_perplexity\":30,\"max_regression\":0.05}'");
  sub->add_option("--actor", f->actor, "Who (default cli)");
  sub->add_option("--data-dir", f->data_dir, "Registry directory (default $MAAS_DATA_DIR or ./maas-data)");
  on_run(sub, [f]() -> Status {
    MAAS_ASSIGN_OR_RETURN(auto reg, open_registry(f->data_dir));
    if (!f->set.empty()) {
      nlohmann::json t = nlohmann::json::parse(f->set, nullptr, /*allow_exceptions=*/false);
      if (t.is_discarded()) return invalid_argument("--set '{}' is not valid JSON", f->set);
      MAAS_RETURN_IF_ERROR(registry::parse_thresholds(t).status());
      registry::ModelMetadata metadata;
      metadata.thresholds = t;
      MAAS_RETURN_IF_ERROR(reg->set_model_metadata(f->name, metadata, f->actor));
    }
    MAAS_ASSIGN_OR_RETURN(registry::ModelDetails details, reg->get_model(f->name));
    const nlohmann::json& t = details.thresholds;
    std::printf("%s thresholds: %s\n", f->name.c_str(),
                t.is_object() && !t.empty() ? t.dump().c_str() : "(none; the gate only checks against production)");
    return Status::ok();
  });
}

}  // namespace

void add_models_gate_commands(CLI::App* models) {
  add_evaluate(models);
  add_thresholds(models);
}

}  // namespace maas::app

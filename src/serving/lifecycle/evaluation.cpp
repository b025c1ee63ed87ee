#include "serving/lifecycle/evaluation.h"

#include <filesystem>

#include "core/hash.h"

namespace maas::serving {
namespace {

using registry::Stage;
using registry::VersionInfo;

std::string version_label(const std::string& name, int64_t version) {
  return name + ":" + std::to_string(version);
}

// Loads `v` through its family with a small footprint, evaluates, and drops the model.
Result<Metrics> evaluate_one(const FamilyTable& families, const VersionInfo& v, const EvalSpec& spec) {
  const ModelFamily* family = families.find(v.family);
  if (!family) {
    return error(Code::kFailedPrecondition, "{} has family '{}', which this build does not know",
                 version_label(v.model, v.version), v.family);
  }
  MAAS_RETURN_IF_ERROR(resolve_options(family->eval_options(), spec.options).status());
  LoadOptions options;
  options.threads = 0;
  options.max_sequences = 1;
  Result<std::shared_ptr<LoadedModel>> loaded = family->load(registry::artifact_of(v), options);
  if (!loaded.is_ok()) return loaded.status().with_context("loading " + version_label(v.model, v.version));
  EvalSpec resolved = spec;
  MAAS_ASSIGN_OR_RETURN(resolved.options, resolve_options(family->eval_options(), spec.options));
  Result<Metrics> metrics = family->evaluate(**loaded, resolved);
  if (!metrics.is_ok()) return metrics.status().with_context("evaluating " + version_label(v.model, v.version));
  return metrics;
}

// What is stored on a version: the family's values, their directions, and which data
// (and options) produced them, so a later gate can tell whether they are comparable.
nlohmann::json recorded_metrics(const Metrics& m, const std::string& data_path, const std::string& sha,
                                const nlohmann::json& options) {
  nlohmann::json out = m.values.is_object() ? m.values : nlohmann::json::object();
  out[kHigherIsBetter] = m.higher_is_better.is_object() ? m.higher_is_better : nlohmann::json::object();
  out[kEvalDataSha256] = sha;
  out[kEvalDataPath] = data_path;
  out[kEvalOptions] = options;
  return out;
}

bool evaluated_on(const nlohmann::json& recorded, const std::string& sha, const nlohmann::json& options) {
  if (!recorded.is_object()) return false;
  auto s = recorded.find(kEvalDataSha256);
  auto o = recorded.find(kEvalOptions);
  return s != recorded.end() && s->is_string() && s->get<std::string>() == sha && o != recorded.end() &&
         *o == options;
}

std::optional<VersionInfo> production_of(const registry::ModelDetails& details) {
  for (const registry::AliasInfo& a : details.aliases) {
    if (a.alias != "production") continue;
    for (const VersionInfo& v : details.versions) {
      if (v.version == a.version) return v;
    }
  }
  return std::nullopt;
}

nlohmann::json metrics_json(const Metrics& m) {
  return {{"values", m.values}, {"higher_is_better", m.higher_is_better}};
}

}  // namespace

Metrics metrics_from_recorded(const nlohmann::json& recorded) {
  Metrics m;
  if (!recorded.is_object()) return m;
  for (const auto& [key, value] : recorded.items()) {
    if (value.is_number()) m.values[key] = value;
  }
  auto hib = recorded.find(kHigherIsBetter);
  if (hib != recorded.end() && hib->is_object()) m.higher_is_better = *hib;
  return m;
}

Result<EvaluationReport> evaluate_version(registry::Registry& registry, const FamilyTable& families,
                                          const std::string& name, int64_t version, const EvalSpec& spec,
                                          const std::string& actor) {
  if (actor.empty()) return invalid_argument("actor must not be empty");
  if (spec.data_path.empty()) return invalid_argument("an evaluation data file is required").with_field("data");
  if (!spec.options.is_object()) return invalid_argument("evaluation options must be a JSON object");

  // Check every input before changing anything.
  MAAS_ASSIGN_OR_RETURN(VersionInfo candidate, registry.get_version(version_label(name, version)));
  if (candidate.stage != Stage::kRegistered && candidate.stage != Stage::kTesting) {
    return error(Code::kFailedPrecondition,
                 "{} is {}; only registered or testing versions are evaluated (the gate decides staging once)",
                 version_label(name, version), registry::stage_name(candidate.stage));
  }
  if (!families.find(candidate.family)) {
    return error(Code::kFailedPrecondition, "{} has family '{}', which this build does not know",
                 version_label(name, version), candidate.family);
  }
  Result<std::string> sha = sha256_file(spec.data_path);
  if (!sha.is_ok()) return sha.status().with_context("evaluation data").with_field("data");
  MAAS_ASSIGN_OR_RETURN(registry::ModelDetails details, registry.get_model(name));
  const nlohmann::json thresholds = details.thresholds.is_object() ? details.thresholds : nlohmann::json::object();
  Result<registry::ParsedThresholds> parsed = registry::parse_thresholds(thresholds);
  if (!parsed.is_ok()) return parsed.status().with_context("model '" + name + "' has invalid thresholds");
  std::optional<VersionInfo> production = production_of(details);

  EvaluationReport report;
  report.model = name;
  report.version = version;
  std::error_code ec;
  const std::filesystem::path abs = std::filesystem::absolute(spec.data_path, ec);
  report.data_path = ec ? spec.data_path : abs.lexically_normal().string();
  report.data_sha256 = *sha;
  report.options = spec.options;
  report.thresholds = thresholds;

  const std::string about = "evaluation on '" + report.data_path + "' (sha256 " + sha->substr(0, 12) + ")";
  if (candidate.stage == Stage::kRegistered) {
    MAAS_ASSIGN_OR_RETURN(candidate, registry.transition(name, version, Stage::kTesting, actor, about));
  }

  EvalSpec used = spec;
  used.data_path = report.data_path;
  MAAS_ASSIGN_OR_RETURN(report.metrics, evaluate_one(families, candidate, used));
  MAAS_RETURN_IF_ERROR(
      registry.record_metrics(name, version, recorded_metrics(report.metrics, report.data_path, *sha, spec.options),
                              actor, about)
          .status());

  std::optional<registry::Baseline> baseline;
  if (production) {
    report.production_version = production->version;
    if (evaluated_on(production->metrics, *sha, spec.options)) {
      report.production_metrics = metrics_from_recorded(production->metrics);
      report.production_reused = true;
    } else {
      MAAS_ASSIGN_OR_RETURN(Metrics pm, evaluate_one(families, *production, used));
      MAAS_RETURN_IF_ERROR(registry
                               .record_metrics(name, production->version,
                                               recorded_metrics(pm, report.data_path, *sha, spec.options), actor,
                                               about + " as the baseline for version " + std::to_string(version))
                               .status());
      report.production_metrics = pm;
    }
    baseline = registry::Baseline{"production v" + std::to_string(production->version), *report.production_metrics};
  }

  MAAS_ASSIGN_OR_RETURN(report.gate,
                        registry::apply_gates(report.metrics, thresholds, baseline ? &*baseline : nullptr));
  const Stage to = report.gate.passed ? Stage::kStaging : Stage::kRejected;
  MAAS_ASSIGN_OR_RETURN(VersionInfo moved, registry.transition(name, version, to, actor, report.gate.summary));
  report.stage = moved.stage;
  return report;
}

nlohmann::json to_json(const EvaluationReport& r) {
  nlohmann::json checks = nlohmann::json::array();
  for (const registry::GateCheck& c : r.gate.checks) checks.push_back(registry::to_json(c));
  nlohmann::json out = {{"model", r.model},
                        {"version", r.version},
                        {"passed", r.gate.passed},
                        {"stage", registry::stage_name(r.stage)},
                        {"summary", r.gate.summary},
                        {"checks", checks},
                        {"data", {{"path", r.data_path}, {"sha256", r.data_sha256}}},
                        {"options", r.options},
                        {"thresholds", r.thresholds},
                        {"metrics", metrics_json(r.metrics)}};
  if (r.production_version) {
    out["production"] = {{"version", *r.production_version},
                         {"metrics", r.production_metrics ? metrics_json(*r.production_metrics) : nullptr},
                         {"reused_stored_metrics", r.production_reused}};
  } else {
    out["production"] = nullptr;
  }
  return out;
}

}  // namespace maas::serving

#include "serving/training/train_runner.h"

#include <chrono>
#include <filesystem>

#include "core/hash.h"
#include "registry/json.h"
#include "registry/model_ref.h"

namespace maas::serving {
namespace {

Status check_readable(const std::string& path, const std::string& field) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec))
    return invalid_argument("'{}' is not a readable file", path).with_field(field);
  return Status::ok();
}

const ModelFamily* trainable_family(const FamilyTable& families, const std::string& name, Status* error) {
  const ModelFamily* f = families.find(name);
  std::string trainable;
  for (const ModelFamily* each : families.all())
    if (each->can_train()) trainable += (trainable.empty() ? "" : ", ") + each->name();
  if (!f || !f->can_train()) {
    *error = invalid_argument("family '{}' {} (families that train: {})", name, f ? "does not train" : "is unknown",
                              trainable.empty() ? "none" : trainable)
                 .with_field("family");
    return nullptr;
  }
  return f;
}

}  // namespace

Result<nlohmann::json> check_train_request(registry::Registry& registry, const FamilyTable& families,
                                           const TrainRequest& request) {
  Status error;
  const ModelFamily* family = trainable_family(families, request.family, &error);
  if (!family) return error;
  MAAS_RETURN_IF_ERROR(registry::parse_model_ref(request.name).status().with_field("name"));
  if (request.name.find_first_of(":@") != std::string::npos)
    return invalid_argument("'name' must be a model name, not a version reference").with_field("name");
  if (request.data_path.empty()) return invalid_argument("'data' is required").with_field("data");
  MAAS_RETURN_IF_ERROR(check_readable(request.data_path, "data"));
  MAAS_ASSIGN_OR_RETURN(nlohmann::json options, resolve_options(family->train_options(), request.options));
  for (const OptionSpec& spec : family->train_options()) {
    if (!options.contains(spec.name)) continue;
    if (spec.type == OptionType::kPath)
      MAAS_RETURN_IF_ERROR(check_readable(options[spec.name].get<std::string>(), "options." + spec.name));
    if (spec.type == OptionType::kModel) {  // a registered model: its artifact's path
      Result<registry::VersionInfo> v = registry.get_version(options[spec.name].get<std::string>());
      if (!v.is_ok())
        return Status(v.status().code(), fmt::format("option '{}': {}", spec.name, v.status().message()))
            .with_field("options." + spec.name);
      options[spec.name] = v->artifact_path;
    }
  }
  return options;
}

Result<TrainOutcome> train_and_register(registry::Registry& registry, const FamilyTable& families,
                                        const TrainRequest& request, TrainMonitor& monitor) {
  MAAS_ASSIGN_OR_RETURN(nlohmann::json options, check_train_request(registry, families, request));
  const ModelFamily* family = families.find(request.family);

  // The data digest covers every input file (the main data, then path options by name).
  MAAS_ASSIGN_OR_RETURN(std::string data_sha, sha256_file(request.data_path));
  for (const OptionSpec& spec : family->train_options()) {
    if (spec.type != OptionType::kPath || !options.contains(spec.name)) continue;
    MAAS_ASSIGN_OR_RETURN(std::string sha, sha256_file(options[spec.name].get<std::string>()));
    data_sha = sha256_hex(data_sha + sha);
  }

  MAAS_ASSIGN_OR_RETURN(registry::TempArtifact out, registry.create_temp_file());
  TrainSpec spec;
  spec.data_path = request.data_path;
  spec.options = options;
  spec.output_path = out.path();
  spec.monitor = &monitor;
  const auto start = std::chrono::steady_clock::now();
  MAAS_ASSIGN_OR_RETURN(TrainResult result, family->train(spec));
  if (monitor.cancelled()) return Status(Code::kCancelled, "training was cancelled");
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  TrainOutcome outcome;
  outcome.options = options;
  outcome.data_sha256 = data_sha;
  outcome.seconds = seconds;
  outcome.metrics = result.metrics;
  if (!result.higher_is_better.empty()) outcome.metrics["higher_is_better"] = result.higher_is_better;

  registry::ImportRequest ir;
  ir.path = out.path();
  ir.name = request.name;
  ir.family = family->name();
  ir.format = result.format;
  ir.actor = request.actor;
  ir.description = request.description;
  ir.params = result.params;
  ir.params["train_options"] = options;
  ir.params["train_data"] = request.data_path;
  ir.params["train_seconds"] = seconds;
  ir.training_data_digest = data_sha;
  ir.metrics = outcome.metrics;
  ir.audit_reason = fmt::format("trained by {} in {:.1f} s on '{}' (sha256 {}); options {}; metrics {}",
                                family->name(), seconds, request.data_path, data_sha, options.dump(),
                                result.metrics.dump());
  // The family's own check, as for any import: a run that wrote a bad file fails here.
  auto validate = [family, format = result.format](const std::string& path) {
    Artifact a;
    a.path = path;
    a.format = format;
    return family->validate(a);
  };
  MAAS_ASSIGN_OR_RETURN(registry::ImportResult imported, registry.import_model(ir, validate));
  outcome.version = imported.version;
  return outcome;  // `out` (the temp file) is removed here; the store holds a copy
}

nlohmann::json to_json(const TrainOutcome& o) {
  return {{"model", o.version.model},       {"version", o.version.version}, {"family", o.version.family},
          {"metrics", o.metrics},           {"seconds", o.seconds},         {"data_sha256", o.data_sha256},
          {"options", o.options},           {"sha256", o.version.sha256}};
}

}  // namespace maas::serving

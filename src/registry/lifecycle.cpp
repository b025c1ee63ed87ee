#include "registry/lifecycle.h"

#include <fmt/format.h>

namespace maas::registry {
namespace {

std::string join_stages(const std::vector<Stage>& stages) {
  std::string out;
  for (Stage s : stages) {
    if (!out.empty()) out += ", ";
    out += stage_name(s);
  }
  return out;
}

}  // namespace

const char* stage_name(Stage stage) {
  switch (stage) {
    case Stage::kRegistered: return "registered";
    case Stage::kTesting: return "testing";
    case Stage::kStaging: return "staging";
    case Stage::kRejected: return "rejected";
    case Stage::kProduction: return "production";
    case Stage::kDeprecated: return "deprecated";
    case Stage::kRetired: return "retired";
  }
  return "unknown";
}

const std::vector<Stage>& all_stages() {
  static const std::vector<Stage> kAll = {Stage::kRegistered, Stage::kTesting,    Stage::kStaging, Stage::kRejected,
                                          Stage::kProduction, Stage::kDeprecated, Stage::kRetired};
  return kAll;
}

Result<Stage> parse_stage(std::string_view name) {
  for (Stage s : all_stages()) {
    if (name == stage_name(s)) return s;
  }
  return invalid_argument("unknown stage '{}' (stages: {})", name, join_stages(all_stages()));
}

std::vector<Stage> legal_transitions(Stage from) {
  switch (from) {
    case Stage::kRegistered: return {Stage::kTesting};
    case Stage::kTesting: return {Stage::kStaging, Stage::kRejected};
    case Stage::kStaging: return {Stage::kProduction};
    case Stage::kProduction: return {Stage::kDeprecated};
    case Stage::kDeprecated: return {Stage::kRetired};
    case Stage::kRejected:
    case Stage::kRetired: return {};
  }
  return {};
}

Status check_transition(Stage from, Stage to) {
  std::vector<Stage> legal = legal_transitions(from);
  for (Stage s : legal) {
    if (s == to) return Status::ok();
  }
  if (legal.empty()) {
    return error(Code::kFailedPrecondition, "cannot move from {} to {}; {} is final, no transition is legal from it",
                 stage_name(from), stage_name(to), stage_name(from));
  }
  return error(Code::kFailedPrecondition, "cannot move from {} to {}; legal from {}: {}", stage_name(from),
               stage_name(to), stage_name(from), join_stages(legal));
}

Result<RollbackPlan> plan_rollback(int64_t current, const std::vector<VersionState>& versions) {
  const VersionState* now = nullptr;
  for (const VersionState& v : versions) {
    if (v.version == current) now = &v;
  }
  if (!now) return error(Code::kFailedPrecondition, "nothing to roll back: version {} does not exist", current);
  if (now->stage != Stage::kProduction) {
    return error(Code::kFailedPrecondition, "nothing to roll back: version {} is {}, not production", current,
                 stage_name(now->stage));
  }
  const VersionState* target = nullptr;
  for (const VersionState& v : versions) {
    if (v.version == current || !v.was_in_production) continue;
    if (v.stage != Stage::kProduction && v.stage != Stage::kDeprecated) continue;
    if (!target || v.version > target->version) target = &v;
  }
  if (!target) {
    return error(Code::kFailedPrecondition,
                 "nothing to roll back to: no other version of this model was in production and is still "
                 "production or deprecated");
  }
  return RollbackPlan{current, target->version, target->stage};
}

}  // namespace maas::registry

// The model-version lifecycle as a pure state machine (no I/O):
//
//   registered -> testing -> staging -> production -> deprecated -> retired
//                        \-> rejected
//
// plus rollback, which moves the current production version back to staging and
// restores a previous production version (which may since have been deprecated).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace maas::registry {

enum class Stage { kRegistered, kTesting, kStaging, kRejected, kProduction, kDeprecated, kRetired };

const char* stage_name(Stage stage);
// Accepts the lowercase names above; an error lists them.
Result<Stage> parse_stage(std::string_view name);
const std::vector<Stage>& all_stages();

// The stages a version may move to from `from` by an ordinary transition.
std::vector<Stage> legal_transitions(Stage from);

// Ok if from -> to is legal; otherwise kFailedPrecondition whose message names the
// legal targets: "cannot move from registered to production; legal from registered: testing".
Status check_transition(Stage from, Stage to);

// What rollback needs to know about each version of a model.
struct VersionState {
  int64_t version = 0;
  Stage stage = Stage::kRegistered;
  bool was_in_production = false;  // some audit row moved it to production
};

struct RollbackPlan {
  int64_t from_version = 0;    // current production version; goes back to staging
  int64_t to_version = 0;      // restored to production
  Stage to_version_stage = Stage::kProduction;  // its stage before the rollback
};

// Rollback from `current` (the version the production alias names) to the most recent
// (highest-numbered) other version that was in production before and is still
// production or deprecated. kFailedPrecondition if `current` is not in production or
// there is nothing to roll back to.
Result<RollbackPlan> plan_rollback(int64_t current, const std::vector<VersionState>& versions);

}  // namespace maas::registry

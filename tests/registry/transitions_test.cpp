// Lifecycle through the registry: transitions with exact audit rows, aliases that
// follow stages, rollback, custom aliases, traffic, and reference resolution.
#include <gtest/gtest.h>

#include "registry_test_util.h"

namespace maas::registry {
namespace {

using testing::TempDir;

class TransitionsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto r = Registry::open(testing::options_for(dir_ / "data"));
    ASSERT_TRUE(r.is_ok()) << r.status().message();
    registry_ = std::move(*r);
  }

  // Imports `n` distinct versions of model `name`.
  void import_versions(const std::string& name, int n) {
    for (int i = 0; i < n; ++i) {
      const std::string path = dir_ / (name + std::to_string(i) + ".gguf");
      testing::write_bytes(path, testing::fake_gguf(name + std::to_string(i)));
      ImportRequest req;
      req.path = path;
      req.name = name;
      Result<ImportResult> r = registry_->import_model(req, testing::gguf_magic_validator);
      ASSERT_TRUE(r.is_ok()) << r.status().message();
    }
  }

  void move(int64_t version, Stage to, const std::string& reason = "") {
    Result<VersionInfo> r = registry_->transition("m", version, to, "alice", reason);
    ASSERT_TRUE(r.is_ok()) << r.status().message();
    EXPECT_EQ(r->stage, to);
  }

  void walk(int64_t version, std::initializer_list<Stage> stages) {
    for (Stage s : stages) move(version, s);
  }

  Stage stage_of(int64_t version) { return registry_->get_version("m:" + std::to_string(version))->stage; }

  std::vector<AliasInfo> aliases() { return registry_->get_model("m")->aliases; }

  int64_t resolve(const std::string& ref) {
    Result<VersionInfo> v = registry_->get_version(ref);
    EXPECT_TRUE(v.is_ok()) << ref << ": " << v.status().message();
    return v.is_ok() ? v->version : -1;
  }

  TempDir dir_;
  std::unique_ptr<Registry> registry_;
};

TEST_F(TransitionsTest, TheHappyPathWritesExactAuditRows) {
  import_versions("m", 1);
  move(1, Stage::kTesting, "evaluate on held-out set");
  move(1, Stage::kStaging, "perplexity 12.1 <= 15");
  move(1, Stage::kProduction, "ship it");
  move(1, Stage::kDeprecated, "superseded");
  move(1, Stage::kRetired, "sunset passed");

  Result<std::vector<AuditEvent>> h = registry_->history("m");
  ASSERT_TRUE(h.is_ok());
  // Clock: 1000 migration, 2000 import, then one tick per transition.
  struct Row { int64_t time; std::string actor, action, from, to, reason; };
  std::vector<Row> expected = {
      {3000, "alice", "transition", "registered", "testing", "evaluate on held-out set"},
      {4000, "alice", "transition", "testing", "staging", "perplexity 12.1 <= 15"},
      {5000, "alice", "transition", "staging", "production", "ship it"},
      {6000, "alice", "transition", "production", "deprecated", "superseded"},
      {7000, "alice", "transition", "deprecated", "retired", "sunset passed"},
  };
  ASSERT_EQ(h->size(), expected.size() + 1);
  EXPECT_EQ((*h)[0].action, "import");
  for (size_t i = 0; i < expected.size(); ++i) {
    const AuditEvent& e = (*h)[i + 1];
    EXPECT_EQ(e.id, (*h)[i].id + 1);
    EXPECT_EQ(e.time_ms, expected[i].time);
    EXPECT_EQ(e.actor, expected[i].actor);
    EXPECT_EQ(e.model, "m");
    EXPECT_EQ(e.version, 1);
    EXPECT_EQ(e.action, expected[i].action);
    EXPECT_EQ(e.from_stage, expected[i].from);
    EXPECT_EQ(e.to_stage, expected[i].to);
    EXPECT_EQ(e.reason, expected[i].reason);
  }
  EXPECT_EQ(stage_of(1), Stage::kRetired);
  EXPECT_EQ(registry_->get_version("m:1")->stage_changed_at_ms, 7000);
}

TEST_F(TransitionsTest, RejectionEndsTheRoad) {
  import_versions("m", 1);
  walk(1, {Stage::kTesting, Stage::kRejected});
  Result<VersionInfo> r = registry_->transition("m", 1, Stage::kTesting, "alice", "");
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.status().message(),
            "model 'm' version 1: cannot move from rejected to testing; rejected is final, no transition is legal from it");
}

// For each stage, every target not on the diagram is refused, changes nothing and
// writes no audit row.
TEST_F(TransitionsTest, EveryIllegalTransitionIsRefusedAndChangesNothing) {
  const std::vector<std::vector<Stage>> paths = {
      {},
      {Stage::kTesting},
      {Stage::kTesting, Stage::kStaging},
      {Stage::kTesting, Stage::kRejected},
      {Stage::kTesting, Stage::kStaging, Stage::kProduction},
      {Stage::kTesting, Stage::kStaging, Stage::kProduction, Stage::kDeprecated},
      {Stage::kTesting, Stage::kStaging, Stage::kProduction, Stage::kDeprecated, Stage::kRetired},
  };
  import_versions("m", static_cast<int>(paths.size()));
  for (size_t i = 0; i < paths.size(); ++i) {
    const int64_t v = static_cast<int64_t>(i) + 1;
    for (Stage s : paths[i]) move(v, s);
    const Stage here = stage_of(v);
    const std::vector<Stage> legal = legal_transitions(here);
    for (Stage to : all_stages()) {
      if (std::find(legal.begin(), legal.end(), to) != legal.end()) continue;
      const size_t audit_before = registry_->history("m")->size();
      const auto aliases_before = aliases();
      Result<VersionInfo> r = registry_->transition("m", v, to, "alice", "try");
      ASSERT_FALSE(r.is_ok()) << stage_name(here) << " -> " << stage_name(to);
      EXPECT_EQ(r.status().code(), Code::kFailedPrecondition);
      EXPECT_EQ(r.status().message(),
                fmt::format("model 'm' version {}: {}", v, check_transition(here, to).message()));
      EXPECT_EQ(stage_of(v), here);
      EXPECT_EQ(registry_->history("m")->size(), audit_before);
      EXPECT_EQ(aliases(), aliases_before);
    }
  }
}

TEST_F(TransitionsTest, UnknownModelOrVersionIsNotFound) {
  import_versions("m", 1);
  EXPECT_EQ(registry_->transition("nope", 1, Stage::kTesting, "a", "").status().message(), "model 'nope' not found");
  EXPECT_EQ(registry_->transition("m", 9, Stage::kTesting, "a", "").status().message(), "model 'm' has no version 9");
  EXPECT_EQ(registry_->transition("m", 9, Stage::kTesting, "a", "").status().code(), Code::kNotFound);
}

TEST_F(TransitionsTest, StageAliasesFollowStages) {
  import_versions("m", 2);
  walk(1, {Stage::kTesting, Stage::kStaging});
  EXPECT_EQ(aliases(), (std::vector<AliasInfo>{{"staging", 1}}));
  move(1, Stage::kProduction);
  EXPECT_EQ(aliases(), (std::vector<AliasInfo>{{"production", 1}}));
  walk(2, {Stage::kTesting, Stage::kStaging});
  EXPECT_EQ(aliases(), (std::vector<AliasInfo>{{"production", 1}, {"staging", 2}}));
  move(2, Stage::kProduction);
  EXPECT_EQ(aliases(), (std::vector<AliasInfo>{{"production", 2}}));
  move(2, Stage::kDeprecated);  // v1 is still production: the alias goes back to it
  EXPECT_EQ(aliases(), (std::vector<AliasInfo>{{"production", 1}}));
  move(1, Stage::kDeprecated);
  EXPECT_TRUE(aliases().empty());
}

TEST_F(TransitionsTest, RollbackRestoresTheDeprecatedPreviousVersion) {
  import_versions("m", 2);
  walk(1, {Stage::kTesting, Stage::kStaging, Stage::kProduction});
  walk(2, {Stage::kTesting, Stage::kStaging, Stage::kProduction});
  move(1, Stage::kDeprecated);
  const size_t before = registry_->history("m")->size();

  Result<RollbackPlan> plan = registry_->rollback("m", "bob", "p95 latency doubled");
  ASSERT_TRUE(plan.is_ok()) << plan.status().message();
  EXPECT_EQ(plan->from_version, 2);
  EXPECT_EQ(plan->to_version, 1);
  EXPECT_EQ(stage_of(1), Stage::kProduction);
  EXPECT_EQ(stage_of(2), Stage::kStaging);
  EXPECT_EQ(aliases(), (std::vector<AliasInfo>{{"production", 1}, {"staging", 2}}));
  EXPECT_EQ(resolve("m"), 1);

  std::vector<AuditEvent> h = *registry_->history("m");
  ASSERT_EQ(h.size(), before + 2);
  EXPECT_EQ(h[before].version, 2);
  EXPECT_EQ(h[before].action, "rollback");
  EXPECT_EQ(h[before].actor, "bob");
  EXPECT_EQ(h[before].from_stage, "production");
  EXPECT_EQ(h[before].to_stage, "staging");
  EXPECT_EQ(h[before].reason, "p95 latency doubled");
  EXPECT_EQ(h[before + 1].version, 1);
  EXPECT_EQ(h[before + 1].action, "rollback");
  EXPECT_EQ(h[before + 1].from_stage, "deprecated");
  EXPECT_EQ(h[before + 1].to_stage, "production");
  EXPECT_EQ(h[before + 1].time_ms, h[before].time_ms);

  // Nothing older to go back to now.
  Result<RollbackPlan> again = registry_->rollback("m", "bob", "");
  ASSERT_FALSE(again.is_ok());
  EXPECT_EQ(again.status().code(), Code::kFailedPrecondition);
  EXPECT_EQ(again.status().message().rfind("cannot roll back model 'm': nothing to roll back to", 0), 0u)
      << again.status().message();
}

TEST_F(TransitionsTest, RollbackDuringACanaryDropsTheCanaryAndItsTraffic) {
  import_versions("m", 2);
  walk(1, {Stage::kTesting, Stage::kStaging, Stage::kProduction});
  walk(2, {Stage::kTesting, Stage::kStaging, Stage::kProduction});
  ASSERT_TRUE(registry_->set_traffic("m", {{1, 90, false}, {2, 10, false}}, "bob", "canary").is_ok());
  Result<RollbackPlan> plan = registry_->rollback("m", "bob", "errors");
  ASSERT_TRUE(plan.is_ok()) << plan.status().message();
  EXPECT_EQ(plan->to_version, 1);
  EXPECT_EQ(plan->to_version_stage, Stage::kProduction);
  EXPECT_EQ(stage_of(2), Stage::kStaging);
  EXPECT_TRUE(registry_->get_model("m")->traffic.empty());
  EXPECT_EQ(resolve("m"), 1);
  EXPECT_EQ(registry_->history("m")->back().from_stage, "production");
  EXPECT_EQ(registry_->history("m")->back().to_stage, "production");
}

TEST_F(TransitionsTest, RollbackWithoutProductionIsRefused) {
  import_versions("m", 1);
  Result<RollbackPlan> r = registry_->rollback("m", "bob", "");
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.status().message(), "cannot roll back model 'm': it has no production version");
}

TEST_F(TransitionsTest, ResolutionRules) {
  import_versions("m", 4);
  EXPECT_EQ(resolve("m"), 4);  // no production: latest non-retired, non-rejected
  walk(4, {Stage::kTesting, Stage::kRejected});
  EXPECT_EQ(resolve("m"), 3);
  walk(1, {Stage::kTesting, Stage::kStaging});
  EXPECT_EQ(resolve("m@staging"), 1);
  move(1, Stage::kProduction);
  EXPECT_EQ(resolve("m"), 1);  // production wins over newer versions
  EXPECT_EQ(resolve("m@production"), 1);
  EXPECT_EQ(resolve("m:2"), 2);
  EXPECT_EQ(resolve("m:4"), 4);  // an explicit version resolves whatever its stage

  ASSERT_TRUE(registry_->set_alias("m", "champion", 3, "alice").is_ok());
  EXPECT_EQ(resolve("m@champion"), 3);
  EXPECT_EQ(registry_->history("m")->back().reason, "alias 'champion' set to version 3");

  Result<VersionInfo> missing_alias = registry_->get_version("m@nope");
  EXPECT_EQ(missing_alias.status().code(), Code::kNotFound);
  EXPECT_EQ(missing_alias.status().message(), "model 'm' has no alias 'nope' (aliases: champion, production)");
  EXPECT_EQ(registry_->get_version("m:9").status().message(), "model 'm' has no version 9");
  EXPECT_EQ(registry_->get_version("x").status().message(), "model 'x' not found");
  EXPECT_EQ(registry_->get_version("m:zero").status().code(), Code::kInvalidArgument);

  ASSERT_TRUE(registry_->remove_alias("m", "champion", "alice").is_ok());
  EXPECT_EQ(registry_->get_version("m@champion").status().code(), Code::kNotFound);
  EXPECT_EQ(registry_->remove_alias("m", "champion", "alice").code(), Code::kNotFound);
  EXPECT_EQ(registry_->set_alias("m", "production", 2, "alice").code(), Code::kInvalidArgument);
  EXPECT_EQ(registry_->set_alias("m", "x", 9, "alice").code(), Code::kNotFound);
}

TEST_F(TransitionsTest, EverythingRetiredOrRejectedIsNotServable) {
  import_versions("m", 1);
  walk(1, {Stage::kTesting, Stage::kRejected});
  Result<VersionInfo> r = registry_->get_version("m");
  EXPECT_EQ(r.status().code(), Code::kNotFound);
  EXPECT_EQ(r.status().message(), "model 'm' has no servable version (all are retired or rejected)");
}

TEST_F(TransitionsTest, TrafficTableIsValidatedAndAudited) {
  import_versions("m", 3);
  walk(1, {Stage::kTesting, Stage::kStaging, Stage::kProduction});
  walk(2, {Stage::kTesting, Stage::kStaging, Stage::kProduction});
  walk(3, {Stage::kTesting, Stage::kStaging});

  Status live_staging = registry_->set_traffic("m", {{1, 50, false}, {3, 50, false}}, "bob", "");
  EXPECT_EQ(live_staging.code(), Code::kFailedPrecondition);
  EXPECT_EQ(live_staging.message(), "version 3 of 'm' is staging; live traffic needs production");
  EXPECT_EQ(registry_->set_traffic("m", {{1, 0, false}, {3, 1, true}}, "bob", "").code(), Code::kInvalidArgument);
  EXPECT_EQ(registry_->set_traffic("m", {{1, 1, false}, {1, 1, false}}, "bob", "").code(), Code::kInvalidArgument);
  EXPECT_EQ(registry_->set_traffic("m", {{1, -1, false}}, "bob", "").code(), Code::kInvalidArgument);
  EXPECT_TRUE(registry_->get_model("m")->traffic.empty());

  std::vector<TrafficEntry> table = {{1, 90, false}, {2, 10, false}, {3, 100, true}};
  ASSERT_TRUE(registry_->set_traffic("m", table, "bob", "canary 10%").is_ok());
  EXPECT_EQ(registry_->get_model("m")->traffic, table);
  const AuditEvent last = registry_->history("m")->back();
  EXPECT_EQ(last.action, "traffic");
  EXPECT_EQ(last.version, std::nullopt);
  EXPECT_EQ(last.reason, "canary 10% (traffic: v1=90 v2=10 v3=100 (shadow))");

  move(2, Stage::kDeprecated);  // leaving production leaves the live traffic
  EXPECT_EQ(registry_->get_model("m")->traffic, (std::vector<TrafficEntry>{{1, 90, false}, {3, 100, true}}));
}

}  // namespace
}  // namespace maas::registry

// The lifecycle state machine, without I/O: every (from, to) pair.
#include <gtest/gtest.h>

#include <set>
#include <utility>

#include "registry/lifecycle.h"

namespace maas::registry {
namespace {

using S = Stage;

const std::set<std::pair<S, S>> kLegal = {
    {S::kRegistered, S::kTesting}, {S::kTesting, S::kStaging},       {S::kTesting, S::kRejected},
    {S::kStaging, S::kProduction}, {S::kProduction, S::kDeprecated}, {S::kDeprecated, S::kRetired},
};

TEST(Lifecycle, EveryPairIsLegalExactlyWhenTheDiagramSaysSo) {
  int legal = 0;
  for (S from : all_stages()) {
    for (S to : all_stages()) {
      Status s = check_transition(from, to);
      bool expected = kLegal.count({from, to}) > 0;
      EXPECT_EQ(s.is_ok(), expected) << stage_name(from) << " -> " << stage_name(to);
      if (!expected) {
        EXPECT_EQ(s.code(), Code::kFailedPrecondition);
      }
      legal += s.is_ok();
    }
  }
  EXPECT_EQ(legal, 6);
}

TEST(Lifecycle, IllegalTransitionNamesTheLegalOnes) {
  EXPECT_EQ(check_transition(S::kRegistered, S::kProduction).message(),
            "cannot move from registered to production; legal from registered: testing");
  EXPECT_EQ(check_transition(S::kTesting, S::kProduction).message(),
            "cannot move from testing to production; legal from testing: staging, rejected");
  EXPECT_EQ(check_transition(S::kStaging, S::kStaging).message(),
            "cannot move from staging to staging; legal from staging: production");
  EXPECT_EQ(check_transition(S::kProduction, S::kRetired).message(),
            "cannot move from production to retired; legal from production: deprecated");
  EXPECT_EQ(check_transition(S::kDeprecated, S::kProduction).message(),
            "cannot move from deprecated to production; legal from deprecated: retired");
  EXPECT_EQ(check_transition(S::kRetired, S::kProduction).message(),
            "cannot move from retired to production; retired is final, no transition is legal from it");
  EXPECT_EQ(check_transition(S::kRejected, S::kTesting).message(),
            "cannot move from rejected to testing; rejected is final, no transition is legal from it");
}

TEST(Lifecycle, StageNamesRoundTrip) {
  for (S s : all_stages()) {
    Result<S> parsed = parse_stage(stage_name(s));
    ASSERT_TRUE(parsed.is_ok());
    EXPECT_EQ(*parsed, s);
  }
  Result<S> bad = parse_stage("prod");
  ASSERT_FALSE(bad.is_ok());
  EXPECT_EQ(bad.status().code(), Code::kInvalidArgument);
  EXPECT_EQ(bad.status().message(),
            "unknown stage 'prod' (stages: registered, testing, staging, rejected, production, deprecated, retired)");
}

TEST(Lifecycle, RollbackPicksTheNewestPreviousProductionVersion) {
  std::vector<VersionState> versions = {
      {1, S::kDeprecated, true},   // was production, since deprecated
      {2, S::kRetired, true},      // was production, gone
      {3, S::kStaging, false},     // never production
      {4, S::kProduction, true},   // current
  };
  Result<RollbackPlan> plan = plan_rollback(4, versions);
  ASSERT_TRUE(plan.is_ok()) << plan.status().message();
  EXPECT_EQ(plan->from_version, 4);
  EXPECT_EQ(plan->to_version, 1);
  EXPECT_EQ(plan->to_version_stage, S::kDeprecated);

  versions.push_back({5, S::kProduction, true});  // canary: two production versions
  plan = plan_rollback(5, versions);
  ASSERT_TRUE(plan.is_ok());
  EXPECT_EQ(plan->to_version, 4);
  EXPECT_EQ(plan->to_version_stage, S::kProduction);
}

TEST(Lifecycle, RollbackRefusesWithoutATarget) {
  Result<RollbackPlan> none = plan_rollback(2, {{1, S::kRetired, true}, {2, S::kProduction, true}});
  ASSERT_FALSE(none.is_ok());
  EXPECT_EQ(none.status().code(), Code::kFailedPrecondition);
  EXPECT_NE(none.status().message().find("nothing to roll back to"), std::string::npos);

  Result<RollbackPlan> not_prod = plan_rollback(1, {{1, S::kStaging, false}});
  ASSERT_FALSE(not_prod.is_ok());
  EXPECT_EQ(not_prod.status().message(), "nothing to roll back: version 1 is staging, not production");
}

}  // namespace
}  // namespace maas::registry

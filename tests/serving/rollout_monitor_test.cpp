// Automatic canary rollback against a real registry: a canary whose error rate exceeds
// the stable version's by more than the bound reverts the traffic table, audited.
#include <gtest/gtest.h>

#include "helpers/server_process.h"
#include "llm/gguf/gguf.h"
#include "registry/store.h"
#include "serving/families.h"
#include "serving/rollout_monitor.h"

namespace maas::serving {
namespace {

TEST(RolloutMonitor, RevertsACanaryWhoseErrorRateExceedsTheBound) {
  testing::TempDir dir;
  const std::string stories = std::string(MAAS_SHARED_DIR) + "/models/stories260K.gguf";
  ASSERT_EQ(testing::run_maas({"quantize", stories, dir.file("q8.gguf"), "--type", "q8_0"}).exit_code, 0);
  registry::RegistryOptions ro;
  ro.data_dir = dir.file("data");
  auto reg = registry::Registry::open(ro);
  ASSERT_TRUE(reg.is_ok()) << reg.status().to_string();
  registry::Registry& r = **reg;
  auto check = [](const std::string&) { return Status::ok(); };
  for (const std::string& path : {stories, dir.file("q8.gguf")}) {
    registry::ImportRequest ir;
    ir.path = path;
    ir.name = "m";
    ASSERT_TRUE(r.import_model(ir, check).is_ok());
  }
  for (int64_t v : {1, 2})
    for (registry::Stage s : {registry::Stage::kTesting, registry::Stage::kStaging, registry::Stage::kProduction})
      ASSERT_TRUE(r.transition("m", v, s, "test", "").is_ok());
  ASSERT_TRUE(r.set_traffic("m", {{1, 0.9, false}, {2, 0.1, false}}, "test", "canary").is_ok());

  FamilyTable families;
  register_families(families);
  ModelManager models(families, LoadOptions{}, 0);
  TrafficCache traffic(r, std::chrono::milliseconds(0));
  ServingContext ctx{r, families, models, traffic, 64};
  RolloutGuardOptions opts;
  opts.auto_rollback = true;
  opts.min_requests = 10;
  opts.max_error_rate_delta = 0.2;
  RolloutMonitor monitor(ctx, opts);

  // Healthy stable, canary failing 2 out of 10: within the bound, nothing happens.
  for (int i = 0; i < 10; ++i) EXPECT_FALSE(monitor.observe("m", 1, false, 0.01));
  for (int i = 0; i < 10; ++i) EXPECT_FALSE(monitor.observe("m", 2, i < 2, 0.01));
  EXPECT_EQ(traffic.get("m").size(), 2u);
  // Three more failures: 5/13 = 0.38 > 0 + 0.2 -> rollback.
  bool rolled_back = false;
  for (int i = 0; i < 3 && !rolled_back; ++i) rolled_back = monitor.observe("m", 2, true, 0.01);
  ASSERT_TRUE(rolled_back);
  auto table = traffic.get("m");
  ASSERT_EQ(table.size(), 1u);
  EXPECT_EQ(table[0].version, 1);
  auto history = r.history("m");
  ASSERT_TRUE(history.is_ok());
  const registry::AuditEvent& last = history->back();
  EXPECT_EQ(last.actor, "rollout-guard");
  EXPECT_NE(last.reason.find("automatic rollback: version 2 error rate"), std::string::npos) << last.reason;
}

TEST(RolloutMonitor, PicksVersionsByWeight) {
  std::vector<registry::TrafficEntry> t = {{1, 3, false}, {2, 1, false}, {3, 5, true}};
  EXPECT_EQ(pick_version(t, 0.0), 1);
  EXPECT_EQ(pick_version(t, 0.74), 1);
  EXPECT_EQ(pick_version(t, 0.76), 2);
  EXPECT_EQ(pick_version(t, 0.999), 2);
  EXPECT_FALSE(pick_version({{3, 1, true}}, 0.5).has_value());
  EXPECT_EQ(sticky_draw("m", "alice"), sticky_draw("m", "alice"));
  EXPECT_NE(sticky_draw("m", "alice"), sticky_draw("m", "bob"));
}

}  // namespace
}  // namespace maas::serving

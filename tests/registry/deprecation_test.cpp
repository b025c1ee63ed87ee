// Deprecation (sunset + successor), automatic retirement, metrics and model metadata.
#include <gtest/gtest.h>

#include "registry_test_util.h"

namespace maas::registry {
namespace {

using testing::TempDir;

class DeprecationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto r = Registry::open(testing::options_for(dir_ / "data"));
    ASSERT_TRUE(r.is_ok()) << r.status().message();
    registry_ = std::move(*r);
    for (int i = 1; i <= 2; ++i) {
      const std::string path = dir_ / ("v" + std::to_string(i));
      testing::write_bytes(path, testing::fake_gguf(std::to_string(i)));
      ImportRequest req;
      req.path = path;
      req.name = "m";
      ASSERT_TRUE(registry_->import_model(req, testing::gguf_magic_validator).is_ok());
      for (Stage s : {Stage::kTesting, Stage::kStaging, Stage::kProduction}) {
        ASSERT_TRUE(registry_->transition("m", i, s, "alice", "").is_ok());
      }
    }
  }
  TempDir dir_;
  std::unique_ptr<Registry> registry_;
};

TEST_F(DeprecationTest, DeprecateRecordsSunsetAndSuccessorThenSunsetRetires) {
  Result<VersionInfo> d = registry_->deprecate("m", 1, Deprecation{1'900'000'000'000, 2}, "alice", "v2 is better");
  ASSERT_TRUE(d.is_ok()) << d.status().message();
  EXPECT_EQ(d->stage, Stage::kDeprecated);
  EXPECT_EQ(d->sunset_at_ms, 1'900'000'000'000);
  EXPECT_EQ(d->successor, 2);
  EXPECT_EQ(registry_->history("m")->back().reason, "v2 is better");
  EXPECT_EQ(registry_->history("m")->back().to_stage, "deprecated");

  Result<std::vector<VersionInfo>> early = registry_->retire_expired(1'899'999'999'999, "system");
  ASSERT_TRUE(early.is_ok());
  EXPECT_TRUE(early->empty());

  Result<std::vector<VersionInfo>> due = registry_->retire_expired(1'900'000'000'000, "system");
  ASSERT_TRUE(due.is_ok()) << due.status().message();
  ASSERT_EQ(due->size(), 1u);
  EXPECT_EQ((*due)[0].version, 1);
  EXPECT_EQ((*due)[0].stage, Stage::kRetired);
  EXPECT_EQ((*due)[0].successor, 2);  // still names its successor for 410 answers
  const AuditEvent last = registry_->history("m")->back();
  EXPECT_EQ(last.actor, "system");
  EXPECT_EQ(last.from_stage, "deprecated");
  EXPECT_EQ(last.to_stage, "retired");
  EXPECT_EQ(last.reason, "sunset passed");
}

TEST_F(DeprecationTest, DeprecationChecksItsSuccessorAndTheLifecycle) {
  EXPECT_EQ(registry_->deprecate("m", 1, Deprecation{std::nullopt, 1}, "a", "").status().code(), Code::kInvalidArgument);
  EXPECT_EQ(registry_->deprecate("m", 1, Deprecation{std::nullopt, 7}, "a", "").status().message(),
            "model 'm' has no version 7");
  EXPECT_EQ(registry_->get_version("m:1")->stage, Stage::kProduction);  // nothing changed
  EXPECT_FALSE(registry_->get_version("m:1")->successor);
  ASSERT_TRUE(registry_->deprecate("m", 1, Deprecation{}, "a", "").is_ok());
  EXPECT_EQ(registry_->deprecate("m", 1, Deprecation{}, "a", "").status().code(), Code::kFailedPrecondition);
}

TEST_F(DeprecationTest, MetricsMergeAndAreAudited) {
  Result<VersionInfo> v = registry_->record_metrics("m", 2, {{"perplexity", 12.5}}, "eval", "held-out set");
  ASSERT_TRUE(v.is_ok()) << v.status().message();
  v = registry_->record_metrics("m", 2, {{"tokens", 4096}}, "eval", "");
  ASSERT_TRUE(v.is_ok());
  EXPECT_EQ(v->metrics, nlohmann::json({{"perplexity", 12.5}, {"tokens", 4096}}));
  const auto h = *registry_->history("m");
  EXPECT_EQ(h[h.size() - 2].reason, "held-out set (metrics {\"perplexity\":12.5})");
  EXPECT_EQ(h.back().reason, "metrics {\"tokens\":4096}");
  EXPECT_EQ(h.back().action, "metrics");
  EXPECT_EQ(registry_->record_metrics("m", 2, nlohmann::json::array(), "eval", "").status().code(),
            Code::kInvalidArgument);
}

TEST_F(DeprecationTest, ModelMetadataIsSetPartiallyAndAudited) {
  ASSERT_TRUE(registry_->set_model_metadata("m", {"tiny stories", nlohmann::json{{"max_perplexity", 20}}, std::nullopt},
                                            "alice").is_ok());
  ASSERT_TRUE(registry_->set_model_metadata("m", {std::nullopt, std::nullopt, nlohmann::json{{"per_1k", 0.1}}}, "alice")
                  .is_ok());
  ModelDetails d = *registry_->get_model("m");
  EXPECT_EQ(d.description, "tiny stories");
  EXPECT_EQ(d.thresholds, nlohmann::json({{"max_perplexity", 20}}));
  EXPECT_EQ(d.prices, nlohmann::json({{"per_1k", 0.1}}));
  EXPECT_EQ(d.audit.back().action, "metadata");
  EXPECT_EQ(d.audit.back().reason, "set prices {\"per_1k\":0.1}");
  EXPECT_EQ(d.audit[d.audit.size() - 2].reason, "set description, thresholds {\"max_perplexity\":20}");
  EXPECT_EQ(registry_->set_model_metadata("nope", {}, "alice").code(), Code::kNotFound);
}

TEST_F(DeprecationTest, ReuseExistingReturnsTheEarlierVersion) {
  ImportRequest req;
  req.path = dir_ / "v2";
  req.name = "m";
  req.reuse_existing = true;
  Result<ImportResult> r = registry_->import_model(req, testing::gguf_magic_validator);
  ASSERT_TRUE(r.is_ok()) << r.status().message();
  EXPECT_TRUE(r->existing);
  EXPECT_EQ(r->version.version, 2);
  EXPECT_EQ(registry_->get_model("m")->versions.size(), 2u);
  EXPECT_EQ(testing::artifact_files(dir_ / "data").size(), 2u);
  Artifact a = artifact_of(r->version);
  EXPECT_EQ(a.path, r->version.artifact_path);
  EXPECT_EQ(a.sha256, r->version.sha256);
  EXPECT_EQ(a.format, "gguf");
}

}  // namespace
}  // namespace maas::registry

namespace maas::registry {
namespace {

TEST_F(DeprecationTest, RetiredArtifactsArePurgedAfterRetentionUnlessPinned) {
  // Clock: 1000 migration, 2000/3000.. imports and transitions; v1 retires at a known time.
  ASSERT_TRUE(registry_->deprecate("m", 1, Deprecation{}, "a", "").is_ok());
  Result<VersionInfo> retired = registry_->transition("m", 1, Stage::kRetired, "a", "");
  ASSERT_TRUE(retired.is_ok());
  const int64_t retired_at = *retired->stage_changed_at_ms;
  const std::string path = retired->artifact_path;

  Result<std::vector<std::string>> early = registry_->purge_retired_artifacts(1000, retired_at + 999, "system");
  ASSERT_TRUE(early.is_ok()) << early.status().message();
  EXPECT_TRUE(early->empty());

  ASSERT_TRUE(registry_->set_pinned("m", 1, true, "alice").is_ok());
  EXPECT_TRUE(registry_->purge_retired_artifacts(1000, retired_at + 1000, "system")->empty());
  EXPECT_TRUE(std::filesystem::exists(path));
  ASSERT_TRUE(registry_->set_pinned("m", 1, false, "alice").is_ok());

  Result<std::vector<std::string>> purged = registry_->purge_retired_artifacts(1000, retired_at + 1000, "system");
  ASSERT_TRUE(purged.is_ok());
  EXPECT_EQ(*purged, std::vector<std::string>{retired->sha256});
  EXPECT_FALSE(std::filesystem::exists(path));
  VersionInfo v1 = *registry_->get_version("m:1");
  EXPECT_TRUE(v1.artifact_purged);
  EXPECT_EQ(registry_->history("m")->back().action, "purge");
  EXPECT_EQ(registry_->history("m")->back().reason, "artifact " + v1.sha256 + " deleted after retention");
  EXPECT_TRUE(std::filesystem::exists(registry_->get_version("m:2")->artifact_path));  // production: untouched

  // Reopening does not report a purged file as missing; importing the bytes revives it.
  registry_.reset();
  auto r = Registry::open(testing::options_for(dir_ / "data"));
  ASSERT_TRUE(r.is_ok());
  EXPECT_TRUE((*r)->gc_report_on_open().missing_artifacts.empty());
  ImportRequest req;
  req.path = dir_ / "v1";
  req.name = "revived";
  Result<ImportResult> again = (*r)->import_model(req, testing::gguf_magic_validator);
  ASSERT_TRUE(again.is_ok()) << again.status().message();
  EXPECT_TRUE(again->artifact_reused);
  EXPECT_FALSE(again->version.artifact_purged);
  EXPECT_TRUE(std::filesystem::exists(path));
}

TEST_F(DeprecationTest, AnArtifactSharedWithALiveVersionIsNotPurged) {
  ImportRequest req;
  req.path = dir_ / "v1";
  req.name = "other";  // same bytes as m:1, still registered
  ASSERT_TRUE(registry_->import_model(req, nullptr).is_ok());
  ASSERT_TRUE(registry_->deprecate("m", 1, Deprecation{}, "a", "").is_ok());
  ASSERT_TRUE(registry_->transition("m", 1, Stage::kRetired, "a", "").is_ok());
  EXPECT_TRUE(registry_->purge_retired_artifacts(0, 1'000'000'000, "system")->empty());
}

}  // namespace
}  // namespace maas::registry

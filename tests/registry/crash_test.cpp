// kill -9 in the middle of an import or a transition leaves a consistent registry
// and no orphan file once it is opened again.
#include <csignal>

#include <gtest/gtest.h>

#include "registry_test_util.h"

namespace maas::registry {
namespace {

using testing::TempDir;

// Opens the registry in a child that SIGKILLs itself at `point` while running `action`.
testing::ChildOutcome die_at(const std::string& data, const std::string& point,
                             const std::function<void(Registry&)>& action) {
  return testing::run_in_child([&]() -> std::string {
    RegistryOptions o = testing::options_for(data);
    o.test_hook = [point](std::string_view at) {
      if (at == point) ::raise(SIGKILL);
    };
    auto r = Registry::open(o);
    if (!r.is_ok()) return r.status().message();
    action(**r);
    return "survived";
  });
}

void import_stories(Registry& r) {
  ImportRequest req;
  req.path = testing::kStories;
  req.name = "stories";
  (void)r.import_model(req, testing::gguf_magic_validator);
}

TEST(CrashSafety, KilledAfterCopyBeforeTheTransaction) {
  TempDir dir;
  const std::string data = dir / "data";
  testing::ChildOutcome child = die_at(data, "import:after_copy", import_stories);
  ASSERT_EQ(child.signal, SIGKILL) << child.output;
  ASSERT_EQ(testing::artifact_files(data).size(), 1u);  // the half-done temp copy

  auto r = Registry::open(testing::options_for(data));
  ASSERT_TRUE(r.is_ok()) << r.status().message();
  EXPECT_EQ((*r)->gc_report_on_open().abandoned_temps, 1);
  EXPECT_TRUE((*r)->list_models()->empty());
  EXPECT_TRUE(testing::artifact_files(data).empty());
}

TEST(CrashSafety, KilledAfterInstallingTheFileBeforeCommit) {
  TempDir dir;
  const std::string data = dir / "data";
  testing::ChildOutcome child = die_at(data, "import:before_commit", import_stories);
  ASSERT_EQ(child.signal, SIGKILL) << child.output;
  ASSERT_EQ(testing::artifact_files(data).size(), 1u);  // installed, but its row never committed

  auto r = Registry::open(testing::options_for(data));
  ASSERT_TRUE(r.is_ok()) << r.status().message();
  EXPECT_EQ((*r)->gc_report_on_open().orphan_artifacts, 1);
  EXPECT_TRUE((*r)->list_models()->empty());
  EXPECT_EQ((*r)->get_model("stories").status().code(), Code::kNotFound);
  EXPECT_TRUE(testing::artifact_files(data).empty());

  // And the import works afterwards.
  ImportRequest req;
  req.path = testing::kStories;
  req.name = "stories";
  Result<ImportResult> ok = (*r)->import_model(req, testing::gguf_magic_validator);
  ASSERT_TRUE(ok.is_ok()) << ok.status().message();
  EXPECT_EQ(ok->version.version, 1);
}

TEST(CrashSafety, KilledDuringATransitionLeavesTheOldStageAndNoAuditRow) {
  TempDir dir;
  const std::string data = dir / "data";
  {
    auto r = Registry::open(testing::options_for(data));
    ASSERT_TRUE(r.is_ok());
    import_stories(**r);
  }
  testing::ChildOutcome child = die_at(data, "transition:before_commit", [](Registry& r) {
    (void)r.transition("stories", 1, Stage::kTesting, "cli", "evaluate");
  });
  ASSERT_EQ(child.signal, SIGKILL) << child.output;

  auto r = Registry::open(testing::options_for(data));
  ASSERT_TRUE(r.is_ok()) << r.status().message();
  EXPECT_EQ((*r)->get_version("stories:1")->stage, Stage::kRegistered);
  ASSERT_EQ((*r)->history("stories")->size(), 1u);
  EXPECT_EQ((*r)->history("stories")->at(0).action, "import");
  EXPECT_EQ(testing::artifact_files(data).size(), 1u);
  ASSERT_TRUE((*r)->transition("stories", 1, Stage::kTesting, "cli", "evaluate").is_ok());
}

}  // namespace
}  // namespace maas::registry

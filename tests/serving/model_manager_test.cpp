// The model manager with the real llm family and real GGUF files: on-demand loads,
// in-flight references outliving an unload, and LRU eviction under a memory budget.
#include <gtest/gtest.h>

#include "helpers/server_process.h"
#include "serving/families.h"
#include "serving/model_manager.h"

namespace maas::serving {
namespace {

LoadTarget target(const std::string& path, int64_t version) {
  LoadTarget t;
  t.model = "m";
  t.version = version;
  t.family = "llm";
  t.artifact.path = path;
  return t;
}

const LoadedInfo* find(const std::vector<LoadedInfo>& list, const std::string& key) {
  for (const auto& i : list)
    if (i.key == key) return &i;
  return nullptr;
}

TEST(ModelManager, EvictsLeastRecentlyUsedUnderTheBudgetAndReloadsOnDemand) {
  testing::TempDir dir;
  const std::string stories = std::string(MAAS_SHARED_DIR) + "/models/stories260K.gguf";
  ASSERT_EQ(testing::run_maas({"quantize", stories, dir.file("q8.gguf"), "--type", "q8_0"}).exit_code, 0);
  FamilyTable families;
  register_families(families);
  LoadOptions lo;
  lo.max_sequences = 2;
  lo.threads = 1;
  // Room for one of the two versions at a time (each holds its file + a small KV cache).
  ModelManager manager(families, lo, 2'000'000);

  auto a = manager.acquire(target(stories, 1));
  ASSERT_TRUE(a.is_ok()) << a.status().to_string();
  const uint64_t a_bytes = (*a)->memory_bytes();
  EXPECT_GT(a_bytes, 1'000'000u);
  a = Result<std::shared_ptr<LoadedModel>>(std::shared_ptr<LoadedModel>());  // drop our reference

  auto b = manager.acquire(target(dir.file("q8.gguf"), 2));
  ASSERT_TRUE(b.is_ok()) << b.status().to_string();
  auto list = manager.loaded();
  ASSERT_NE(find(list, "m:1"), nullptr);
  EXPECT_NE(find(list, "m:1")->state, LoadState::kReady) << "v1 should have been evicted for v2";
  EXPECT_EQ(find(list, "m:2")->state, LoadState::kReady);
  EXPECT_LE(manager.memory_in_use(), 2'000'000u);

  // v1 again: reloaded on demand, and v2 (not in use by the test any more) makes room.
  b = Result<std::shared_ptr<LoadedModel>>(std::shared_ptr<LoadedModel>());
  auto again = manager.acquire(target(stories, 1));
  ASSERT_TRUE(again.is_ok()) << again.status().to_string();
  list = manager.loaded();
  EXPECT_EQ(find(list, "m:1")->state, LoadState::kReady);
  EXPECT_NE(find(list, "m:2")->state, LoadState::kReady);
}

TEST(ModelManager, AnUnloadedModelStaysAliveForItsInFlightRequests) {
  FamilyTable families;
  register_families(families);
  ModelManager manager(families, LoadOptions{}, 0);
  const std::string stories = std::string(MAAS_SHARED_DIR) + "/models/stories260K.gguf";
  auto held = manager.acquire(target(stories, 1));
  ASSERT_TRUE(held.is_ok());
  manager.unload("m:1");
  EXPECT_EQ(find(manager.loaded(), "m:1"), nullptr);
  // The request's reference still works after the unload.
  EXPECT_EQ((*held)->family(), "llm");
  EXPECT_GT((*held)->memory_bytes(), 0u);
}

TEST(ModelManager, ABadFileFailsToLoadWithTheReason) {
  testing::TempDir dir;
  FILE* f = fopen(dir.file("bad.gguf").c_str(), "w");
  fputs("GGUF but not really", f);
  fclose(f);
  FamilyTable families;
  register_families(families);
  ModelManager manager(families, LoadOptions{}, 0);
  auto r = manager.acquire(target(dir.file("bad.gguf"), 1));
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.status().code(), Code::kUnavailable);
  EXPECT_NE(r.status().message().find("failed to load"), std::string::npos) << r.status().message();
  std::vector<std::string> waiting;
  manager.want(target(dir.file("bad.gguf"), 1), true);
  EXPECT_FALSE(manager.all_pinned_ready(&waiting));
}

}  // namespace
}  // namespace maas::serving

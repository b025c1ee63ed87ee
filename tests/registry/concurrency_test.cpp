// Several processes and threads writing one registry at once: SQLite locking + busy
// timeout serialise them; every import gets its own version number.
#include <sys/wait.h>

#include <set>
#include <thread>

#include <gtest/gtest.h>

#include "registry_test_util.h"

namespace maas::registry {
namespace {

using testing::TempDir;

TEST(Concurrency, ProcessesImportingAtOnceGetDistinctVersions) {
  TempDir dir;
  const std::string data = dir / "data";
  { ASSERT_TRUE(Registry::open(testing::options_for(data)).is_ok()); }
  constexpr int kProcs = 4, kEach = 3;
  for (int p = 0; p < kProcs; ++p) {
    for (int i = 0; i < kEach; ++i) {
      testing::write_bytes(dir / fmt::format("f{}-{}", p, i), testing::fake_gguf(fmt::format("{}-{}", p, i)));
    }
  }
  std::vector<pid_t> pids;
  for (int p = 0; p < kProcs; ++p) {
    pid_t pid = ::fork();
    if (pid == 0) {
      auto r = Registry::open(testing::options_for(data));
      if (!r.is_ok()) ::_exit(2);
      for (int i = 0; i < kEach; ++i) {
        ImportRequest req;
        req.path = dir / fmt::format("f{}-{}", p, i);
        req.name = "shared";
        if (!(*r)->import_model(req, testing::gguf_magic_validator).is_ok()) ::_exit(3);
      }
      ::_exit(0);
    }
    pids.push_back(pid);
  }
  for (pid_t pid : pids) {
    int status = 0;
    ::waitpid(pid, &status, 0);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
  }
  auto r = Registry::open(testing::options_for(data));
  ASSERT_TRUE(r.is_ok());
  ModelDetails d = *(*r)->get_model("shared");
  ASSERT_EQ(d.versions.size(), static_cast<size_t>(kProcs * kEach));
  for (size_t i = 0; i < d.versions.size(); ++i) EXPECT_EQ(d.versions[i].version, static_cast<int64_t>(i) + 1);
  EXPECT_EQ(d.audit.size(), static_cast<size_t>(kProcs * kEach));
  EXPECT_EQ(testing::artifact_files(data).size(), static_cast<size_t>(kProcs * kEach));
}

TEST(Concurrency, ThreadsShareOneRegistry) {
  TempDir dir;
  auto r = Registry::open(testing::options_for(dir / "data"));
  ASSERT_TRUE(r.is_ok());
  Registry& registry = **r;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 5; ++i) {
        const std::string path = dir / fmt::format("t{}-{}", t, i);
        testing::write_bytes(path, testing::fake_gguf(path));
        ImportRequest req;
        req.path = path;
        req.name = fmt::format("m{}", t % 2);
        if (!registry.import_model(req, nullptr).is_ok()) ++failures;
        if (!registry.list_models().is_ok()) ++failures;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(registry.get_model("m0")->versions.size(), 10u);
  EXPECT_EQ(registry.get_model("m1")->versions.size(), 10u);
}

}  // namespace
}  // namespace maas::registry

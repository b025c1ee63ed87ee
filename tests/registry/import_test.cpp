// Importing artifacts: content addressing, duplicates, atomic failures, garbage collection.
#include <sys/stat.h>

#include <gtest/gtest.h>

#include "core/hash.h"
#include "registry_test_util.h"

namespace maas::registry {
namespace {

using testing::TempDir;

class ImportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    data_ = dir_ / "data";
    auto r = Registry::open(testing::options_for(data_));
    ASSERT_TRUE(r.is_ok()) << r.status().message();
    registry_ = std::move(*r);
  }

  Result<ImportResult> import(const std::string& path, const std::string& name, const Validator& v = testing::gguf_magic_validator) {
    ImportRequest req;
    req.path = path;
    req.name = name;
    req.params = {{"context", 256}};
    return registry_->import_model(req, v);
  }

  TempDir dir_;
  std::string data_;
  std::unique_ptr<Registry> registry_;
};

TEST_F(ImportTest, ImportsARealGgufListsAndShowsIt) {
  const std::string sha = *sha256_file(testing::kStories);
  Result<ImportResult> r = import(testing::kStories, "stories");
  ASSERT_TRUE(r.is_ok()) << r.status().message();
  const VersionInfo& v = r->version;
  EXPECT_FALSE(r->artifact_reused);
  EXPECT_EQ(v.model, "stories");
  EXPECT_EQ(v.version, 1);
  EXPECT_EQ(v.sha256, sha);
  EXPECT_EQ(v.family, "llm");
  EXPECT_EQ(v.format, "gguf");
  EXPECT_EQ(v.stage, Stage::kRegistered);
  EXPECT_EQ(v.created_by, "cli");
  EXPECT_EQ(v.params, nlohmann::json({{"context", 256}}));
  EXPECT_EQ(v.size_bytes, static_cast<int64_t>(std::filesystem::file_size(testing::kStories)));
  EXPECT_EQ(v.artifact_path, data_ + "/artifacts/sha256/" + sha.substr(0, 2) + "/" + sha);
  EXPECT_EQ(*sha256_file(v.artifact_path), sha);
  EXPECT_EQ(testing::artifact_files(data_), std::vector<std::string>{"sha256/" + sha.substr(0, 2) + "/" + sha});

  Result<std::vector<ModelSummary>> list = registry_->list_models();
  ASSERT_TRUE(list.is_ok());
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].name, "stories");
  EXPECT_EQ((*list)[0].latest_version, 1);
  EXPECT_EQ((*list)[0].family, "llm");
  EXPECT_EQ((*list)[0].size_bytes, v.size_bytes);
  EXPECT_EQ((*list)[0].created_at_ms, 2000);  // the clock ticked once for the migration
  ASSERT_EQ((*list)[0].stages.size(), 1u);
  EXPECT_EQ((*list)[0].stages[0], std::make_pair(int64_t{1}, Stage::kRegistered));

  Result<ModelDetails> show = registry_->get_model("stories");
  ASSERT_TRUE(show.is_ok());
  ASSERT_EQ(show->versions.size(), 1u);
  EXPECT_EQ(show->versions[0].sha256, sha);
  EXPECT_TRUE(show->aliases.empty());
  EXPECT_TRUE(show->traffic.empty());
  ASSERT_EQ(show->audit.size(), 1u);
  const AuditEvent& a = show->audit[0];
  EXPECT_EQ(a.time_ms, 2000);
  EXPECT_EQ(a.actor, "cli");
  EXPECT_EQ(a.model, "stories");
  EXPECT_EQ(a.version, 1);
  EXPECT_EQ(a.action, "import");
  EXPECT_EQ(a.from_stage, "");
  EXPECT_EQ(a.to_stage, "registered");
  EXPECT_EQ(a.reason, fmt::format("imported '{}' ({} bytes, sha256 {})", testing::kStories, v.size_bytes, sha));
}

TEST_F(ImportTest, SameBytesUnderTheSameNameIsAlreadyExists) {
  ASSERT_TRUE(import(testing::kStories, "stories").is_ok());
  const std::string copy = dir_ / "copy.gguf";
  std::filesystem::copy_file(testing::kStories, copy);
  Result<ImportResult> again = import(copy, "stories");
  ASSERT_FALSE(again.is_ok());
  EXPECT_EQ(again.status().code(), Code::kAlreadyExists);
  EXPECT_EQ(again.status().message(),
            "model 'stories' already has this file as version 1 (sha256 " + *sha256_file(copy) + ")");
  EXPECT_EQ(registry_->get_model("stories")->versions.size(), 1u);
  EXPECT_EQ(registry_->history("stories")->size(), 1u);
  EXPECT_EQ(testing::artifact_files(data_).size(), 1u);  // no temp file left behind
}

TEST_F(ImportTest, NewBytesUnderTheSameNameAreTheNextVersion) {
  const std::string a = dir_ / "a.gguf", b = dir_ / "b.gguf";
  testing::write_bytes(a, testing::fake_gguf("one"));
  testing::write_bytes(b, testing::fake_gguf("two"));
  EXPECT_EQ(import(a, "m")->version.version, 1);
  EXPECT_EQ(import(b, "m")->version.version, 2);
  EXPECT_EQ(registry_->list_models()->at(0).latest_version, 2);
  EXPECT_EQ(testing::artifact_files(data_).size(), 2u);
}

TEST_F(ImportTest, SameBytesUnderAnotherNameReuseTheArtifact) {
  ASSERT_TRUE(import(testing::kStories, "stories").is_ok());
  Result<ImportResult> other = import(testing::kStories, "stories-copy");
  ASSERT_TRUE(other.is_ok()) << other.status().message();
  EXPECT_TRUE(other->artifact_reused);
  EXPECT_EQ(other->version.version, 1);
  EXPECT_EQ(other->version.artifact_path, registry_->get_version("stories:1")->artifact_path);
  EXPECT_EQ(testing::artifact_files(data_).size(), 1u);
  EXPECT_EQ(registry_->list_models()->size(), 2u);
}

void expect_nothing_stored(Registry& registry, const std::string& data_dir, const std::string& name) {
  EXPECT_EQ(registry.get_model(name).status().code(), Code::kNotFound);
  EXPECT_TRUE(registry.list_models()->empty());
  EXPECT_TRUE(testing::artifact_files(data_dir).empty()) << testing::artifact_files(data_dir).size();
}

TEST_F(ImportTest, RejectedFileLeavesNoRowAndNoFile) {
  const std::string text = dir_ / "notes.txt";
  testing::write_bytes(text, "just some text, not a model");
  Result<ImportResult> r = import(text, "notes");
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.status().code(), Code::kInvalidArgument);
  EXPECT_EQ(r.status().message(), "'" + text + "' is not a GGUF file");
  expect_nothing_stored(*registry_, data_, "notes");
}

TEST_F(ImportTest, MissingOrDirectoryFileLeavesNothing) {
  Result<ImportResult> missing = import(dir_ / "nope.gguf", "m");
  ASSERT_FALSE(missing.is_ok());
  EXPECT_EQ(missing.status().code(), Code::kInvalidArgument);
  EXPECT_EQ(missing.status().message(), "cannot read '" + (dir_ / "nope.gguf") + "': No such file or directory");
  Result<ImportResult> directory = import(dir_.path(), "m");
  ASSERT_FALSE(directory.is_ok());
  EXPECT_EQ(directory.status().message(), "cannot import '" + dir_.path() + "': it is a directory");
  expect_nothing_stored(*registry_, data_, "m");
}

TEST_F(ImportTest, UnreadableFileLeavesNothing) {
  const std::string secret = dir_ / "secret.gguf";
  testing::write_bytes(secret, testing::fake_gguf("secret"));
  ASSERT_EQ(::chmod(secret.c_str(), 0), 0);
  registry_.reset();
  testing::give_to_nobody(data_);
  testing::ChildOutcome child = testing::run_in_child(
      [&]() -> std::string {
        auto r = Registry::open(testing::options_for(data_));
        if (!r.is_ok()) return "open: " + r.status().message();
        ImportRequest req;
        req.path = secret;
        req.name = "secret";
        Result<ImportResult> imported = (*r)->import_model(req, testing::gguf_magic_validator);
        if (imported.is_ok()) return "imported";
        if (!(*r)->list_models()->empty()) return "a row was left";
        return imported.status().message();
      },
      /*unprivileged=*/true);
  ASSERT_TRUE(child.exited);
  EXPECT_EQ(child.output, "cannot read '" + secret + "': Permission denied");
  EXPECT_TRUE(testing::artifact_files(data_).empty());
}

TEST_F(ImportTest, BadNamesAndArgumentsAreRefused) {
  EXPECT_EQ(import(testing::kStories, "my model").status().code(), Code::kInvalidArgument);
  EXPECT_EQ(import(testing::kStories, "m:1").status().code(), Code::kInvalidArgument);
  EXPECT_EQ(import(testing::kStories, "").status().message(), "model name must not be empty");
  ImportRequest req;
  req.path = testing::kStories;
  req.name = "m";
  req.family = "";
  EXPECT_EQ(registry_->import_model(req, nullptr).status().message(), "family must not be empty");
  expect_nothing_stored(*registry_, data_, "m");
}

TEST_F(ImportTest, OrphanFilesAreCollectedOnOpen) {
  Result<ImportResult> kept = import(testing::kStories, "stories");
  ASSERT_TRUE(kept.is_ok());
  registry_.reset();
  const std::string orphan_sha = sha256_hex("orphan");
  const std::string orphan = data_ + "/artifacts/sha256/" + orphan_sha.substr(0, 2) + "/" + orphan_sha;
  std::filesystem::create_directories(std::filesystem::path(orphan).parent_path());
  testing::write_bytes(orphan, "orphan");
  testing::write_bytes(data_ + "/artifacts/tmp/import-deadbeef.part", "half a copy");

  auto r = Registry::open(testing::options_for(data_));
  ASSERT_TRUE(r.is_ok()) << r.status().message();
  EXPECT_EQ((*r)->gc_report_on_open().orphan_artifacts, 1);
  EXPECT_EQ((*r)->gc_report_on_open().abandoned_temps, 1);
  EXPECT_TRUE((*r)->gc_report_on_open().missing_artifacts.empty());
  const std::string sha = kept->version.sha256;
  EXPECT_EQ(testing::artifact_files(data_), std::vector<std::string>{"sha256/" + sha.substr(0, 2) + "/" + sha});
}

TEST_F(ImportTest, ATempFileOfALiveImportIsNotCollected) {
  ArtifactStore store(data_);
  Result<TempArtifact> live = store.create_temp();  // holds its flock like an import in progress
  ASSERT_TRUE(live.is_ok());
  auto other = Registry::open(testing::options_for(data_));
  ASSERT_TRUE(other.is_ok());
  EXPECT_EQ((*other)->gc_report_on_open().abandoned_temps, 0);
  EXPECT_TRUE(std::filesystem::exists(live->path()));
}

TEST_F(ImportTest, AMissingArtifactFileIsReportedAndRepairedByReimport) {
  Result<ImportResult> first = import(testing::kStories, "stories");
  ASSERT_TRUE(first.is_ok());
  registry_.reset();
  std::filesystem::remove(first->version.artifact_path);
  auto r = Registry::open(testing::options_for(data_));
  ASSERT_TRUE(r.is_ok());
  EXPECT_EQ((*r)->gc_report_on_open().missing_artifacts, std::vector<std::string>{first->version.sha256});
  ImportRequest req;
  req.path = testing::kStories;
  req.name = "stories-again";
  Result<ImportResult> again = (*r)->import_model(req, nullptr);
  ASSERT_TRUE(again.is_ok()) << again.status().message();
  EXPECT_TRUE(again->artifact_reused);
  EXPECT_TRUE(std::filesystem::exists(first->version.artifact_path));
}

}  // namespace
}  // namespace maas::registry

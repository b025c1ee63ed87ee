// Content-addressed artifact files under <data-dir>/artifacts:
//   sha256/<first two hex digits>/<sha256>   immutable model files
//   tmp/import-<random>.part                 imports in progress
// A file in tmp/ is held under flock(LOCK_EX) by the process writing it, so garbage
// collection (any process) removes only temp files whose writer has died.
#pragma once

#include <string>
#include <vector>

#include "core/status.h"

namespace maas::registry {

// kFailedPrecondition "data directory '<dir>' is read-only" if this process cannot
// create files in `dir`.
Status check_writable_dir(const std::string& dir);

// A temp file being written by this process; unlinked on destruction unless installed.
class TempArtifact {
 public:
  TempArtifact(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  TempArtifact(TempArtifact&& other) noexcept;
  TempArtifact& operator=(TempArtifact&&) = delete;
  ~TempArtifact();
  const std::string& path() const { return path_; }
  void release() { path_.clear(); }  // after a rename: nothing left to unlink

 private:
  int fd_ = -1;  // holds the flock
  std::string path_;
};

class ArtifactStore {
 public:
  explicit ArtifactStore(std::string data_dir);

  // Creates the directories; an unwritable one is a clear kFailedPrecondition.
  Status prepare() const;

  // "artifacts/sha256/ab/ab12..." relative to the data dir (what the database stores).
  static std::string relative_path(const std::string& sha256);
  std::string absolute_path(const std::string& sha256) const;
  std::string absolute(const std::string& relative) const;

  Result<TempArtifact> create_temp() const;
  // Renames `temp` to its content address and fsyncs the directory.
  Status install(TempArtifact& temp, const std::string& sha256) const;
  Status remove(const std::string& sha256) const;
  bool exists(const std::string& sha256) const;

  // sha256 names of every file under sha256/ (other names are ignored).
  std::vector<std::string> list() const;
  // Removes temp files no live process holds; returns how many.
  int remove_abandoned_temps() const;

 private:
  std::string data_dir_;
  std::string root_;  // <data-dir>/artifacts
};

}  // namespace maas::registry

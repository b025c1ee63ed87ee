#include "registry/artifact_store.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "core/files.h"
#include "core/hash.h"

namespace maas::registry {
namespace fs = std::filesystem;
namespace {

bool is_sha256_hex(const std::string& s) {
  if (s.size() != 64) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

}  // namespace

Status check_writable_dir(const std::string& dir) {
  if (::access(dir.c_str(), W_OK | X_OK) != 0) {
    if (errno == EACCES || errno == EROFS || errno == EPERM) {
      return error(Code::kFailedPrecondition, "data directory '{}' is read-only", dir);
    }
    return error(Code::kFailedPrecondition, "cannot use data directory '{}': {}", dir, std::strerror(errno));
  }
  return Status::ok();
}

TempArtifact::TempArtifact(TempArtifact&& other) noexcept : fd_(other.fd_), path_(std::move(other.path_)) {
  other.fd_ = -1;
  other.path_.clear();
}

TempArtifact::~TempArtifact() {
  if (!path_.empty()) ::unlink(path_.c_str());
  if (fd_ >= 0) ::close(fd_);
}

ArtifactStore::ArtifactStore(std::string data_dir)
    : data_dir_(std::move(data_dir)), root_((fs::path(data_dir_) / "artifacts").string()) {}

Status ArtifactStore::prepare() const {
  for (const std::string& dir : {root_, root_ + "/sha256", root_ + "/tmp"}) {
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) {
      Status made = make_dirs(dir);
      if (!made.is_ok()) {
        MAAS_RETURN_IF_ERROR(check_writable_dir(fs::path(dir).parent_path().string()));
        return made;
      }
    }
    MAAS_RETURN_IF_ERROR(check_writable_dir(dir));
  }
  return Status::ok();
}

std::string ArtifactStore::relative_path(const std::string& sha256) {
  return "artifacts/sha256/" + sha256.substr(0, 2) + "/" + sha256;
}

std::string ArtifactStore::absolute_path(const std::string& sha256) const { return absolute(relative_path(sha256)); }

std::string ArtifactStore::absolute(const std::string& relative) const {
  return (fs::path(data_dir_) / relative).string();
}

Result<TempArtifact> ArtifactStore::create_temp() const {
  std::string path = root_ + "/tmp/import-" + random_hex(8) + ".part";
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) return error(Code::kFailedPrecondition, "cannot create '{}': {}", path, std::strerror(errno));
  if (::flock(fd, LOCK_EX) != 0) {
    Status s = internal_error("cannot lock '{}': {}", path, std::strerror(errno));
    ::close(fd);
    ::unlink(path.c_str());
    return s;
  }
  return TempArtifact(fd, path);
}

Status ArtifactStore::install(TempArtifact& temp, const std::string& sha256) const {
  std::string dest = absolute_path(sha256);
  std::string dir = fs::path(dest).parent_path().string();
  MAAS_RETURN_IF_ERROR(make_dirs(dir));
  if (::rename(temp.path().c_str(), dest.c_str()) != 0) {
    return internal_error("cannot move '{}' to '{}': {}", temp.path(), dest, std::strerror(errno));
  }
  temp.release();
  return fsync_dir(dir);
}

Status ArtifactStore::remove(const std::string& sha256) const {
  std::string path = absolute_path(sha256);
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) {
    return internal_error("cannot remove '{}': {}", path, std::strerror(errno));
  }
  return Status::ok();
}

bool ArtifactStore::exists(const std::string& sha256) const {
  std::error_code ec;
  return fs::is_regular_file(absolute_path(sha256), ec);
}

std::vector<std::string> ArtifactStore::list() const {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& sub : fs::directory_iterator(root_ + "/sha256", ec)) {
    if (!sub.is_directory(ec)) continue;
    for (const auto& file : fs::directory_iterator(sub.path(), ec)) {
      std::string name = file.path().filename().string();
      if (is_sha256_hex(name) && name.compare(0, 2, sub.path().filename().string()) == 0) out.push_back(name);
    }
  }
  return out;
}

int ArtifactStore::remove_abandoned_temps() const {
  int removed = 0;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(root_ + "/tmp", ec)) {
    std::string path = entry.path().string();
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) continue;
    // A writer that is alive holds LOCK_EX; one that died (even by SIGKILL) has released it.
    if (::flock(fd, LOCK_EX | LOCK_NB) == 0 && ::unlink(path.c_str()) == 0) ++removed;
    ::close(fd);
  }
  return removed;
}

}  // namespace maas::registry

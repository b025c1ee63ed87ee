#include "core/files.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/hash.h"

namespace maas {

Result<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return error(Code::kInvalidArgument, "cannot read '{}': {}", path, std::strerror(errno));
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

Status write_file_atomic(const std::string& path, const std::string& contents) {
  std::string tmp = path + ".tmp-" + random_hex(4);
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return error(Code::kInternal, "cannot create '{}': {}", tmp, std::strerror(errno));
  size_t off = 0;
  while (off < contents.size()) {
    ssize_t w = ::write(fd, contents.data() + off, contents.size() - off);
    if (w < 0) {
      ::close(fd);
      ::unlink(tmp.c_str());
      return error(Code::kInternal, "cannot write '{}': {}", tmp, std::strerror(errno));
    }
    off += static_cast<size_t>(w);
  }
  ::fsync(fd);
  ::close(fd);
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    ::unlink(tmp.c_str());
    return error(Code::kInternal, "cannot rename to '{}': {}", path, std::strerror(errno));
  }
  return fsync_dir(std::filesystem::path(path).parent_path().string());
}

Status make_dirs(const std::string& path) {
  std::error_code ec;
  std::filesystem::create_directories(path, ec);
  if (ec) return error(Code::kInvalidArgument, "cannot create directory '{}': {}", path, ec.message());
  return Status::ok();
}

Status fsync_dir(const std::string& path) {
  int fd = ::open(path.empty() ? "." : path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return error(Code::kInternal, "cannot open directory '{}': {}", path, std::strerror(errno));
  ::fsync(fd);
  ::close(fd);
  return Status::ok();
}

}  // namespace maas

// Helpers for registry tests: a temp data dir, small files, a fixed clock, and running
// a function in a child process (optionally as an unprivileged user, so permission
// tests are real even when the suite runs as root).
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>

#include <gtest/gtest.h>

#include "core/status.h"
#include "registry/store.h"

namespace maas::registry::testing {

inline const std::string kStories = std::string(MAAS_SHARED_DIR) + "/models/stories260K.gguf";

class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "maas-registry-XXXXXX").string();
    char* made = ::mkdtemp(pattern.data());
    if (!made) std::abort();
    path_ = made;
    std::filesystem::permissions(path_, std::filesystem::perms(0755));
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }
  std::string operator/(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

inline void write_bytes(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << bytes;
}

// A file that passes the GGUF magic check used by these tests ("GGUF" + version 3).
inline std::string fake_gguf(const std::string& payload) {
  return std::string("GGUF\x03\x00\x00\x00", 8) + payload;
}

inline Status gguf_magic_validator(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  char head[8] = {};
  in.read(head, 8);
  if (in.gcount() < 8 || std::string(head, 4) != "GGUF") return invalid_argument("'{}' is not a GGUF file", path);
  return Status::ok();
}

// A deterministic clock: 1000, 2000, 3000, ... milliseconds.
inline std::function<int64_t()> counting_clock() {
  auto t = std::make_shared<int64_t>(0);
  return [t] { return *t += 1000; };
}

inline RegistryOptions options_for(const std::string& data_dir) {
  RegistryOptions o;
  o.data_dir = data_dir;
  o.now_ms = counting_clock();
  return o;
}

// Every regular file under `dir`, relative to it, sorted.
inline std::vector<std::string> files_under(const std::string& dir) {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir, ec)) {
    if (e.is_regular_file()) out.push_back(std::filesystem::relative(e.path(), dir).string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

inline std::vector<std::string> artifact_files(const std::string& data_dir) {
  return files_under(data_dir + "/artifacts");
}

struct ChildOutcome {
  bool exited = false;
  int exit_code = -1;
  int signal = 0;
  std::string output;  // what the child wrote to the pipe
};

// Runs `fn` in a forked child; `fn` returns text for the parent. With `unprivileged`
// and when running as root, the child first drops to uid/gid 65534 (nobody).
inline ChildOutcome run_in_child(const std::function<std::string()>& fn, bool unprivileged = false) {
  int fds[2];
  if (::pipe(fds) != 0) std::abort();
  pid_t pid = ::fork();
  if (pid == 0) {
    ::close(fds[0]);
    if (unprivileged && ::geteuid() == 0) {
      if (::setgid(65534) != 0 || ::setuid(65534) != 0) ::_exit(99);
    }
    std::string out = fn();
    ssize_t written = ::write(fds[1], out.data(), out.size());
    (void)written;
    ::_exit(0);
  }
  ::close(fds[1]);
  ChildOutcome outcome;
  char buf[4096];
  for (;;) {
    ssize_t n = ::read(fds[0], buf, sizeof buf);
    if (n <= 0) break;
    outcome.output.append(buf, static_cast<size_t>(n));
  }
  ::close(fds[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  if (WIFEXITED(status)) {
    outcome.exited = true;
    outcome.exit_code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    outcome.signal = WTERMSIG(status);
  }
  return outcome;
}

// Gives a tree to uid/gid 65534 when running as root, so an unprivileged child owns it.
inline void give_to_nobody(const std::string& path) {
  if (::geteuid() != 0) return;
  if (::chown(path.c_str(), 65534, 65534) != 0) std::abort();
  std::error_code ec;
  for (const auto& e : std::filesystem::recursive_directory_iterator(path, ec)) {
    if (::chown(e.path().c_str(), 65534, 65534) != 0) std::abort();
  }
}

}  // namespace maas::registry::testing

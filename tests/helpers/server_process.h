// Runs the real `maas` binary as a child process for end-to-end tests: `maas serve` on
// a free loopback port, or any CLI command with its exit code, stdout and stderr.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace maas::testing {

struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Every `maas` these helpers start runs with MAAS_NO_DEFAULT_MODEL=1, so a server on an
// empty data dir starts with an empty registry, as tests expect. Passing this in `env`
// restores the default (an empty MAAS_* variable counts as unset): the built-in
// tiny-stories model is registered into an empty registry.
inline constexpr const char* kWithDefaultModel = "MAAS_NO_DEFAULT_MODEL=";

// Runs `maas <args...>` to completion (with extra environment variables "K=V").
CommandResult run_maas(const std::vector<std::string>& args, const std::vector<std::string>& env = {});

// A fresh empty directory under /tmp, removed by the destructor.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

class ServerProcess {
 public:
  // Starts `maas serve --port 0 --data-dir <dir> <extra...>` and waits until it logs
  // that it is listening (fails the test on timeout or early exit).
  explicit ServerProcess(const std::string& data_dir, const std::vector<std::string>& extra = {},
                         const std::vector<std::string>& env = {});
  ~ServerProcess();  // SIGKILL if still running

  bool started() const { return port_ > 0; }
  int port() const { return port_; }
  pid_t pid() const { return pid_; }
  std::string base_url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  // Sends a signal, waits for exit, returns the exit code (-signal if killed by one).
  int signal_and_wait(int sig, int timeout_ms = 30000);
  // Everything the server wrote to stderr so far.
  std::string log() const;

 private:
  pid_t pid_ = -1;
  int port_ = 0;
  std::string log_path_;
};

}  // namespace maas::testing

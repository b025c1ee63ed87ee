// The CLI as a user meets it: bad input gives one clear line on stderr and a non-zero exit.
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "helpers/server_process.h"

namespace maas::testing {
namespace {

int count_lines(const std::string& s) {
  int n = 0;
  for (char c : s) n += c == '\n';
  return n;
}

TEST(Cli, UnknownFlagIsOneLineAndNonZero) {
  CommandResult r = run_maas({"serve", "--no-such-flag"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_EQ(count_lines(r.err), 1) << r.err;
  EXPECT_NE(r.err.find("--no-such-flag"), std::string::npos) << r.err;
}

TEST(Cli, UnknownCommandIsOneLineAndNonZero) {
  CommandResult r = run_maas({"frobnicate"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_EQ(count_lines(r.err), 1) << r.err;
}

TEST(Cli, BadFlagValueIsOneLineAndNonZero) {
  CommandResult r = run_maas({"serve", "--port", "99999"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_EQ(count_lines(r.err), 1) << r.err;
  EXPECT_NE(r.err.find("port"), std::string::npos) << r.err;
}

TEST(Cli, PortAlreadyInUseIsOneLineAndNonZero) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(listen(fd, 1), 0);
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  int port = ntohs(addr.sin_port);

  TempDir dir;
  CommandResult r = run_maas({"serve", "--port", std::to_string(port), "--data-dir", dir.path()});
  close(fd);
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("already in use"), std::string::npos) << r.err;
  // Exactly one line that is not a structured log line.
  int plain = 0;
  size_t pos = 0;
  while (pos < r.err.size()) {
    size_t end = r.err.find('\n', pos);
    if (r.err[pos] != '{') ++plain;
    pos = end == std::string::npos ? r.err.size() : end + 1;
  }
  EXPECT_EQ(plain, 1) << r.err;
}

TEST(Cli, VersionPrints) {
  CommandResult r = run_maas({"version"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out.rfind("maas ", 0), 0u) << r.out;
}

}  // namespace
}  // namespace maas::testing

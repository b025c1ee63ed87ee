// The CLI as a user meets it: bad input gives one clear line on stderr and a non-zero exit.
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "helpers/server_process.h"
#include "tensor/kernels/kernels.h"

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
  // Without MAAS_KERNELS: the best table this CPU runs.
  const tensor::Isa best = tensor::cpu_supports(tensor::Isa::kAvx512) ? tensor::Isa::kAvx512
                           : tensor::cpu_supports(tensor::Isa::kAvx2) ? tensor::Isa::kAvx2
                                                                       : tensor::Isa::kScalar;
  EXPECT_NE(r.out.find("kernels: " + std::string(tensor::isa_name(best)) + " "), std::string::npos) << r.out;
}

// MAAS_KERNELS picks the table at start-up; one the CPU lacks, or an unknown name, falls
// back to the best with a warning.
TEST(Cli, KernelsEnvironmentVariableSelectsTheTable) {
  const std::string best = std::string(tensor::isa_name(tensor::cpu_supports(tensor::Isa::kAvx512) ? tensor::Isa::kAvx512
                                                        : tensor::cpu_supports(tensor::Isa::kAvx2) ? tensor::Isa::kAvx2
                                                                                                    : tensor::Isa::kScalar));
  for (tensor::Isa isa : {tensor::Isa::kScalar, tensor::Isa::kAvx2, tensor::Isa::kAvx512}) {
    const std::string name(tensor::isa_name(isa));
    CommandResult r = run_maas({"version"}, {"MAAS_KERNELS=" + name});
    EXPECT_EQ(r.exit_code, 0);
    const std::string want = tensor::cpu_supports(isa) ? name : best;
    EXPECT_NE(r.out.find("kernels: " + want + " "), std::string::npos) << name << ": " << r.out;
    if (!tensor::cpu_supports(isa)) {
      EXPECT_NE(r.err.find("kernels_unavailable"), std::string::npos) << r.err;
    }
  }
  CommandResult r = run_maas({"version"}, {"MAAS_KERNELS=sse9"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("kernels: " + best + " "), std::string::npos) << r.out;
  EXPECT_NE(r.err.find("kernels_unknown"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace maas::testing

namespace maas::testing {
namespace {

TEST(CliLifecycle, RolloutSetsTheTrafficTableAndRejectsBadSpecs) {
  TempDir dir;
  const std::string data = dir.file("data");
  const std::string stories = std::string(MAAS_SHARED_DIR) + "/models/stories260K.gguf";
  ASSERT_EQ(run_maas({"quantize", stories, dir.file("q8.gguf"), "--type", "q8_0"}).exit_code, 0);
  ASSERT_EQ(run_maas({"models", "import", stories, "--name", "s", "--data-dir", data}).exit_code, 0);
  ASSERT_EQ(run_maas({"models", "import", dir.file("q8.gguf"), "--name", "s", "--data-dir", data}).exit_code, 0);
  for (const char* v : {"s:1", "s:2"}) {
    for (const char* stage : {"testing", "staging"})
      ASSERT_EQ(run_maas({"models", "transition", v, stage, "--data-dir", data}).exit_code, 0);
    ASSERT_EQ(run_maas({"models", "promote", v, "--data-dir", data}).exit_code, 0);
  }
  CommandResult ok = run_maas({"models", "rollout", "s", "--traffic", "1=0.9,2=0.1", "--reason", "canary", "--data-dir", data});
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_NE(ok.out.find("v1=0.9 v2=0.1"), std::string::npos) << ok.out;
  CommandResult show = run_maas({"models", "show", "s", "--json", "--data-dir", data});
  EXPECT_NE(show.out.find("\"weight\": 0.9"), std::string::npos) << show.out;
  CommandResult bad = run_maas({"models", "rollout", "s", "--traffic", "1=lots", "--data-dir", data});
  EXPECT_NE(bad.exit_code, 0);
  EXPECT_NE(bad.err.find("bad weight"), std::string::npos) << bad.err;
  // Only production versions may take live traffic.
  CommandResult staged = run_maas({"models", "rollout", "s", "--traffic", "3=1", "--data-dir", data});
  EXPECT_NE(staged.exit_code, 0);
}

}  // namespace
}  // namespace maas::testing

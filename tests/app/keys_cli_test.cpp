// `maas keys` and `maas models price` through the binary: output, errors, exit codes.
#include <gtest/gtest.h>

#include "helpers/server_process.h"

namespace maas::testing {
namespace {

std::string last_line(std::string out) {
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out.substr(out.rfind('\n') + 1);
}

TEST(KeysCli, CreateListRevokeRotate) {
  TempDir dir;
  CommandResult created = run_maas({"keys", "create", "--name", "ci", "--models", "a,b", "--rpm", "10", "--budget",
                                    "5", "--data-dir", dir.path()});
  ASSERT_EQ(created.exit_code, 0) << created.err;
  std::string secret = last_line(created.out);
  ASSERT_EQ(secret.size(), 69u) << created.out;
  EXPECT_NE(created.out.find("shown once"), std::string::npos);

  CommandResult list = run_maas({"keys", "list", "--data-dir", dir.path()});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  EXPECT_NE(list.out.find("NAME"), std::string::npos);
  EXPECT_NE(list.out.find("ci"), std::string::npos);
  EXPECT_NE(list.out.find("a,b"), std::string::npos);
  EXPECT_NE(list.out.find("$5.00"), std::string::npos);
  EXPECT_NE(list.out.find("active"), std::string::npos);
  EXPECT_NE(list.out.find(secret.substr(0, 17) + "..."), std::string::npos) << "key id shown";
  EXPECT_EQ(list.out.find(secret), std::string::npos) << "secret shown";

  CommandResult dup = run_maas({"keys", "create", "--name", "ci", "--data-dir", dir.path()});
  EXPECT_EQ(dup.exit_code, 1);
  EXPECT_EQ(dup.err, "maas: key 'ci' already exists\n");

  CommandResult rotated = run_maas({"keys", "rotate", "ci", "--data-dir", dir.path()});
  ASSERT_EQ(rotated.exit_code, 0) << rotated.err;
  EXPECT_NE(last_line(rotated.out), secret);
  CommandResult revoked = run_maas({"keys", "revoke", "ci", "--data-dir", dir.path()});
  ASSERT_EQ(revoked.exit_code, 0) << revoked.err;
  EXPECT_EQ(revoked.out, "revoked key ci\n");
  EXPECT_NE(run_maas({"keys", "list", "--data-dir", dir.path()}).out.find("revoked"), std::string::npos);
  CommandResult again = run_maas({"keys", "revoke", "ci", "--data-dir", dir.path()});
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_NE(again.err.find("already revoked"), std::string::npos);

  EXPECT_EQ(run_maas({"keys", "create", "--name", "x", "--role", "root", "--data-dir", dir.path()}).exit_code, 2);
  CommandResult bad_date = run_maas({"keys", "create", "--name", "x", "--expires", "someday", "--data-dir", dir.path()});
  EXPECT_EQ(bad_date.exit_code, 1);
  EXPECT_NE(bad_date.err.find("not a date"), std::string::npos);
}

TEST(KeysCli, PriceOfAMissingModelIsAnError) {
  TempDir dir;
  CommandResult r = run_maas({"models", "price", "ghost", "--input", "1", "--data-dir", dir.path()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("ghost"), std::string::npos) << r.err;
}

TEST(KeysCli, UsageOnAnEmptyRegistry) {
  TempDir dir;
  CommandResult r = run_maas({"usage", "--data-dir", dir.path()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("all    0"), std::string::npos) << r.out;
  EXPECT_EQ(run_maas({"usage", "--group-by", "week", "--data-dir", dir.path()}).exit_code, 2);
}

}  // namespace
}  // namespace maas::testing

// The HTTP edge as a browser-borne or network attacker sees it, on a real server:
// off-loopback binds without a key, form-encoded (CSRF) writes to admin routes,
// DNS-rebinding Host names and cross-origin writes.
#include <gtest/gtest.h>

#include "serving/ops_test_util.h"

namespace maas::testing {
namespace {

using nlohmann::json;
using namespace ops;

const std::string kNewKey = R"({"name":"from-a-page","role":"admin"})";

TEST(OffLoopbackBind, RefusesToStartWithoutAKeyAndSaysHowToCreateOne) {
  TempDir dir;
  CommandResult r = run_maas({"serve", "--host", "0.0.0.0", "--port", "0", "--data-dir", dir.path()});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("refusing to serve on '0.0.0.0' with no API key"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("maas keys create --name admin --role admin --data-dir " + dir.path()), std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("--auth on"), std::string::npos) << r.err;
}

TEST(OffLoopbackBind, AuthOnStartsClosedAndRevokingTheLastKeyNeverOpensIt) {
  TempDir dir;
  ServerProcess closed(dir.path(), {"--host", "0.0.0.0", "--auth", "on"});
  ASSERT_TRUE(closed.started());
  httplib::Client cli("127.0.0.1", closed.port());
  auto create = cli.Post("/admin/v1/keys", kNewKey, "application/json");
  ASSERT_TRUE(create);
  EXPECT_EQ(create->status, 401);
  auto health = cli.Get("/healthz");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
  EXPECT_NE(closed.log().find("auth_closed"), std::string::npos);
  EXPECT_EQ(closed.signal_and_wait(SIGTERM), 0);

  // --auth auto with a key: enforced, and still enforced once that key is revoked.
  std::string admin = create_key(dir.path(), "ops", {"--role", "admin"});
  ServerProcess server(dir.path(), {"--host", "0.0.0.0"});
  ASSERT_TRUE(server.started());
  httplib::Client c2("127.0.0.1", server.port());
  auto listed = c2.Get("/admin/v1/keys", bearer(admin));
  ASSERT_TRUE(listed);
  EXPECT_EQ(listed->status, 200);
  CommandResult revoked = run_maas({"keys", "revoke", "ops", "--data-dir", dir.path()});
  ASSERT_EQ(revoked.exit_code, 0) << revoked.err;
  std::this_thread::sleep_for(std::chrono::milliseconds(1300));  // the key cache's refresh period
  auto anonymous = c2.Post("/admin/v1/keys", kNewKey, "application/json");
  ASSERT_TRUE(anonymous);
  EXPECT_EQ(anonymous->status, 401) << anonymous->body;
}

class LoopbackNoKeys : public ::testing::Test {
 protected:
  TempDir dir;
  ServerProcess server{dir.path(), {"--allowed-hosts", "maas.internal,proxy.example"}};
  httplib::Client client() { return httplib::Client("127.0.0.1", server.port()); }
  std::string port() const { return std::to_string(server.port()); }
  int key_count() {
    auto r = client().Get("/admin/v1/keys");
    return r && r->status == 200 ? static_cast<int>(body_json(r)["data"].size()) : -1;
  }
};

TEST_F(LoopbackNoKeys, FormEncodedAndTextBodiesAre415AndChangeNothing) {
  ASSERT_TRUE(server.started());
  auto cli = client();
  for (const char* type : {"application/x-www-form-urlencoded", "text/plain", "text/plain;charset=UTF-8"}) {
    auto r = cli.Post("/admin/v1/keys", kNewKey, type);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 415) << type;
    EXPECT_EQ(error_code(r), "unsupported_media_type");
    EXPECT_NE(r->body.find("application/json"), std::string::npos) << r->body;
  }
  // A multipart body that is not multipart is refused by cpp-httplib's parser already.
  auto multipart = cli.Post("/admin/v1/keys", kNewKey, "multipart/form-data; boundary=x");
  ASSERT_TRUE(multipart);
  EXPECT_EQ(multipart->status, 400);
  // A form with no fields still declares its type.
  auto empty_form = cli.Post("/admin/v1/keys/x/revoke", "", "application/x-www-form-urlencoded");
  ASSERT_TRUE(empty_form);
  EXPECT_EQ(empty_form->status, 415);
  // A body without any Content-Type.
  auto untyped = cli.Post("/v1/completions", R"({"model":"m","prompt":"x"})", "");
  ASSERT_TRUE(untyped);
  EXPECT_EQ(untyped->status, 415) << untyped->body;
  EXPECT_EQ(key_count(), 0);

  // JSON (with a charset parameter, any case) is accepted.
  auto ok = cli.Post("/admin/v1/keys", kNewKey, "Application/JSON; charset=utf-8");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 201) << ok->body;
}

TEST_F(LoopbackNoKeys, ForeignHostNamesAre421LoopbackNamesAndAllowedHostsPass) {
  ASSERT_TRUE(server.started());
  auto cli = client();
  for (const std::string& host : std::vector<std::string>{"evil.example", "evil.example:" + port(), "localhost.evil.example", "127.0.0.1.nip.io"}) {
    auto r = cli.Get("/v1/models", {{"Host", host}});
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 421) << host;
    EXPECT_EQ(error_code(r), "host_not_allowed") << host;
    auto w = cli.Post("/admin/v1/keys", {{"Host", host}}, kNewKey, "application/json");
    ASSERT_TRUE(w);
    EXPECT_EQ(w->status, 421) << host;
  }
  EXPECT_EQ(key_count(), 0);
  for (const std::string& host : std::vector<std::string>{"localhost", "localhost:" + port(), "LOCALHOST.", "127.0.0.1", "127.0.0.1:" + port(),
                                 "[::1]", "[::1]:" + port(), "maas.internal", "proxy.example:443"}) {
    auto r = cli.Get("/v1/models", {{"Host", host}});
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200) << host;
  }
}

TEST_F(LoopbackNoKeys, CrossOriginWritesAre403SameOriginAndNonBrowsersPass) {
  ASSERT_TRUE(server.started());
  auto cli = client();
  auto foreign = cli.Post("/admin/v1/keys", {{"Origin", "http://evil.example"}}, kNewKey, "application/json");
  ASSERT_TRUE(foreign);
  EXPECT_EQ(foreign->status, 403);
  EXPECT_EQ(error_code(foreign), "cross_origin_request");
  auto opaque = cli.Post("/admin/v1/keys", {{"Origin", "null"}}, kNewKey, "application/json");
  ASSERT_TRUE(opaque);
  EXPECT_EQ(opaque->status, 403);
  auto cross_site = cli.Post("/admin/v1/keys/x/revoke", {{"Sec-Fetch-Site", "cross-site"}}, "", "application/json");
  ASSERT_TRUE(cross_site);
  EXPECT_EQ(cross_site->status, 403);
  EXPECT_EQ(key_count(), 0);

  // Reads are not writes: a cross-site GET is answered (the browser keeps the body from
  // the page, since maas sends no CORS headers).
  auto read = cli.Get("/v1/models", {{"Sec-Fetch-Site", "cross-site"}});
  ASSERT_TRUE(read);
  EXPECT_EQ(read->status, 200);
  EXPECT_FALSE(read->has_header("Access-Control-Allow-Origin"));
  EXPECT_EQ(read->get_header_value("X-Content-Type-Options"), "nosniff");
  EXPECT_EQ(read->get_header_value("X-Frame-Options"), "DENY");
  EXPECT_EQ(read->get_header_value("Content-Security-Policy"), "default-src 'none'; frame-ancestors 'none'");
  EXPECT_EQ(read->get_header_value("Referrer-Policy"), "no-referrer");
  // Also on errors raised by the HTTP parser itself.
  auto too_long = cli.Get("/v1/models?q=" + std::string(9000, 'a'));
  ASSERT_TRUE(too_long);
  EXPECT_EQ(too_long->status, 414);
  EXPECT_EQ(too_long->get_header_value("X-Content-Type-Options"), "nosniff");
  auto same_origin = cli.Post("/admin/v1/keys", {{"Origin", "http://127.0.0.1:" + port()}}, kNewKey, "application/json");
  ASSERT_TRUE(same_origin);
  EXPECT_EQ(same_origin->status, 201) << same_origin->body;
}

}  // namespace
}  // namespace maas::testing

// API keys against a real `maas serve`: every auth outcome, revocation while the
// server runs (CLI and HTTP), rotation, roles, model allow-lists, spoofed actor
// headers, and the secret never being stored.
#include <gtest/gtest.h>

#include "serving/ops_test_util.h"

namespace maas::testing {
namespace {

using nlohmann::json;
using namespace ops;

const std::string kCompletion = R"({"model":"stories260K","prompt":"Once upon a time","max_tokens":2})";

class AuthServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    admin = create_key(dir.path(), "ops-admin", {"--role", "admin"});
    user = create_key(dir.path(), "app", {"--models", "stories260K"});
    other = create_key(dir.path(), "other-app", {"--models", "some-other-model"});
    server = std::make_unique<ServerProcess>(dir.path(), std::vector<std::string>{"--model", stories_flag()});
    ASSERT_TRUE(server->started());
    ASSERT_TRUE(wait_ready(server->port()));
  }
  httplib::Client client() { return httplib::Client("127.0.0.1", server->port()); }

  TempDir dir;
  std::string admin, user, other;
  std::unique_ptr<ServerProcess> server;
};

TEST_F(AuthServerTest, MissingMalformedAndUnknownKeysAre401) {
  auto cli = client();
  auto none = cli.Get("/v1/models");
  ASSERT_TRUE(none);
  EXPECT_EQ(none->status, 401);
  EXPECT_EQ(error_code(none), "missing_api_key");
  EXPECT_EQ(body_json(none)["error"]["type"], "authentication_error");
  EXPECT_EQ(none->get_header_value("WWW-Authenticate"), "Bearer");

  auto malformed = cli.Get("/v1/models", bearer("not-a-key"));
  ASSERT_TRUE(malformed);
  EXPECT_EQ(malformed->status, 401);
  EXPECT_EQ(error_code(malformed), "invalid_api_key");

  // Right shape, right key id, wrong secret: still unknown.
  std::string forged = user.substr(0, user.size() - 4) + (user.substr(user.size() - 4) == "0000" ? "1111" : "0000");
  auto bad = cli.Get("/v1/models", bearer(forged));
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 401);
  EXPECT_EQ(error_code(bad), "invalid_api_key");
  EXPECT_EQ(bad->body.find(forged), std::string::npos) << "the secret is never echoed";

  auto wrong_scheme = cli.Get("/v1/models", {{"Authorization", "Basic " + user}});
  ASSERT_TRUE(wrong_scheme);
  EXPECT_EQ(wrong_scheme->status, 401);

  // Public routes need no key.
  for (const char* path : {"/healthz", "/readyz", "/metrics"}) {
    auto r = cli.Get(path);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200) << path;
  }
}

TEST_F(AuthServerTest, ValidKeyServesItsModelAndIsRefusedOthers) {
  auto cli = client();
  auto ok = cli.Post("/v1/completions", bearer(user), kCompletion, "application/json");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200) << ok->body;
  // A versioned reference is checked by its model name.
  auto versioned = cli.Post("/v1/completions", bearer(user),
                            R"({"model":"stories260K:1","prompt":"Once","max_tokens":1})", "application/json");
  ASSERT_TRUE(versioned);
  EXPECT_EQ(versioned->status, 200) << versioned->body;

  auto denied = cli.Post("/v1/completions", bearer(other), kCompletion, "application/json");
  ASSERT_TRUE(denied);
  EXPECT_EQ(denied->status, 403);
  EXPECT_EQ(error_code(denied), "model_not_allowed");
  EXPECT_EQ(body_json(denied)["error"]["param"], "model");
  EXPECT_EQ(body_json(denied)["error"]["type"], "permission_error");
  for (const char* route : {"/v1/chat/completions", "/v1/embeddings"}) {
    auto r = cli.Post(route, bearer(other), R"({"model":"stories260K","input":"x","messages":[]})", "application/json");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 403) << route;
  }
  // The admin key has no allow-list.
  auto as_admin = cli.Post("/v1/completions", bearer(admin), kCompletion, "application/json");
  ASSERT_TRUE(as_admin);
  EXPECT_EQ(as_admin->status, 200);
}

// Allow-lists also cover listing, retrieving and tokenizing: a key sees and reaches only
// its models.
TEST_F(AuthServerTest, KeysSeeOnlyTheirModels) {
  auto cli = client();
  auto ids = [&](const std::string& key) {
    auto r = cli.Get("/v1/models", bearer(key));
    EXPECT_TRUE(r && r->status == 200);
    std::vector<std::string> out;
    if (!r || r->status != 200) return out;
    const json list = body_json(r);
    for (const auto& m : list["data"]) out.push_back(m["id"]);
    return out;
  };
  EXPECT_EQ(ids(user), std::vector<std::string>{"stories260K"});
  EXPECT_TRUE(ids(other).empty());
  EXPECT_EQ(ids(admin), std::vector<std::string>{"stories260K"});

  auto mine = cli.Get("/v1/models/stories260K", bearer(user));
  ASSERT_TRUE(mine);
  EXPECT_EQ(mine->status, 200);
  auto theirs = cli.Get("/v1/models/stories260K", bearer(other));
  ASSERT_TRUE(theirs);
  EXPECT_EQ(theirs->status, 403);
  EXPECT_EQ(error_code(theirs), "model_not_allowed");
  for (const auto& [route, body] : std::vector<std::pair<std::string, std::string>>{
           {"/tokenize", R"({"model":"stories260K","content":"x"})"},
           {"/detokenize", R"({"model":"stories260K","tokens":[1]})"}}) {
    auto r = cli.Post(route, bearer(other), body, "application/json");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 403) << route << " " << r->body;
    auto ok = cli.Post(route, bearer(user), body, "application/json");
    ASSERT_TRUE(ok);
    EXPECT_EQ(ok->status, 200) << route << " " << ok->body;
  }
  // A client cannot widen its list by sending the internal header.
  httplib::Headers spoofed = bearer(other);
  spoofed.emplace("X-Maas-Models", "stories260K");
  auto r = cli.Get("/v1/models", spoofed);
  ASSERT_TRUE(r);
  EXPECT_TRUE(body_json(r)["data"].empty()) << r->body;
}

TEST_F(AuthServerTest, UserKeysAreRefusedAdminRoutes) {
  auto cli = client();
  auto r = cli.Get("/admin/v1/keys", bearer(user));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 403);
  EXPECT_EQ(error_code(r), "insufficient_permissions");
  auto ok = cli.Get("/admin/v1/keys", bearer(admin));
  ASSERT_TRUE(ok);
  ASSERT_EQ(ok->status, 200);
  json keys = body_json(ok)["data"];
  ASSERT_EQ(keys.size(), 3u);
  for (const auto& k : keys) {
    EXPECT_FALSE(k.contains("secret"));
    EXPECT_EQ(ok->body.find(user.substr(5 + 12)), std::string::npos) << "listing leaks the secret";
  }
}

TEST_F(AuthServerTest, ExpiredKeyIs401) {
  // Expiry in the past is refused at creation; make one that expires in a second.
  CommandResult past = run_maas({"keys", "create", "--name", "old", "--expires", "2020-01-01", "--data-dir", dir.path()});
  EXPECT_EQ(past.exit_code, 1);
  EXPECT_NE(past.err.find("future"), std::string::npos) << past.err;

  std::string soon_text = [] {
    std::time_t t = std::time(nullptr) + 2;
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
    return std::string(buf);
  }();
  std::string soon = create_key(dir.path(), "short-lived", {"--expires", soon_text});
  auto cli = client();
  auto before = cli.Get("/v1/models", bearer(soon));
  ASSERT_TRUE(before);
  EXPECT_EQ(before->status, 200);
  std::this_thread::sleep_for(std::chrono::milliseconds(3200));
  auto after = cli.Get("/v1/models", bearer(soon));
  ASSERT_TRUE(after);
  EXPECT_EQ(after->status, 401);
  EXPECT_EQ(error_code(after), "expired_api_key");
}

TEST_F(AuthServerTest, RevokedByTheCliWhileRunningWithinASecond) {
  auto cli = client();
  auto before = cli.Get("/v1/models", bearer(user));
  ASSERT_TRUE(before);
  ASSERT_EQ(before->status, 200);
  CommandResult r = run_maas({"keys", "revoke", "app", "--data-dir", dir.path()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto start = std::chrono::steady_clock::now();
  int status = 200;
  while (std::chrono::steady_clock::now() - start < std::chrono::seconds(3)) {
    auto res = cli.Get("/v1/models", bearer(user));
    ASSERT_TRUE(res);
    status = res->status;
    if (status == 401) {
      EXPECT_EQ(error_code(res), "revoked_api_key");
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_EQ(status, 401);
  EXPECT_LE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(1500));
}

TEST_F(AuthServerTest, RevokedOverHttpAtOnceAndRotationKillsTheOldSecret) {
  auto cli = client();
  ASSERT_EQ(cli.Get("/v1/models", bearer(other))->status, 200);
  auto revoke = cli.Post("/admin/v1/keys/other-app/revoke", bearer(admin), "", "application/json");
  ASSERT_TRUE(revoke);
  ASSERT_EQ(revoke->status, 200) << revoke->body;
  EXPECT_EQ(body_json(revoke)["state"], "revoked");
  EXPECT_EQ(cli.Get("/v1/models", bearer(other))->status, 401);  // at once: same process

  auto rotate = cli.Post("/admin/v1/keys/app/rotate", bearer(admin), "", "application/json");
  ASSERT_TRUE(rotate);
  ASSERT_EQ(rotate->status, 200) << rotate->body;
  std::string fresh = body_json(rotate)["secret"];
  EXPECT_NE(fresh, user);
  EXPECT_EQ(cli.Get("/v1/models", bearer(user))->status, 401);
  EXPECT_EQ(cli.Get("/v1/models", bearer(fresh))->status, 200);
  // Limits and allow-list survive the rotation.
  auto denied = cli.Post("/v1/completions", bearer(fresh), R"({"model":"nope","prompt":"x"})", "application/json");
  ASSERT_TRUE(denied);
  EXPECT_EQ(denied->status, 403);
}

TEST_F(AuthServerTest, CreateOverHttpShowsTheSecretOnceAndAuditsTheKeyAsActor) {
  auto cli = client();
  auto created = cli.Post("/admin/v1/keys", bearer(admin),
                          R"({"name":"svc","role":"user","models":["stories260K"],"rpm":100,"budget_usd":2.5})",
                          "application/json");
  ASSERT_TRUE(created);
  ASSERT_EQ(created->status, 201) << created->body;
  json k = body_json(created);
  std::string secret = k["secret"];
  EXPECT_EQ(k["created_by"], "ops-admin");  // the actor is the calling key, not a header
  EXPECT_EQ(cli.Get("/v1/models", bearer(secret))->status, 200);
  auto again = cli.Get("/admin/v1/keys/svc", bearer(admin));
  ASSERT_TRUE(again);
  EXPECT_FALSE(body_json(again).contains("secret"));
  auto dup = cli.Post("/admin/v1/keys", bearer(admin), R"({"name":"svc"})", "application/json");
  ASSERT_TRUE(dup);
  EXPECT_EQ(dup->status, 409);
  auto bad = cli.Post("/admin/v1/keys", bearer(admin), R"({"name":"x","rpm":-1})", "application/json");
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400);
  EXPECT_EQ(body_json(bad)["error"]["param"], "rpm");

  // A client-sent actor header is ignored: the audit row names the key.
  httplib::Headers spoof = bearer(admin);
  spoof.emplace("X-Maas-Actor", "someone-else");
  auto price = cli.Put("/admin/v1/models/stories260K/prices", spoof, R"({"input_per_1k":0.5})", "application/json");
  ASSERT_TRUE(price);
  ASSERT_EQ(price->status, 200) << price->body;
  auto rows = sql_rows(dir.file("registry.db"), "SELECT actor FROM audit_events WHERE action = 'metadata'");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0], "ops-admin");
}

TEST_F(AuthServerTest, KeysTableHoldsNoSecret) {
  std::string db = dir.file("registry.db");
  auto rows = sql_rows(db, "SELECT * FROM api_keys");
  ASSERT_EQ(rows.size(), 3u);
  for (const std::string& secret : {admin, user, other}) {
    std::string hidden = secret.substr(5 + 12);  // everything after the clear key id
    for (const auto& row : rows) {
      EXPECT_EQ(row.find(secret), std::string::npos);
      EXPECT_EQ(row.find(hidden), std::string::npos);
    }
  }
  // Nor does any other table, nor the server log.
  for (const char* table : {"usage", "request_log", "audit_events"}) {
    for (const auto& row : sql_rows(db, std::string("SELECT * FROM ") + table))
      for (const std::string& secret : {admin, user, other}) EXPECT_EQ(row.find(secret), std::string::npos) << table;
  }
  auto cli = client();
  cli.Get("/v1/models", bearer(user));
  for (const std::string& secret : {admin, user, other}) EXPECT_EQ(server->log().find(secret), std::string::npos);
}

TEST(AuthModes, AuthOffOnlyOnLoopback) {
  TempDir dir;
  CommandResult r = run_maas({"serve", "--host", "0.0.0.0", "--port", "0", "--auth", "off", "--data-dir", dir.path()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("--auth off is only allowed when bound to loopback"), std::string::npos) << r.err;
}

TEST(AuthModes, AutoTurnsOnWithTheFirstKeyAndOffMeansOff) {
  TempDir dir;
  ServerProcess open_server(dir.path());
  ASSERT_TRUE(open_server.started());
  httplib::Client cli("127.0.0.1", open_server.port());
  EXPECT_EQ(cli.Get("/v1/models")->status, 200);  // no keys yet: open (loopback)
  std::string key = create_key(dir.path(), "first");
  std::this_thread::sleep_for(std::chrono::milliseconds(1200));  // the key cache's horizon
  EXPECT_EQ(cli.Get("/v1/models")->status, 401);
  EXPECT_EQ(cli.Get("/v1/models", bearer(key))->status, 200);

  TempDir dir2;
  create_key(dir2.path(), "k");
  ServerProcess off(dir2.path(), {"--auth", "off"});
  ASSERT_TRUE(off.started());
  httplib::Client cli2("127.0.0.1", off.port());
  EXPECT_EQ(cli2.Get("/v1/models")->status, 200);
}

}  // namespace
}  // namespace maas::testing

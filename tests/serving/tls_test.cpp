// HTTPS with --tls-cert/--tls-key: a self-signed certificate made with the openssl CLI
// in a temporary directory, a real server, and a client that verifies it.
#include <httplib.h>

#include <cstdlib>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "helpers/server_process.h"

namespace maas::testing {
namespace {

TEST(Tls, ServesHttpsWithASelfSignedCertificate) {
  TempDir dir;
  std::string cert = dir.file("cert.pem"), key = dir.file("key.pem");
  std::string cmd = "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=localhost"
                    " -addext subjectAltName=IP:127.0.0.1,DNS:localhost -keyout " + key + " -out " + cert +
                    " >/dev/null 2>&1";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << "openssl CLI failed";
  TempDir data;
  ServerProcess server(data.path(), {"--tls-cert", cert, "--tls-key", key});
  ASSERT_TRUE(server.started());
  EXPECT_NE(server.log().find("\"tls\":true"), std::string::npos);

  httplib::SSLClient tls("127.0.0.1", server.port());
  tls.set_ca_cert_path(cert.c_str());
  tls.enable_server_certificate_verification(true);
  auto r = tls.Get("/healthz");
  ASSERT_TRUE(r) << "TLS request failed: " << httplib::to_string(r.error());
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(nlohmann::json::parse(r->body)["status"], "ok");
  auto models = tls.Get("/v1/models");
  ASSERT_TRUE(models);
  EXPECT_EQ(models->status, 200);

  // Plain HTTP to the TLS port gets no HTTP answer.
  httplib::Client plain("127.0.0.1", server.port());
  plain.set_read_timeout(2, 0);
  auto p = plain.Get("/healthz");
  EXPECT_TRUE(!p || p->status != 200);

  // A client that does not trust the certificate refuses the connection.
  httplib::SSLClient strict("127.0.0.1", server.port());
  strict.enable_server_certificate_verification(true);
  strict.set_ca_cert_path("/nonexistent-ca.pem");
  EXPECT_FALSE(strict.Get("/healthz"));
}

TEST(Tls, MismatchedOrMissingKeyIsAStartUpError) {
  TempDir dir;
  CommandResult r = run_maas({"serve", "--port", "0", "--data-dir", dir.path(), "--tls-cert", dir.file("none.pem")});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("TLS needs both"), std::string::npos) << r.err;
  CommandResult r2 = run_maas({"serve", "--port", "0", "--data-dir", dir.path(), "--tls-cert", dir.file("none.pem"),
                               "--tls-key", dir.file("none.key")});
  EXPECT_EQ(r2.exit_code, 1);
  EXPECT_NE(r2.err.find("cannot load TLS certificate"), std::string::npos) << r2.err;
}

}  // namespace
}  // namespace maas::testing

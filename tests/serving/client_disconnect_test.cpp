// Clients that go away, on a real server: a non-streaming completion whose client hangs
// up stops generating at the next step, and a streaming request whose client leaves
// before the first byte is still counted, observed and logged exactly once.
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "serving/ops_test_util.h"

namespace maas::testing {
namespace {

using nlohmann::json;
using namespace ops;

int64_t generated_tokens(int port) {
  httplib::Client cli("127.0.0.1", port);
  auto r = cli.Get("/admin/v1/loaded");
  if (!r || r->status != 200) return -1;
  return body_json(r)["data"][0]["stats"]["generated_tokens"].get<int64_t>();
}

// Sends one whole HTTP request on a fresh connection and closes it at once.
void send_and_hang_up(int port, const std::string& path, const std::string& body, const std::string& request_id) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  std::string req = "POST " + path + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nX-Request-Id: " +
                    request_id + "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  ASSERT_EQ(::send(fd, req.data(), req.size(), MSG_NOSIGNAL), static_cast<ssize_t>(req.size()));
  ::close(fd);
}

const std::string kLong =
    R"({"model":"stories260K","prompt":"Once upon a time","max_tokens":500,"temperature":0.9,"ignore_eos":true})";

TEST(ClientDisconnect, AbandonedNonStreamingCompletionsStopGenerating) {
  TempDir dir;
  // One sequence at a time: the ten abandoned requests queue behind each other.
  ServerProcess server(dir.path(), {"--model", stories_flag(), "--max-sequences", "1"});
  ASSERT_TRUE(server.started());
  ASSERT_TRUE(wait_ready(server.port()));

  // Control: a client that waits gets all 500 tokens, and the counter shows them.
  const int64_t before = generated_tokens(server.port());
  httplib::Client cli("127.0.0.1", server.port());
  cli.set_read_timeout(30);
  auto kept = cli.Post("/v1/completions", kLong, "application/json");
  ASSERT_TRUE(kept);
  ASSERT_EQ(kept->status, 200) << kept->body;
  const int64_t after_control = generated_tokens(server.port());
  EXPECT_EQ(after_control - before, 500);

  for (int i = 0; i < 10; ++i) send_and_hang_up(server.port(), "/v1/completions", kLong, "gone-" + std::to_string(i));
  // Until every abandoned request has been answered (499 to nobody) or 10 s pass.
  for (int waited = 0; waited < 10000; waited += 100) {
    std::string log = server.log();
    int answered = 0;
    for (int i = 0; i < 10; ++i) answered += log.find("\"request_id\":\"gone-" + std::to_string(i) + "\"") != std::string::npos;
    if (answered == 10) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const int64_t abandoned = generated_tokens(server.port()) - after_control;
  std::cout << "[ figures ] tokens generated for 10 abandoned 500-token requests: " << abandoned << "\n";
  EXPECT_LT(abandoned, 1000) << "abandoned requests kept generating";
  EXPECT_NE(server.log().find("\"status\":499"), std::string::npos);
}

TEST(ClientDisconnect, AStreamWhoseClientLeftIsLoggedOnce) {
  TempDir dir;
  ServerProcess server(dir.path(), {"--model", stories_flag()});
  ASSERT_TRUE(server.started());
  ASSERT_TRUE(wait_ready(server.port()));
  const std::string stream =
      R"({"model":"stories260K","prompt":"Once upon a time","max_tokens":400,"ignore_eos":true,"stream":true})";
  for (int i = 0; i < 5; ++i) send_and_hang_up(server.port(), "/v1/completions", stream, "left-" + std::to_string(i));
  std::string log;
  for (int waited = 0; waited < 10000; waited += 100) {
    log = server.log();
    int logged = 0;
    for (int i = 0; i < 5; ++i) logged += log.find("\"request_id\":\"left-" + std::to_string(i) + "\"") != std::string::npos;
    if (logged == 5) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  for (int i = 0; i < 5; ++i) {
    const std::string id = "\"request_id\":\"left-" + std::to_string(i) + "\"";
    size_t first = log.find(id);
    ASSERT_NE(first, std::string::npos) << "stream " << i << " was never logged:\n" << log;
    EXPECT_EQ(log.find(id, first + 1), std::string::npos) << "stream " << i << " logged twice";
  }
  // The server still serves, and no request is left counted as in flight: SIGTERM
  // drains at once.
  EXPECT_EQ(httplib::Client("127.0.0.1", server.port()).Get("/healthz")->status, 200);
  auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(server.signal_and_wait(SIGTERM), 0);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

}  // namespace
}  // namespace maas::testing

// The pieces of the HTTP edge that need no socket: finding request boundaries in the
// bytes received so far, the bounded worker pool, and Host names.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include <gtest/gtest.h>

#include "serving/http/request_guard.h"
#include "serving/http/request_head.h"
#include "serving/http/worker_pool.h"

namespace maas::serving {
namespace {

using State = RequestHead::State;

TEST(RequestHead, FindsTheEndOfTheHeadAndTheBodyLength) {
  std::string head = "POST /v1/completions?x=1 HTTP/1.1\r\nHost: a\r\ncontent-length: 5\r\n\r\n";
  RequestHead h = scan_request_head(head + "hel", 4096, 1024);
  EXPECT_EQ(h.state, State::kComplete);
  EXPECT_EQ(h.method, "POST");
  EXPECT_EQ(h.path, "/v1/completions");
  EXPECT_EQ(h.head_bytes, head.size());
  EXPECT_EQ(h.body_bytes, 5u);
  EXPECT_FALSE(h.body_in_worker);
  EXPECT_FALSE(request_is_buffered(h, head.size() + 3));
  EXPECT_TRUE(request_is_buffered(h, head.size() + 5));
}

TEST(RequestHead, IncompleteTooLargeAndBareNewlines) {
  EXPECT_EQ(scan_request_head("GET / HTTP/1.1\r\nHost: a\r\n", 4096, 0).state, State::kIncomplete);
  EXPECT_EQ(scan_request_head("GET / HTTP/1.1\r\nX: " + std::string(5000, 'a'), 4096, 0).state, State::kTooLarge);
  EXPECT_EQ(scan_request_head("GET / HTTP/1.1\r\nX: " + std::string(5000, 'a') + "\r\n\r\n", 4096, 0).state,
            State::kTooLarge);
  RequestHead lf = scan_request_head("\r\nGET /healthz HTTP/1.1\nHost: a\n\n", 4096, 0);
  EXPECT_EQ(lf.state, State::kComplete);
  EXPECT_EQ(lf.path, "/healthz");
  EXPECT_TRUE(request_is_buffered(lf, lf.head_bytes));
}

TEST(RequestHead, BodiesTheWorkerMustReadItself) {
  auto with = [](const std::string& headers) {
    return scan_request_head("POST /x HTTP/1.1\r\n" + headers + "\r\n", 4096, 100);
  };
  EXPECT_TRUE(with("Transfer-Encoding: chunked\r\n").body_in_worker);
  EXPECT_TRUE(with("Content-Length: 10\r\nExpect: 100-continue\r\n").body_in_worker);
  EXPECT_TRUE(with("Content-Length: 101\r\n").body_in_worker);  // above the limit: cpp-httplib answers 413
  EXPECT_TRUE(with("Content-Length: 1e3\r\n").body_in_worker);
  EXPECT_TRUE(with("Content-Length: 5\r\nContent-Length: 6\r\n").body_in_worker);
  EXPECT_FALSE(with("Content-Length: 100\r\n").body_in_worker);
}

TEST(WorkerPool, QueuesUpToItsBoundThenRefusesAndDrainsOnShutdown) {
  WorkerPool pool(2, 3);
  std::mutex mu;
  std::condition_variable cv;
  bool release = false;
  std::atomic<int> ran{0};
  auto blocked = [&] {
    std::unique_lock<std::mutex> lock(mu);
    cv.wait(lock, [&] { return release; });
    ++ran;
  };
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(pool.try_submit(blocked)) << i;  // 2 running + 3 waiting
  EXPECT_FALSE(pool.try_submit(blocked));
  EXPECT_EQ(pool.threads(), 2);
  {
    std::lock_guard<std::mutex> lock(mu);
    release = true;
  }
  cv.notify_all();
  pool.shutdown();
  EXPECT_EQ(ran.load(), 5);
  EXPECT_FALSE(pool.try_submit([] {}));
}

TEST(RequestGuard, LoopbackHostNames) {
  for (const char* ok : {"localhost", "LocalHost:8080", "localhost.", "127.0.0.1", "127.1.2.3:80", "[::1]", "[::1]:8080", "::1"})
    EXPECT_TRUE(is_loopback_host_header(ok)) << ok;
  for (const char* bad : {"", "evil.example", "localhost.evil.example", "127.0.0.1.nip.io", "127.0.0.1evil", "[::2]",
                          "0.0.0.0", "1270.0.0.1"})
    EXPECT_FALSE(is_loopback_host_header(bad)) << bad;
  EXPECT_EQ(host_without_port("[::1]:80"), "::1");
  EXPECT_EQ(host_without_port("maas.internal:443"), "maas.internal");
}

}  // namespace
}  // namespace maas::serving

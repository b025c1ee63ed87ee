// bench_edge_flood: how a maas server on loopback answers while sockets flood it.
//
// Scenarios (each optional, run in this order, sockets of one scenario closed before
// the next):
//   --idle N        N connections that send nothing
//   --slowloris N   N connections that send a request head one byte per --trickle-ms
//   --streams N     N concurrent streaming completions of --model (--max-tokens each)
// During each, /healthz is timed --probes times from fresh connections (p50 / max, ms)
// and one GET /v1/models; for --streams, the time each stream waited for its response
// headers (p50 / max) too. Prints one JSON object per scenario.
//
//   bench_edge_flood --port P [--idle 1000] [--slowloris 200] [--trickle-ms 1000]
//                    [--streams 66 --model NAME --max-tokens 2000] [--hold-seconds 5]
//
// Bounded: loopback only, counts capped at 5000, every socket closed at exit.
#include <httplib.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <future>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

namespace {

using Clock = std::chrono::steady_clock;

struct Args {
  int port = 0, idle = 0, slowloris = 0, streams = 0, probes = 10, trickle_ms = 1000, max_tokens = 2000;
  double hold_seconds = 5;
  std::string model;
};

double ms_since(Clock::time_point t) { return std::chrono::duration<double, std::milli>(Clock::now() - t).count(); }

int connect_loopback(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

std::vector<int> open_many(int port, int n) {
  std::vector<int> fds;
  for (int i = 0; i < n; ++i) {
    int fd = connect_loopback(port);
    if (fd < 0) break;
    fds.push_back(fd);
  }
  return fds;
}

void close_all(std::vector<int>& fds) {
  for (int fd : fds) ::close(fd);
  fds.clear();
}

// Milliseconds for GET path from a fresh client; -1 on failure (or -status).
double timed_get(int port, const char* path) {
  httplib::Client cli("127.0.0.1", port);
  cli.set_connection_timeout(120);
  cli.set_read_timeout(120);
  auto start = Clock::now();
  auto r = cli.Get(path);
  if (!r) return -1;
  if (r->status != 200) return -r->status;
  return ms_since(start);
}

nlohmann::json summary(std::vector<double> v) {
  if (v.empty()) return nullptr;
  std::sort(v.begin(), v.end());
  int failed = static_cast<int>(std::count_if(v.begin(), v.end(), [](double x) { return x < 0; }));
  std::vector<double> ok;
  for (double x : v)
    if (x >= 0) ok.push_back(x);
  nlohmann::json j = {{"n", v.size()}, {"failed", failed}};
  if (!ok.empty()) {
    j["p50_ms"] = std::round(ok[ok.size() / 2] * 100) / 100;
    j["max_ms"] = std::round(ok.back() * 100) / 100;
  }
  return j;
}

nlohmann::json probe(const Args& a) {
  std::vector<double> health;
  for (int i = 0; i < a.probes; ++i) {
    health.push_back(timed_get(a.port, "/healthz"));
    std::this_thread::sleep_for(std::chrono::milliseconds(static_cast<int>(a.hold_seconds * 1000 / a.probes)));
  }
  return {{"healthz", summary(health)}, {"v1_models_ms", timed_get(a.port, "/v1/models")}};
}

void run_idle(const Args& a) {
  std::vector<int> fds = open_many(a.port, a.idle);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  nlohmann::json out = probe(a);
  out["scenario"] = "idle";
  out["connections_opened"] = fds.size();
  close_all(fds);
  std::printf("%s\n", out.dump().c_str());
}

void run_slowloris(const Args& a) {
  std::vector<int> fds = open_many(a.port, a.slowloris);
  std::atomic<bool> stop{false};
  std::atomic<int> still_open{0};
  std::thread trickle([&] {
    const std::string head = "GET /v1/models HTTP/1.1\r\nHost: localhost\r\nX-Slow: " + std::string(100000, 'a');
    for (size_t i = 0; i < head.size() && !stop; ++i) {
      int open = 0;
      for (int fd : fds) open += ::send(fd, &head[i], 1, MSG_NOSIGNAL | MSG_DONTWAIT) == 1;
      still_open = open;
      for (int w = 0; w < a.trickle_ms / 10 && !stop; ++w) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  nlohmann::json out = probe(a);
  stop = true;
  trickle.join();
  out["scenario"] = "slowloris";
  out["connections_opened"] = fds.size();
  out["still_accepting_bytes_at_end"] = still_open.load();
  close_all(fds);
  std::printf("%s\n", out.dump().c_str());
}

void run_streams(const Args& a) {
  std::vector<std::future<double>> streams;
  const std::string body = nlohmann::json({{"model", a.model}, {"prompt", "Once upon a time"}, {"max_tokens", a.max_tokens},
                                           {"temperature", 0.8}, {"ignore_eos", true}, {"stream", true}})
                               .dump();
  for (int i = 0; i < a.streams; ++i) {
    streams.push_back(std::async(std::launch::async, [&a, &body] {
      httplib::Client cli("127.0.0.1", a.port);
      cli.set_read_timeout(300);
      auto start = Clock::now();
      double headers_ms = -1;
      httplib::Request req;
      req.method = "POST";
      req.path = "/v1/completions";
      req.body = body;
      req.set_header("Content-Type", "application/json");
      req.response_handler = [&](const httplib::Response& r) {
        headers_ms = r.status == 200 ? ms_since(start) : -r.status;
        return true;
      };
      req.content_receiver = [](const char*, size_t, uint64_t, uint64_t) { return true; };
      auto res = cli.send(req);
      return res ? headers_ms : -1.0;
    }));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  nlohmann::json out = probe(a);
  std::vector<double> headers;
  for (auto& s : streams) headers.push_back(s.get());
  out["scenario"] = "streams";
  out["streams"] = a.streams;
  out["time_to_headers"] = summary(headers);
  std::printf("%s\n", out.dump().c_str());
}

}  // namespace

int main(int argc, char** argv) {
  Args a;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string k = argv[i], v = argv[i + 1];
    if (k == "--port") a.port = std::atoi(v.c_str());
    else if (k == "--idle") a.idle = std::min(5000, std::atoi(v.c_str()));
    else if (k == "--slowloris") a.slowloris = std::min(5000, std::atoi(v.c_str()));
    else if (k == "--streams") a.streams = std::min(1000, std::atoi(v.c_str()));
    else if (k == "--trickle-ms") a.trickle_ms = std::max(10, std::atoi(v.c_str()));
    else if (k == "--probes") a.probes = std::clamp(std::atoi(v.c_str()), 1, 1000);
    else if (k == "--hold-seconds") a.hold_seconds = std::atof(v.c_str());
    else if (k == "--model") a.model = v;
    else if (k == "--max-tokens") a.max_tokens = std::atoi(v.c_str());
    else {
      std::fprintf(stderr, "unknown option %s\n", k.c_str());
      return 2;
    }
  }
  if (a.port <= 0) {
    std::fprintf(stderr, "usage: bench_edge_flood --port P [--idle N] [--slowloris N] [--streams N --model M]\n");
    return 2;
  }
  rlimit lim{};
  getrlimit(RLIMIT_NOFILE, &lim);
  lim.rlim_cur = lim.rlim_max;
  setrlimit(RLIMIT_NOFILE, &lim);
  if (a.idle) run_idle(a);
  if (a.slowloris) run_slowloris(a);
  if (a.streams && !a.model.empty()) run_streams(a);
  return 0;
}

// bench_oip_load: POST /v2/models/{m}/infer from C concurrent clients on loopback (one
// keep-alive connection each, one row per request), for each C in --concurrency:
// requests/s, p50 and p99 latency.
//   bench_oip_load --port P --model NAME --row 5.1,3.5,1.4,0.2 [--concurrency 1,8,64]
//                  [--seconds 3]
#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

namespace {

using Clock = std::chrono::steady_clock;

std::vector<std::string> split(const std::string& s) {
  std::vector<std::string> out;
  size_t p = 0;
  while (p <= s.size()) {
    const size_t q = s.find(',', p);
    out.push_back(s.substr(p, q == std::string::npos ? std::string::npos : q - p));
    if (q == std::string::npos) break;
    p = q + 1;
  }
  return out;
}

double percentile(std::vector<double> v, double q) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, size_t(q * double(v.size())))];
}

}  // namespace

int main(int argc, char** argv) {
  int port = 0;
  std::string model, row, levels = "1,8,64";
  double seconds = 3;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string k = argv[i], v = argv[i + 1];
    if (k == "--port") port = std::atoi(v.c_str());
    else if (k == "--model") model = v;
    else if (k == "--row") row = v;
    else if (k == "--concurrency") levels = v;
    else if (k == "--seconds") seconds = std::min(60.0, std::atof(v.c_str()));
    else {
      std::fprintf(stderr, "bench_oip_load: unknown option %s\n", k.c_str());
      return 2;
    }
  }
  if (port <= 0 || model.empty() || row.empty()) {
    std::fprintf(stderr, "usage: bench_oip_load --port P --model NAME --row v1,v2,... [--concurrency 1,8,64]\n");
    return 2;
  }
  std::vector<float> values;
  for (const auto& v : split(row)) values.push_back(std::strtof(v.c_str(), nullptr));
  const std::string body =
      nlohmann::json{{"inputs", {{{"name", "input"}, {"shape", {1, values.size()}}, {"datatype", "FP32"}, {"data", values}}}}}
          .dump();
  const std::string path = "/v2/models/" + model + "/infer";
  for (const auto& level : split(levels)) {
    const int clients = std::clamp(std::atoi(level.c_str()), 1, 256);
    std::vector<std::vector<double>> latencies(static_cast<size_t>(clients));
    std::atomic<int64_t> errors{0};
    const auto end = Clock::now() + std::chrono::duration<double>(seconds);
    const auto t0 = Clock::now();
    std::vector<std::thread> threads;
    for (int c = 0; c < clients; ++c)
      threads.emplace_back([&, c] {
        httplib::Client cli("127.0.0.1", port);  // loopback only
        cli.set_keep_alive(true);
        cli.set_tcp_nodelay(true);  // else Nagle + delayed ACK add ~40 ms per request
        cli.set_read_timeout(30);
        while (Clock::now() < end) {
          const auto s = Clock::now();
          auto r = cli.Post(path, body, "application/json");
          if (!r || r->status != 200) {
            errors++;
            continue;
          }
          latencies[size_t(c)].push_back(std::chrono::duration<double, std::milli>(Clock::now() - s).count());
        }
      });
    for (auto& t : threads) t.join();
    const double wall = std::chrono::duration<double>(Clock::now() - t0).count();
    std::vector<double> all;
    for (const auto& l : latencies) all.insert(all.end(), l.begin(), l.end());
    std::printf("%s\n", nlohmann::json{{"clients", clients},
                                       {"requests", all.size()},
                                       {"errors", errors.load()},
                                       {"requests_per_second", double(all.size()) / wall},
                                       {"p50_ms", percentile(all, 0.5)},
                                       {"p99_ms", percentile(all, 0.99)}}
                            .dump()
                            .c_str());
  }
  return 0;
}

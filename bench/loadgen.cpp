// bench_loadgen: a bounded load generator for a maas server on loopback.
//
// For each concurrency level C it opens C streams; each stream sends N streaming
// POST /v1/completions requests one after another (temperature 0, ignore_eos, so every
// request generates exactly --max-tokens tokens; every prompt is distinct). From the
// arrival times of the server-sent events it reports aggregate generated tokens/s
// (all tokens / wall time of the level), requests/s, time to first token and
// inter-token latency (p50/p99), and the decode rate of one stream. --runs R repeats
// the whole sweep R times and reports medians; the gain of each level over the first
// one is computed within each run (levels side by side), then the median is taken.
//
//   bench_loadgen --url http://127.0.0.1:PORT --model NAME --concurrency 1,4,8,16
//                 --requests-per-stream 2 --max-tokens 64 --prompt-tokens 32 [--runs 3] [--json]
//
// Bounded: only loopback addresses, limits on every count, and a hard overall timeout
// (--timeout seconds; past it requests are aborted, and a watchdog ends the process).
#include <arpa/inet.h>
#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <latch>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

struct Options {
  std::string host;
  int port = 0;
  std::string model;
  std::vector<int> levels{1, 4, 8, 16};
  int requests_per_stream = 2;
  int max_tokens = 64;
  int prompt_tokens = 32;
  int runs = 1;
  double timeout_seconds = 1200;
  bool json_output = false;
};

[[noreturn]] void die(const std::string& msg) {
  std::fprintf(stderr, "bench_loadgen: %s\n", msg.c_str());
  std::exit(2);
}

int to_int(const std::string& s, const char* name, int lo, int hi) {
  char* end = nullptr;
  const long v = std::strtol(s.c_str(), &end, 10);
  if (s.empty() || *end != '\0' || v < lo || v > hi)
    die(std::string(name) + " must be an integer in " + std::to_string(lo) + ".." + std::to_string(hi));
  return static_cast<int>(v);
}

bool is_loopback(const std::string& host) {
  in_addr v4{};
  if (inet_pton(AF_INET, host.c_str(), &v4) == 1) return (ntohl(v4.s_addr) >> 24) == 127;
  in6_addr v6{};
  return inet_pton(AF_INET6, host.c_str(), &v6) == 1 && IN6_IS_ADDR_LOOPBACK(&v6);
}

// http://127.0.0.1:PORT or http://[::1]:PORT (no path). Host names are refused: only
// literal loopback addresses, so the load can never leave the machine.
void parse_url(const std::string& url, Options& o) {
  const std::string scheme = "http://";
  if (url.rfind(scheme, 0) != 0) die("--url must start with http://");
  std::string rest = url.substr(scheme.size());
  if (!rest.empty() && rest.back() == '/') rest.pop_back();
  size_t colon;
  if (!rest.empty() && rest[0] == '[') {
    const size_t close = rest.find(']');
    if (close == std::string::npos || close + 1 >= rest.size() || rest[close + 1] != ':') die("bad --url " + url);
    o.host = rest.substr(1, close - 1);
    colon = close + 1;
  } else {
    colon = rest.rfind(':');
    if (colon == std::string::npos) die("--url needs an explicit port");
    o.host = rest.substr(0, colon);
  }
  o.port = to_int(rest.substr(colon + 1), "the --url port", 1, 65535);
  if (!is_loopback(o.host)) die("refusing host '" + o.host + "': only 127.0.0.0/8 and ::1 are allowed");
}

Options parse_args(int argc, char** argv) {
  Options o;
  bool have_url = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) die(a + " needs a value");
      return argv[++i];
    };
    if (a == "--url") {
      parse_url(value(), o);
      have_url = true;
    } else if (a == "--model") {
      o.model = value();
    } else if (a == "--concurrency") {
      o.levels.clear();
      std::string list = value();
      for (size_t pos = 0; pos <= list.size();) {
        size_t comma = list.find(',', pos);
        if (comma == std::string::npos) comma = list.size();
        o.levels.push_back(to_int(list.substr(pos, comma - pos), "--concurrency", 1, 256));
        pos = comma + 1;
      }
    } else if (a == "--requests-per-stream") {
      o.requests_per_stream = to_int(value(), a.c_str(), 1, 1000);
    } else if (a == "--max-tokens") {
      o.max_tokens = to_int(value(), a.c_str(), 1, 4096);
    } else if (a == "--prompt-tokens") {
      std::string v = value();
      if (!v.empty() && v[0] == '~') v.erase(0, 1);
      o.prompt_tokens = to_int(v, a.c_str(), 1, 4096);
    } else if (a == "--runs") {
      o.runs = to_int(value(), a.c_str(), 1, 20);
    } else if (a == "--timeout") {
      o.timeout_seconds = to_int(value(), a.c_str(), 1, 7200);
    } else if (a == "--json") {
      o.json_output = true;
    } else if (a == "-h" || a == "--help") {
      std::printf(
          "bench_loadgen --url http://127.0.0.1:PORT --model NAME [--concurrency 1,4,8,16]\n"
          "  [--requests-per-stream 2] [--max-tokens 64] [--prompt-tokens 32] [--runs 1]\n"
          "  [--timeout 1200] [--json]\n");
      std::exit(0);
    } else {
      die("unknown argument " + a);
    }
  }
  if (!have_url || o.model.empty()) die("--url and --model are required (see --help)");
  return o;
}

// ---- server-sent events ------------------------------------------------------------

// Splits a byte stream into events: "data:" lines are joined with '\n', a blank line
// ends the event, lines starting with ':' are comments, other fields are ignored.
class SseParser {
 public:
  template <typename F>
  void feed(std::string_view bytes, F&& on_event) {
    buf_.append(bytes);
    size_t start = 0;
    for (size_t nl; (nl = buf_.find('\n', start)) != std::string::npos; start = nl + 1) {
      std::string_view line(buf_.data() + start, nl - start);
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      if (line.empty()) {
        if (has_data_) on_event(data_);
        data_.clear();
        has_data_ = false;
      } else if (line.rfind("data:", 0) == 0) {
        line.remove_prefix(5);
        if (!line.empty() && line.front() == ' ') line.remove_prefix(1);
        if (has_data_) data_ += '\n';
        data_.append(line);
        has_data_ = true;
      }
    }
    buf_.erase(0, start);
  }

 private:
  std::string buf_, data_;
  bool has_data_ = false;
};

// ---- one request ---------------------------------------------------------------------

struct Sample {
  bool ok = false;
  std::string error;
  double ttft = 0;                  // seconds from sending to the first text chunk
  std::vector<double> token_times;  // arrival of each text chunk, seconds since sending
  double latency = 0;               // sending to [DONE]
  double tail = 0;                  // last text chunk to [DONE] (finish and usage chunks in between)
  double close_gap = 0;             // [DONE] to the end of the response (chunked terminator)
  int64_t prompt_tokens = 0, completion_tokens = 0;
};

// `words` random words after "Once"; distinct seeds give distinct prompts.
std::string make_prompt(int words, uint64_t seed) {
  static const char* kWords[] = {"the",   "river", "light", "stone", "quiet", "house", "garden", "winter", "bright",
                                 "small", "story", "night", "green", "cloud", "early", "window", "forest", "silver"};
  std::mt19937_64 rng(seed);
  std::string p = "Once";
  for (int i = 0; i < words; ++i) p += std::string(" ") + kWords[rng() % std::size(kWords)];
  return p;
}

Sample run_request(const Options& o, httplib::Client& cli, const std::string& prompt, int max_tokens,
                   Clock::time_point deadline) {
  Sample s;
  json body = {{"model", o.model},   {"prompt", prompt},  {"max_tokens", max_tokens},
               {"temperature", 0},   {"stream", true},    {"ignore_eos", true},
               {"stream_options", {{"include_usage", true}}}};
  httplib::Request req;
  req.method = "POST";
  req.path = "/v1/completions";
  req.body = body.dump();
  req.set_header("Content-Type", "application/json");
  req.set_header("Accept", "text/event-stream");

  const auto t0 = Clock::now();
  auto since = [&](Clock::time_point t) { return std::chrono::duration<double>(t - t0).count(); };
  int status = 0;
  bool done = false;
  std::string error_body;
  Clock::time_point done_at{};
  SseParser sse;
  req.response_handler = [&](const httplib::Response& r) {
    status = r.status;
    return true;
  };
  req.content_receiver = [&](const char* data, size_t n, uint64_t, uint64_t) {
    const auto now = Clock::now();
    if (now > deadline) return false;
    if (status != 200) {
      if (error_body.size() < 4096) error_body.append(data, n);
      return true;
    }
    sse.feed(std::string_view(data, n), [&](const std::string& payload) {
      if (payload == "[DONE]") {
        done = true;
        done_at = now;
        return;
      }
      json chunk = json::parse(payload, nullptr, /*allow_exceptions=*/false);
      if (chunk.is_discarded()) {
        s.error = "unparsable SSE data: " + payload.substr(0, 200);
      } else if (chunk.contains("error")) {
        s.error = "stream error: " + chunk["error"].dump();
      } else {
        const json& choices = chunk.value("choices", json::array());
        if (!choices.empty() && !choices[0].value("text", std::string()).empty()) {
          if (s.token_times.empty()) s.ttft = since(now);
          s.token_times.push_back(since(now));
        }
        if (chunk.contains("usage") && chunk["usage"].is_object()) {
          s.prompt_tokens = chunk["usage"].value("prompt_tokens", int64_t{0});
          s.completion_tokens = chunk["usage"].value("completion_tokens", int64_t{0});
        }
      }
    });
    return true;
  };
  httplib::Response res;
  httplib::Error err = httplib::Error::Success;
  const bool sent = cli.send(req, res, err);
  const auto end = Clock::now();
  if (!sent && !done) {
    s.error = end > deadline ? "aborted at the overall timeout" : "transport error " + httplib::to_string(err);
  } else if (status != 200) {
    s.error = "HTTP " + std::to_string(status) + ": " + error_body.substr(0, 300);
  } else if (!done && s.error.empty()) {
    s.error = "stream ended without [DONE]";
  } else if (s.error.empty() && s.completion_tokens != max_tokens) {
    s.error = "usage says " + std::to_string(s.completion_tokens) + " tokens, expected " + std::to_string(max_tokens);
  }
  if (done) {
    s.latency = since(done_at);
    if (!s.token_times.empty()) s.tail = s.latency - s.token_times.back();
    s.close_gap = std::chrono::duration<double>(end - done_at).count();
  }
  s.ok = s.error.empty() && done;
  return s;
}

// ---- levels ----------------------------------------------------------------------------

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const size_t rank = static_cast<size_t>(std::ceil(p / 100.0 * static_cast<double>(v.size())));
  return v[std::clamp<size_t>(rank, 1, v.size()) - 1];
}

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

struct LevelResult {
  int concurrency = 0;
  int requests = 0, failed = 0;
  double wall = 0;
  int64_t tokens = 0;
  double prompt_tokens = 0;  // mean per request, from usage
  double chunks = 0;         // mean text chunks per request (a token whose text is held back sends none)
  double tok_s = 0, req_s = 0;
  double ttft_p50 = 0, ttft_p99 = 0, itl_p50 = 0, itl_p99 = 0, itl_mean = 0;
  double stream_tok_s = 0;  // median over requests of (chunks - 1) / (last - first chunk)
  double tail_p50 = 0, close_gap_p50 = 0;
  std::string first_error;
};

LevelResult run_level(const Options& o, int concurrency, int words, int run, Clock::time_point deadline) {
  std::vector<std::vector<Sample>> samples(static_cast<size_t>(concurrency));
  std::latch start(concurrency + 1);
  std::vector<std::thread> threads;
  for (int c = 0; c < concurrency; ++c) {
    threads.emplace_back([&, c] {
      httplib::Client cli(o.host, o.port);
      cli.set_tcp_nodelay(true);
      cli.set_connection_timeout(5);
      const auto budget = std::chrono::duration_cast<std::chrono::seconds>(deadline - Clock::now()).count();
      cli.set_read_timeout(std::clamp<long>(budget, 1, 300));
      cli.set_keep_alive(true);
      start.arrive_and_wait();
      for (int r = 0; r < o.requests_per_stream && Clock::now() < deadline; ++r) {
        const uint64_t seed = (static_cast<uint64_t>(run) << 40) ^ (static_cast<uint64_t>(concurrency) << 24) ^
                              (static_cast<uint64_t>(c) << 12) ^ static_cast<uint64_t>(r);
        samples[static_cast<size_t>(c)].push_back(run_request(o, cli, make_prompt(words, seed), o.max_tokens, deadline));
      }
    });
  }
  start.arrive_and_wait();
  const auto t0 = Clock::now();
  for (auto& t : threads) t.join();

  LevelResult L;
  L.concurrency = concurrency;
  L.wall = std::chrono::duration<double>(Clock::now() - t0).count();
  std::vector<double> ttft, itl, stream_rate, tails, gaps;
  double prompt_sum = 0, chunk_sum = 0;
  for (const auto& per_stream : samples) {
    for (const Sample& s : per_stream) {
      ++L.requests;
      if (!s.ok) {
        ++L.failed;
        if (L.first_error.empty()) L.first_error = s.error;
        continue;
      }
      L.tokens += s.completion_tokens > 0 ? s.completion_tokens : static_cast<int64_t>(s.token_times.size());
      prompt_sum += static_cast<double>(s.prompt_tokens);
      chunk_sum += static_cast<double>(s.token_times.size());
      ttft.push_back(s.ttft);
      tails.push_back(s.tail);
      gaps.push_back(s.close_gap);
      for (size_t i = 1; i < s.token_times.size(); ++i) itl.push_back(s.token_times[i] - s.token_times[i - 1]);
      if (s.token_times.size() > 1)
        stream_rate.push_back(static_cast<double>(s.token_times.size() - 1) / (s.token_times.back() - s.token_times.front()));
    }
  }
  const int ok = L.requests - L.failed;
  L.prompt_tokens = ok ? prompt_sum / ok : 0;
  L.chunks = ok ? chunk_sum / ok : 0;
  L.tok_s = static_cast<double>(L.tokens) / L.wall;
  L.req_s = ok / L.wall;
  L.ttft_p50 = percentile(ttft, 50);
  L.ttft_p99 = percentile(ttft, 99);
  L.itl_p50 = percentile(itl, 50);
  L.itl_p99 = percentile(itl, 99);
  double sum = 0;
  for (double v : itl) sum += v;
  L.itl_mean = itl.empty() ? 0 : sum / static_cast<double>(itl.size());
  L.stream_tok_s = median(stream_rate);
  L.tail_p50 = percentile(tails, 50);
  L.close_gap_p50 = percentile(gaps, 50);
  return L;
}

json level_json(const LevelResult& L) {
  return {{"concurrency", L.concurrency}, {"requests", L.requests},         {"failed", L.failed},
          {"wall_s", L.wall},             {"tokens", L.tokens},             {"prompt_tokens_mean", L.prompt_tokens},
          {"chunks_mean", L.chunks},
          {"tok_s", L.tok_s},             {"req_s", L.req_s},               {"ttft_p50_ms", L.ttft_p50 * 1e3},
          {"ttft_p99_ms", L.ttft_p99 * 1e3}, {"itl_p50_ms", L.itl_p50 * 1e3}, {"itl_p99_ms", L.itl_p99 * 1e3},
          {"itl_mean_ms", L.itl_mean * 1e3}, {"stream_tok_s", L.stream_tok_s},
          {"tail_p50_ms", L.tail_p50 * 1e3}, {"close_gap_p50_ms", L.close_gap_p50 * 1e3}, {"first_error", L.first_error}};
}

// Words per prompt so that the prompt is about `target` tokens: two /tokenize calls
// give the fixed part and the tokens per word; one word per token if that route fails.
int calibrate_words(const Options& o, int target) {
  httplib::Client cli(o.host, o.port);
  cli.set_connection_timeout(5);
  cli.set_read_timeout(30);
  auto count = [&](int words) -> double {
    json body = {{"model", o.model}, {"content", make_prompt(words, 1)}};
    auto res = cli.Post("/tokenize", body.dump(), "application/json");
    if (!res || res->status != 200) return -1;
    json out = json::parse(res->body, nullptr, false);
    return out.is_discarded() ? -1 : out.value("count", -1.0);
  };
  const double small = count(16), large = count(64);
  if (small < 0 || large <= small) return target;
  const double per_word = (large - small) / 48, fixed = small - 16 * per_word;
  return std::max(1, static_cast<int>(std::lround((target - fixed) / per_word)));
}

// One short request, retried while the server is still starting or loading the model.
void warm_up(const Options& o, Clock::time_point deadline) {
  const auto until = std::min(deadline, Clock::now() + std::chrono::seconds(180));
  std::string last;
  while (Clock::now() < until) {
    httplib::Client cli(o.host, o.port);
    cli.set_connection_timeout(5);
    cli.set_read_timeout(120);
    Sample s = run_request(o, cli, make_prompt(8, 0), 8, until);
    if (s.ok) return;
    last = s.error;
    const bool retry = s.error.rfind("transport", 0) == 0 || s.error.rfind("HTTP 503", 0) == 0;
    if (!retry) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
  die("warm-up request failed: " + last);
}

}  // namespace

int main(int argc, char** argv) {
  const Options o = parse_args(argc, argv);
  const auto deadline = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                           std::chrono::duration<double>(o.timeout_seconds));
  // Hard bound: whatever hangs (a connect, a stuck server), the process ends 30 s after the timeout.
  std::thread([timeout = o.timeout_seconds] {
    std::this_thread::sleep_for(std::chrono::duration<double>(timeout + 30));
    std::fprintf(stderr, "bench_loadgen: hard timeout\n");
    std::_Exit(3);
  }).detach();

  warm_up(o, deadline);
  const int words = calibrate_words(o, o.prompt_tokens);

  std::vector<std::vector<LevelResult>> runs;
  for (int run = 0; run < o.runs && Clock::now() < deadline; ++run) {
    runs.emplace_back();
    for (int c : o.levels) {
      if (Clock::now() >= deadline) break;
      runs.back().push_back(run_level(o, c, words, run, deadline));
      const LevelResult& L = runs.back().back();
      std::fprintf(stderr, "run %d  c=%-3d %7.2f tok/s  %5.2f req/s  ttft p50 %6.0f ms  itl p50 %5.1f ms  %d/%d ok%s%s\n",
                   run + 1, c, L.tok_s, L.req_s, L.ttft_p50 * 1e3, L.itl_p50 * 1e3, L.requests - L.failed,
                   L.requests, L.first_error.empty() ? "" : "  first error: ", L.first_error.c_str());
    }
  }

  // Medians over runs per level; gains over the first level within each run.
  json out = {{"url", "http://" + o.host + ":" + std::to_string(o.port)},
              {"model", o.model},
              {"max_tokens", o.max_tokens},
              {"prompt_words", words},
              {"requests_per_stream", o.requests_per_stream},
              {"runs", json::array()},
              {"median", json::array()}};
  bool all_ok = true;
  for (const auto& run : runs) {
    json r = json::array();
    for (const auto& L : run) {
      r.push_back(level_json(L));
      all_ok = all_ok && L.failed == 0;
    }
    out["runs"].push_back(r);
  }
  struct Row {
    int c;
    json m;
  };
  std::vector<Row> rows;
  for (size_t i = 0; i < o.levels.size(); ++i) {
    std::map<std::string, std::vector<double>> v;
    for (const auto& run : runs) {
      if (i >= run.size()) continue;
      const json level = level_json(run[i]);
      for (const auto& [k, x] : level.items())
        if (x.is_number()) v[k].push_back(x.get<double>());
      if (!run.empty() && run[0].tok_s > 0) v["gain_vs_first"].push_back(run[i].tok_s / run[0].tok_s);
    }
    if (v.empty()) continue;
    json m = {{"concurrency", o.levels[i]}, {"samples", v["tok_s"].size()}};
    for (const auto& [k, xs] : v)
      if (k != "concurrency") m[k] = median(xs);
    out["median"].push_back(m);
    rows.push_back({o.levels[i], m});
  }

  if (o.json_output) {
    std::printf("%s\n", out.dump(2).c_str());
  } else {
    std::printf("model %s, %d tokens per request, prompt ~%d tokens, %d request(s) per stream, medians of %zu run(s)\n",
                o.model.c_str(), o.max_tokens, o.prompt_tokens, o.requests_per_stream, runs.size());
    std::printf("%7s %9s %8s %7s %10s %10s %9s %9s %12s %9s %6s\n", "streams", "tok/s", "gain", "req/s", "TTFT p50",
                "TTFT p99", "ITL p50", "ITL p99", "stream tok/s", "tail p50", "failed");
    for (const Row& r : rows) {
      const json& m = r.m;
      std::printf("%7d %9.2f %7.2fx %7.2f %7.0f ms %7.0f ms %6.1f ms %6.1f ms %12.2f %6.1f ms %6.0f\n", r.c,
                  m.value("tok_s", 0.0), m.value("gain_vs_first", 0.0), m.value("req_s", 0.0),
                  m.value("ttft_p50_ms", 0.0), m.value("ttft_p99_ms", 0.0), m.value("itl_p50_ms", 0.0),
                  m.value("itl_p99_ms", 0.0), m.value("stream_tok_s", 0.0), m.value("tail_p50_ms", 0.0),
                  m.value("failed", 0.0));
    }
  }
  return all_ok && !runs.empty() ? 0 : 1;
}

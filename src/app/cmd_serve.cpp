// `maas serve`: run the HTTP service until SIGTERM/SIGINT, then drain and exit 0.
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <condition_variable>
#include <mutex>
#include <thread>

#include "app/commands.h"
#include "app/config.h"
#include "app/default_model_file.h"
#include "app/serve_banner.h"
#include "core/log.h"
#include "serving/service.h"

namespace maas::app {
namespace {

struct ServeFlags {
  serving::ServiceOptions options;
  std::string config_path;
  std::string log_level = "info";
  uint64_t memory_budget_mb = 0;
  bool no_default_model = false;
};

// Whole, in one write: background threads log to stderr too.
void write_stderr(const std::string& text) {
  size_t done = 0;
  while (done < text.size()) {
    ssize_t n = ::write(2, text.data() + done, text.size() - done);
    if (n <= 0) return;
    done += static_cast<size_t>(n);
  }
}

// Waits for SIGTERM/SIGINT on a dedicated thread (the signals are blocked everywhere
// else), then stops the service; if draining outlasts the timeout, exits anyway.
Status run_until_signal(serving::Service& service, int drain_timeout_seconds) {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  std::mutex mu;
  std::condition_variable cv;
  bool done = false;
  std::thread waiter([&] {
    int sig = 0;
    sigwait(&set, &sig);
    {
      std::lock_guard<std::mutex> lock(mu);
      if (done) return;
    }
    log_event(LogLevel::kInfo, "shutdown", {{"signal", sig == SIGTERM ? "SIGTERM" : "SIGINT"},
                                            {"drain_timeout_s", drain_timeout_seconds}});
    service.shutdown();
    std::unique_lock<std::mutex> lock(mu);
    if (!cv.wait_for(lock, std::chrono::seconds(drain_timeout_seconds), [&] { return done; })) {
      log_event(LogLevel::kWarn, "drain_timeout", {{"message", "in-flight requests abandoned"}});
      std::_Exit(0);
    }
  });
  Status st = service.run();
  {
    std::lock_guard<std::mutex> lock(mu);
    done = true;
  }
  cv.notify_all();
  pthread_kill(waiter.native_handle(), SIGTERM);  // wake sigwait if no signal came
  waiter.join();
  log_event(LogLevel::kInfo, "stopped");
  return st;
}

}  // namespace

void add_serve_command(CLI::App& app) {
  auto flags = std::make_shared<ServeFlags>();
  serving::ServiceOptions& o = flags->options;
  auto* sub = app.add_subcommand("serve", "Run the HTTP service (OpenAI API, admin API, health, metrics)");
  sub->add_option("--config", flags->config_path, "Settings file ('name = value' lines)");
  sub->add_option("--host", o.http.host, "Address to bind (default 127.0.0.1)");
  sub->add_option("--port", o.http.port, "Port to bind; 0 picks a free port")->check(CLI::Range(0, 65535));
  sub->add_option("--data-dir", o.data_dir, "Registry and artifact directory (default ./maas-data)");
  sub->add_option("--model", o.models, "GGUF file to register and load at start (repeatable)");
  sub->add_flag("--no-default-model", flags->no_default_model,
                "Leave an empty registry empty (default: register and load the built-in tiny-stories model)");
  sub->add_option("--max-body-bytes", o.http.max_body_bytes, "Largest request body accepted")
      ->check(CLI::Range(size_t{1}, size_t{1} << 32));
  sub->add_option("--max-json-depth", o.http.max_json_depth, "Deepest JSON nesting accepted")
      ->check(CLI::Range(1, 1000));
  sub->add_option("--http-threads", o.http.http_threads,
                  "Requests processed at once (worker threads; idle and half-sent connections need none)")
      ->check(CLI::Range(2, 4096));
  sub->add_option("--max-connections", o.http.max_connections,
                  "Open connections at most; at the bound the longest-idle one is closed, else 503")
      ->check(CLI::Range(16, 1000000));
  sub->add_option("--header-timeout", o.http.header_timeout_seconds,
                  "Seconds a client has to send a request head (from its first byte or the connection's start)")
      ->check(CLI::Range(1, 3600));
  sub->add_option("--body-timeout", o.http.body_timeout_seconds, "Seconds a client has to send a request body")
      ->check(CLI::Range(1, 3600));
  sub->add_option("--idle-timeout", o.http.keep_alive_seconds, "Seconds a kept-alive connection may sit idle")
      ->check(CLI::Range(1, 3600));
  sub->add_option("--drain-timeout", o.http.drain_timeout_seconds,
                  "Seconds to let in-flight requests finish on shutdown")
      ->check(CLI::Range(0, 3600));
  sub->add_option("--tls-cert", o.http.tls_cert, "PEM certificate: serve HTTPS");
  sub->add_option("--tls-key", o.http.tls_key, "PEM private key for --tls-cert");
  sub->add_option("--log-level", flags->log_level, "debug|info|warn|error")
      ->check(CLI::IsMember({"debug", "info", "warn", "error"}));
  sub->add_flag("--log-bodies", o.http.log_bodies, "Log request bodies (off by default: prompts are private)");
  sub->add_option("--max-sequences", o.load.max_sequences, "Sequences each LLM decodes together (KV slots)")
      ->check(CLI::Range(1, 256));
  sub->add_option("--max-batch-tokens", o.load.step_token_budget,
                  "Tokens per forward step: decode tokens + prompt chunks (default 256; smaller bounds the "
                  "pause a long prompt puts into running streams)")
      ->check(CLI::Range(1, 1 << 20));
  sub->add_option("--max-queue", o.load.max_queue, "Requests waiting per LLM before 429")->check(CLI::Range(0, 100000));
  sub->add_option("--threads", o.load.threads, "Compute threads per model (0: all cores)")->check(CLI::Range(0, 1024));
  sub->add_option("--context", o.load.context_length, "Context length per sequence (0: the model's)")
      ->check(CLI::Range(0, 1 << 20));
  sub->add_flag("--kv-f16", o.load.kv_cache_f16, "Store the KV cache in F16 (half the memory)");
  sub->add_option("--memory-budget-mb", flags->memory_budget_mb, "Evict least-recently-used models above this (0: no limit)");
  sub->add_option("--max-train-jobs", o.max_train_jobs, "Training/evaluation jobs run at once (more: 429)")
      ->check(CLI::Range(1, 64));
  sub->add_option("--request-timeout", o.request_timeout_seconds, "Seconds before a generation request gives 504")
      ->check(CLI::Range(1, 86400));
  sub->add_flag("--auto-rollback", o.rollout.auto_rollback,
                "Revert a canary whose error rate or p95 latency exceeds the bounds against stable");
  sub->add_option("--rollback-max-error-delta", o.rollout.max_error_rate_delta, "Canary error rate - stable's (default 0.05)");
  sub->add_option("--rollback-max-p95-ratio", o.rollout.max_p95_ratio, "Canary p95 / stable p95 (default 2.0)");
  sub->add_option("--rollback-min-requests", o.rollout.min_requests, "Requests per version before judging (default 20)");
  sub->add_option("--artifact-retention-days", o.artifact_retention_days,
                  "Purge artifacts of versions retired this long ago, unless pinned (-1: never)");
  sub->add_option("--auth", o.ops.auth,
                  "API keys: auto (required once any key exists), on, off (loopback binds only)")
      ->check(CLI::IsMember({"auto", "on", "off"}));
  sub->add_option("--allowed-hosts", o.http.allowed_hosts,
                  "Host header names accepted besides localhost/127.0.0.1/[::1] (comma-separated; e.g. a "
                  "reverse proxy's name)")
      ->delimiter(',');
  sub->add_option("--max-headers", o.ops.max_headers, "Most request headers accepted (431 beyond)")
      ->check(CLI::Range(8, 10000));
  sub->add_option("--usage-flush-ms", o.ops.usage_flush_ms, "How often queued usage rows are written")
      ->check(CLI::Range(10, 3600000));
  sub->add_flag("--enable-debug-routes", o.enable_debug_routes, "Test-only routes (e.g. a slow request)");

  on_run(sub, [sub, flags]() -> Status {
    MAAS_RETURN_IF_ERROR(apply_env_and_config(*sub, flags->config_path));
    LogLevel level;
    if (!parse_log_level(flags->log_level, &level)) return invalid_argument("unknown log level '{}'", flags->log_level);
    set_log_level(level);

    // Block the shutdown signals before any thread starts, so only the waiter sees them.
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    pthread_sigmask(SIG_BLOCK, &set, nullptr);
    signal(SIGPIPE, SIG_IGN);

    flags->options.memory_budget_bytes = flags->memory_budget_mb << 20;
    if (!flags->no_default_model) {
      flags->options.default_model_path = find_default_model_file();
      if (flags->options.default_model_path.empty())
        log_event(LogLevel::kWarn, "default_model_missing",
                  {{"message", "models/stories260K.gguf was found neither beside this binary nor in its source tree"}});
    }
    serving::Service service(flags->options);
    MAAS_RETURN_IF_ERROR(service.start());
    write_stderr(serve_banner(service.summary(), maas_command_path()));
    return run_until_signal(service, flags->options.http.drain_timeout_seconds);
  });
}

}  // namespace maas::app

#include "serving/service.h"

#include <chrono>
#include <thread>

#include "core/files.h"
#include "core/log.h"
#include "serving/http/errors.h"
#include "serving/routes/health_routes.h"

namespace maas::serving {

struct Service::State {
  explicit State(const HttpOptions& http) : server(http) {}
  HttpServer server;
  std::atomic<bool> registry_open{false};
};

Service::Service(ServiceOptions options) : options_(std::move(options)) {}
Service::~Service() = default;

int Service::port() const { return state_ ? state_->server.port() : 0; }

Status Service::start() {
  state_ = std::make_unique<State>(options_.http);
  MAAS_RETURN_IF_ERROR(make_dirs(options_.data_dir).with_context("data dir"));
  state_->registry_open = true;

  Router& router = state_->server.router();
  State* st = state_.get();
  add_health_routes(router, [st] {
    Readiness r;
    if (!st->registry_open) r.waiting_for.push_back("registry");
    r.ready = r.waiting_for.empty();
    return r;
  });
  if (options_.enable_debug_routes) {
    router.get("/admin/v1/debug/sleep", [](HttpRequest& req) {
      int ms = std::atoi(req.query_param("ms", "1000").c_str());
      std::this_thread::sleep_for(std::chrono::milliseconds(std::clamp(ms, 0, 60000)));
      return HttpResponse::json({{"slept_ms", ms}});
    });
  }
  return state_->server.bind();
}

Status Service::run() { return state_->server.serve(); }

void Service::shutdown() {
  if (state_) state_->server.stop();
}

}  // namespace maas::serving

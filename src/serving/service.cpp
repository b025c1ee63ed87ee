#include "serving/service.h"

#include <chrono>
#include <filesystem>
#include <thread>

#include "core/files.h"
#include "core/log.h"
#include "registry/store.h"
#include "serving/context.h"
#include "serving/default_model.h"
#include "serving/families.h"
#include "serving/http/errors.h"
#include "serving/operations.h"
#include "serving/routes/admin_routes.h"
#include "serving/routes/capability_routes.h"
#include "serving/routes/evaluation_routes.h"
#include "serving/routes/job_routes.h"
#include "serving/training/jobs.h"
#include "serving/routes/health_routes.h"
#include "serving/routes/lifecycle_routes.h"
#include "serving/reconciler.h"
#include "serving/shadow_runner.h"
#include "serving/routes/model_list_routes.h"
#include "serving/routes/translations_routes.h"
#include "serving/routes/similar_words_routes.h"
#include "serving/routes/predictor_routes.h"
#include "serving/routes/recommendations_routes.h"
#include "serving/openai/chat.h"
#include "serving/openai/completions.h"
#include "serving/openai/embeddings.h"

namespace maas::serving {

struct Service::State {
  State(const ServiceOptions& o, std::unique_ptr<registry::Registry> reg)
      : server(o.http), registry(std::move(reg)) {
    register_families(families);
    if (o.extra_families) o.extra_families(families);
    LoadOptions load = o.load;
    if (load.state_dir.empty()) load.state_dir = o.data_dir + "/state";  // per version: <model>/<version>
    models = std::make_unique<ModelManager>(families, load, o.memory_budget_bytes);
    traffic = std::make_unique<TrafficCache>(*registry, std::chrono::milliseconds(1000));
  }
  HttpServer server;
  std::unique_ptr<registry::Registry> registry;
  FamilyTable families;
  std::unique_ptr<ModelManager> models;
  std::unique_ptr<TrafficCache> traffic;
  std::unique_ptr<ServingContext> ctx;
  std::unique_ptr<JobManager> jobs;
  std::unique_ptr<RolloutMonitor> monitor;
  std::unique_ptr<ShadowRunner> shadows;
  std::unique_ptr<Reconciler> reconciler;
  std::vector<std::string> loading;      // "name:version" wanted at start
  std::string default_model;             // "name:version" registered on this start
  std::unique_ptr<Operations> ops;  // keys, quotas, usage, metrics; last: stops first (flushes usage)
};



namespace {

// "name=path" or "path" (name = file stem, made registry-safe).
std::pair<std::string, std::string> split_model_flag(const std::string& flag) {
  size_t eq = flag.find('=');
  if (eq != std::string::npos && eq > 0) return {flag.substr(0, eq), flag.substr(eq + 1)};
  std::string stem = std::filesystem::path(flag).stem().string();
  for (char& c : stem)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_' && c != '-') c = '-';
  return {stem, flag};
}

// Registers the file (or finds the version that already has its bytes).
Result<registry::VersionInfo> register_start_model(registry::Registry& reg, const FamilyTable& families,
                                                   const std::string& flag) {
  auto [name, path] = split_model_flag(flag);
  registry::ImportRequest ir;
  ir.path = path;
  ir.name = name;
  ir.actor = "serve --model";
  ir.reuse_existing = true;
  MAAS_ASSIGN_OR_RETURN(registry::ImportResult r, import_model_file(reg, families, ir));
  return r.version;
}

}  // namespace

Service::Service(ServiceOptions options) : options_(std::move(options)) {}
Service::~Service() = default;

int Service::port() const { return state_ ? state_->server.port() : 0; }

Status Service::start() {
  registry::RegistryOptions ro;
  ro.data_dir = options_.data_dir;
  MAAS_ASSIGN_OR_RETURN(auto reg, registry::Registry::open(ro));
  state_ = std::make_unique<State>(options_, std::move(reg));
  State* st = state_.get();
  st->ctx = std::make_unique<ServingContext>(
      ServingContext{*st->registry, st->families, *st->models, *st->traffic, options_.http.max_json_depth});
  st->jobs = std::make_unique<JobManager>((std::filesystem::path(options_.data_dir) / "jobs").string(),
                                          std::max(1, options_.max_train_jobs));
  MAAS_RETURN_IF_ERROR(st->jobs->open());
  st->ctx->jobs = st->jobs.get();

  for (const std::string& flag : options_.models) {
    Result<registry::VersionInfo> v = register_start_model(*st->registry, st->families, flag);
    if (!v.is_ok()) return v.status().with_context("--model " + flag);
    log_event(LogLevel::kInfo, "model_registered", {{"model", v->model}, {"version", v->version}});
    st->models->want(load_target(*v), /*pinned=*/true);
    st->loading.push_back(v->model + ":" + std::to_string(v->version));
  }
  if (!options_.default_model_path.empty()) {
    MAAS_ASSIGN_OR_RETURN(auto v, register_default_model(*st->registry, st->families, options_.default_model_name,
                                                         options_.default_model_path));
    if (v) {
      log_event(LogLevel::kInfo, "default_model_registered",
                {{"model", v->model}, {"version", v->version}, {"path", options_.default_model_path}});
      st->models->want(load_target(*v), /*pinned=*/true);
      st->default_model = st->loading.emplace_back(v->model + ":" + std::to_string(v->version));
    }
  }

  st->monitor = std::make_unique<RolloutMonitor>(*st->ctx, options_.rollout);
  st->shadows = std::make_unique<ShadowRunner>(*st->monitor);
  st->server.add_observer([st](const HttpRequest& req, const Route* route, const HttpResponse& res, double seconds) {
    if (req.routed_model.empty()) return;
    st->monitor->observe(req.routed_model, req.routed_version, res.status >= 500, seconds);
    if (!route || !res.usage || res.status != 200) return;
    for (int64_t v : res.usage->shadow_versions)
      if (v != req.routed_version)
        st->shadows->submit(route->handler, req, req.routed_model, v, res.usage->output_text, seconds);
  });
  ReconcilerOptions rec;
  rec.artifact_retention_ms = options_.artifact_retention_days < 0 ? -1 : options_.artifact_retention_days * 86400000LL;
  st->reconciler = std::make_unique<Reconciler>(*st->ctx, rec);

  Router& router = st->server.router();
  router.get("/admin/v1/models/{name}/rollout", [st](HttpRequest& req) {
    return HttpResponse::json(st->monitor->report(req.param("name")));
  }).admin = true;
  auto readiness = [st] {
    Readiness r;
    st->models->all_pinned_ready(&r.waiting_for);
    r.ready = r.waiting_for.empty();
    return r;
  };
  add_health_routes(router, readiness);
  add_model_list_routes(router, *st->ctx);
  add_admin_routes(router, *st->ctx);
  add_evaluation_routes(router, *st->ctx);
  add_lifecycle_routes(router, *st->ctx);
  openai::add_completions_route(router, *st->ctx, {options_.request_timeout_seconds});
  openai::add_chat_route(router, *st->ctx, {options_.request_timeout_seconds});
  openai::add_embeddings_route(router, *st->ctx);
  add_similar_words_route(router, *st->ctx);
  add_predictor_routes(router, *st->ctx, readiness);
  openai::add_tokenize_routes(router, *st->ctx);
  add_capability_routes(router, *st->ctx);
  add_family_routes(router, *st->ctx);
  add_job_routes(router, *st->ctx);
  add_translations_route(router, *st->ctx);
  add_recommendations_routes(router, *st->ctx);
  if (options_.enable_debug_routes) {
    router.get("/admin/v1/debug/sleep", [](HttpRequest& req) {
      int ms = std::atoi(req.query_param("ms", "1000").c_str());
      std::this_thread::sleep_for(std::chrono::milliseconds(std::clamp(ms, 0, 60000)));
      return HttpResponse::json({{"slept_ms", ms}});
    });
    router.get("/admin/v1/debug/fail", [](HttpRequest& req) {
      return error_response(internal_error("secret-internal-detail"), req.request_id);
    });
  }
  MAAS_ASSIGN_OR_RETURN(st->ops, Operations::open(options_.ops, options_.http.host, *st->ctx));
  st->ops->install(st->server, router);
  return st->server.bind();
}

StartupSummary Service::summary() const {
  const State& st = *state_;
  StartupSummary s;
  const std::string& host = options_.http.host;
  const std::string shown_host = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  s.url = (options_.http.tls_cert.empty() ? "http://" : "https://") + shown_host + ":" + std::to_string(port());
  s.data_dir = std::filesystem::absolute(st.registry->data_dir()).lexically_normal().string();
  s.db_path = std::filesystem::absolute(st.registry->db_path()).lexically_normal().string();
  s.loading = st.loading;
  s.default_model = st.default_model;
  if (auto models = st.registry->list_models(); models.is_ok())
    for (const auto& m : *models) s.registered.push_back(m.name);
  s.auth_mode = st.ops->auth_mode();
  s.active_keys = st.ops->active_keys_at_start();
  return s;
}

Status Service::run() {
  Status st = state_->server.serve();
  if (state_->ops) state_->ops->stop();  // drained: write every queued usage row
  return st;
}

void Service::shutdown() {
  if (state_) state_->server.stop();
}

}  // namespace maas::serving

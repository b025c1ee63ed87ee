#include "serving/metrics/service_metrics.h"

#include <algorithm>

namespace maas::serving::metrics {
namespace {

// "name:version" (the manager's key) -> {name, version}.
std::pair<std::string, std::string> split_key(const std::string& key) {
  size_t colon = key.rfind(':');
  if (colon == std::string::npos) return {key, ""};
  return {key.substr(0, colon), key.substr(colon + 1)};
}

}  // namespace

ServiceMetrics::ServiceMetrics(const ModelManager& models)
    : models_(models),
      http_requests_(reg_.counter("maas_http_requests_total", "HTTP requests by route pattern, method and status.",
                                  {"route", "method", "status"})),
      http_duration_(reg_.histogram("maas_http_request_duration_seconds",
                                    "HTTP request latency by route pattern (streams: until the stream ended).",
                                    {"route"}, latency_buckets_seconds())),
      model_requests_(reg_.counter("maas_model_requests_total", "Requests that reached a model, by status.",
                                   {"model", "version", "status"})),
      ttft_(reg_.histogram("maas_time_to_first_token_seconds", "Time from request to the first streamed token.",
                           {"model", "version"}, latency_buckets_seconds())),
      generated_tokens_(reg_.counter("maas_generated_tokens_total", "Completion tokens generated.",
                                     {"model", "version"})),
      prompt_tokens_(reg_.counter("maas_prompt_tokens_total", "Prompt tokens processed.", {"model", "version"})),
      items_(reg_.counter("maas_items_total", "Items (predictions, embeddings) returned by non-generating routes.",
                          {"model", "version"})),
      tokens_per_second_(reg_.histogram("maas_generation_tokens_per_second",
                                        "Completion tokens per second of each generating request (after the first "
                                        "token for streams).",
                                        {"model", "version"}, {1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000})),
      loaded_models_(reg_.gauge("maas_loaded_models", "Model versions loaded and ready.")),
      model_memory_(reg_.gauge("maas_model_memory_bytes", "Memory accounted to a loaded model version.",
                               {"model", "version"})),
      rate_limited_(reg_.counter("maas_rate_limited_total", "Requests refused by a key's limit (rpm, tpm, budget).",
                                 {"key", "reason"})),
      usage_written_(reg_.counter("maas_usage_rows_written_total", "Usage rows stored by the background writer.")),
      usage_failed_(reg_.counter("maas_usage_rows_failed_total", "Usage rows the background writer could not store.")) {
}

void ServiceMetrics::observe(const HttpRequest& req, const Route* route, const HttpResponse& res, double seconds) {
  // Unmatched paths share one label value, so clients cannot blow up the series count.
  const std::string pattern = route ? route->pattern : "unmatched";
  const std::string status = std::to_string(res.status);
  http_requests_.with({pattern, req.method, status}).inc();
  http_duration_.with({pattern}).observe(seconds);
  const RequestUsage* u = res.usage.get();
  if (!u || u->model.empty()) return;
  const std::string version = u->version > 0 ? std::to_string(u->version) : "";
  model_requests_.with({u->model, version, status}).inc();
  if (u->prompt_tokens > 0) prompt_tokens_.with({u->model, version}).inc(static_cast<uint64_t>(u->prompt_tokens));
  if (u->completion_tokens > 0)
    generated_tokens_.with({u->model, version}).inc(static_cast<uint64_t>(u->completion_tokens));
  if (u->items > 0) items_.with({u->model, version}).inc(static_cast<uint64_t>(u->items));
  if (u->time_to_first_token_seconds >= 0) ttft_.with({u->model, version}).observe(u->time_to_first_token_seconds);
  if (u->completion_tokens > 0) {
    double gen_seconds = seconds - std::max(0.0, u->time_to_first_token_seconds);
    if (gen_seconds > 0)
      tokens_per_second_.with({u->model, version}).observe(static_cast<double>(u->completion_tokens) / gen_seconds);
  }
}

void ServiceMetrics::rate_limited(const std::string& key, const std::string& reason) {
  rate_limited_.with({key, reason}).inc();
}

void ServiceMetrics::refresh_model_gauges() {
  model_memory_.clear();
  for (auto& [_, g] : model_gauges_) g->clear();
  int ready = 0;
  for (const LoadedInfo& m : models_.loaded()) {
    if (m.state != LoadState::kReady) continue;
    ++ready;
    auto [name, version] = split_key(m.key);
    LabelValues l = {name, version};
    model_memory_.with(l).set(static_cast<double>(m.memory_bytes));
    for (const LoadedModel::Gauge& g : m.gauges) {
      GaugeFamily*& family = model_gauges_[g.name];
      if (!family) family = &reg_.gauge(g.name, g.help, {"model", "version"});
      family->with(l).set(g.value);
    }
  }
  loaded_models_.with({}).set(ready);
}

std::string ServiceMetrics::scrape() {
  std::lock_guard lock(scrape_mu_);
  refresh_model_gauges();
  return reg_.render();
}

void add_metrics_route(Router& router, ServiceMetrics& metrics) {
  router.get("/metrics", [&metrics](HttpRequest&) {
    return HttpResponse::text(metrics.scrape(), "text/plain; version=0.0.4; charset=utf-8");
  }).public_route = true;
}

}  // namespace maas::serving::metrics

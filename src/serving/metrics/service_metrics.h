// The maas_* metrics: HTTP traffic and latency, per-model requests and tokens, time to
// first token, rate-limit rejections (updated by request observers and the quota
// middleware), plus gauges read from the model manager at scrape time (queue depth,
// active sequences, KV cache, loaded models and their memory).
#pragma once

#include <map>
#include <mutex>
#include <string>

#include "serving/http/server.h"
#include "serving/metrics/metrics_registry.h"
#include "serving/model_manager.h"

namespace maas::serving::metrics {

class ServiceMetrics {
 public:
  explicit ServiceMetrics(const ModelManager& models);

  // A RequestObserver: one finished request.
  void observe(const HttpRequest& req, const Route* route, const HttpResponse& res, double seconds);
  // A request refused by a limit; `reason` is rpm, tpm or budget.
  void rate_limited(const std::string& key, const std::string& reason);
  // Usage rows the background writer stored / dropped.
  void usage_rows_written(uint64_t n) { usage_written_.with({}).inc(n); }
  void usage_rows_failed(uint64_t n) { usage_failed_.with({}).inc(n); }

  // Refreshes the model gauges and renders the whole exposition.
  std::string scrape();

 private:
  void refresh_model_gauges();

  const ModelManager& models_;
  MetricsRegistry reg_;
  CounterFamily& http_requests_;
  HistogramFamily& http_duration_;
  CounterFamily& model_requests_;
  HistogramFamily& ttft_;
  CounterFamily& generated_tokens_;
  CounterFamily& prompt_tokens_;
  CounterFamily& items_;
  HistogramFamily& tokens_per_second_;
  std::map<std::string, GaugeFamily*> model_gauges_;  // by name, as models report them
  GaugeFamily& loaded_models_;
  GaugeFamily& model_memory_;
  CounterFamily& rate_limited_;
  CounterFamily& usage_written_;
  CounterFamily& usage_failed_;
  std::mutex scrape_mu_;  // one scrape at a time refills the gauges
};

// GET /metrics (public): Prometheus text format 0.0.4.
void add_metrics_route(Router& router, ServiceMetrics& metrics);

}  // namespace maas::serving::metrics

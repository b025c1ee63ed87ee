#include "serving/metrics/metrics_registry.h"

#include <algorithm>

#include "serving/metrics/prometheus_text.h"

namespace maas::serving::metrics {

MetricFamilyBase::MetricFamilyBase(std::string name, std::string help, std::vector<std::string> label_names,
                                   std::string type)
    : name_(std::move(name)), help_(std::move(help)), label_names_(std::move(label_names)), type_(std::move(type)) {}

void MetricFamilyBase::render(std::string& out) const {
  out += "# HELP " + name_ + " " + escape_help(help_) + "\n";
  out += "# TYPE " + name_ + " " + type_ + "\n";
  render_samples(out);
}

template <>
void Family<Counter>::render_samples(std::string& out) const {
  for (const auto& [labels, c] : children())
    out += name_ + format_labels(label_names_, labels) + " " + format_value(static_cast<double>(c->value())) + "\n";
}

template <>
void Family<Gauge>::render_samples(std::string& out) const {
  for (const auto& [labels, g] : children())
    out += name_ + format_labels(label_names_, labels) + " " + format_value(g->value()) + "\n";
}

template <>
void Family<Histogram>::render_samples(std::string& out) const {
  for (const auto& [labels, h] : children()) {
    Histogram::Snapshot s = h->snapshot();
    const std::vector<double>& bounds = h->bounds();
    for (size_t i = 0; i <= bounds.size(); ++i) {
      std::string le = i < bounds.size() ? format_value(bounds[i]) : "+Inf";
      out += name_ + "_bucket" + format_labels(label_names_, labels, "le", le) + " " +
             format_value(static_cast<double>(s.cumulative[i])) + "\n";
    }
    std::string l = format_labels(label_names_, labels);
    out += name_ + "_sum" + l + " " + format_value(s.sum) + "\n";
    out += name_ + "_count" + l + " " + format_value(static_cast<double>(s.count)) + "\n";
  }
}

CounterFamily& MetricsRegistry::counter(std::string name, std::string help, std::vector<std::string> labels) {
  auto f = std::make_unique<CounterFamily>(std::move(name), std::move(help), std::move(labels), "counter",
                                           [] { return std::make_unique<Counter>(); });
  CounterFamily& ref = *f;
  families_.push_back(std::move(f));
  return ref;
}

GaugeFamily& MetricsRegistry::gauge(std::string name, std::string help, std::vector<std::string> labels) {
  auto f = std::make_unique<GaugeFamily>(std::move(name), std::move(help), std::move(labels), "gauge",
                                         [] { return std::make_unique<Gauge>(); });
  GaugeFamily& ref = *f;
  families_.push_back(std::move(f));
  return ref;
}

HistogramFamily& MetricsRegistry::histogram(std::string name, std::string help, std::vector<std::string> labels,
                                            std::vector<double> bounds) {
  std::sort(bounds.begin(), bounds.end());
  bounds_.push_back(std::make_unique<std::vector<double>>(std::move(bounds)));
  const std::vector<double>* b = bounds_.back().get();
  auto f = std::make_unique<HistogramFamily>(std::move(name), std::move(help), std::move(labels), "histogram",
                                             [b] { return std::make_unique<Histogram>(b); });
  HistogramFamily& ref = *f;
  families_.push_back(std::move(f));
  return ref;
}

std::string MetricsRegistry::render() const {
  std::string out;
  for (const auto& f : families_) f->render(out);
  return out;
}

const std::vector<double>& latency_buckets_seconds() {
  static const std::vector<double> kBounds = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5,
                                              1,     2.5,  5,     10,   30,  60,   120};
  return kBounds;
}

}  // namespace maas::serving::metrics

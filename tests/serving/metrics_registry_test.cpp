// The metrics registry and Prometheus text rendering, without a server.
#include <cmath>
#include <limits>
#include <thread>

#include <gtest/gtest.h>

#include "serving/metrics/metrics_registry.h"
#include "serving/metrics/prometheus_text.h"

namespace maas::serving::metrics {
namespace {

TEST(PrometheusText, EscapesLabelValuesAndHelp) {
  EXPECT_EQ(escape_label_value(R"(a"b\c)" "\n" "d"), R"(a\"b\\c\nd)");
  EXPECT_EQ(escape_help("line1\nback\\slash \"quotes\" stay"), "line1\\nback\\\\slash \"quotes\" stay");
  EXPECT_EQ(format_labels({"a", "b"}, {"x", "y\"z"}), R"({a="x",b="y\"z"})");
  EXPECT_EQ(format_labels({}, {}), "");
  EXPECT_EQ(format_labels({}, {}, "le", "+Inf"), R"({le="+Inf"})");
}

TEST(PrometheusText, FormatsValues) {
  EXPECT_EQ(format_value(3), "3");
  EXPECT_EQ(format_value(0.25), "0.25");
  EXPECT_EQ(format_value(1e20), "1e+20");
  EXPECT_EQ(format_value(std::numeric_limits<double>::infinity()), "+Inf");
  EXPECT_EQ(format_value(-std::numeric_limits<double>::infinity()), "-Inf");
  EXPECT_EQ(format_value(std::nan("")), "NaN");
}

TEST(MetricsRegistry, RendersCountersGaugesAndHistograms) {
  MetricsRegistry reg;
  CounterFamily& req = reg.counter("x_requests_total", "Requests.", {"route", "status"});
  GaugeFamily& up = reg.gauge("x_up", "Up.");
  HistogramFamily& lat = reg.histogram("x_seconds", "Latency.", {"route"}, {0.1, 1, 0.5});
  req.with({"/a", "200"}).inc();
  req.with({"/a", "200"}).inc(2);
  req.with({"/b\"", "500"}).inc();
  up.with({}).set(1.5);
  for (double v : {0.05, 0.1, 0.3, 0.7, 2.0}) lat.with({"/a"}).observe(v);
  EXPECT_EQ(reg.render(),
            "# HELP x_requests_total Requests.\n"
            "# TYPE x_requests_total counter\n"
            "x_requests_total{route=\"/a\",status=\"200\"} 3\n"
            "x_requests_total{route=\"/b\\\"\",status=\"500\"} 1\n"
            "# HELP x_up Up.\n"
            "# TYPE x_up gauge\n"
            "x_up 1.5\n"
            "# HELP x_seconds Latency.\n"
            "# TYPE x_seconds histogram\n"
            "x_seconds_bucket{route=\"/a\",le=\"0.1\"} 2\n"
            "x_seconds_bucket{route=\"/a\",le=\"0.5\"} 3\n"
            "x_seconds_bucket{route=\"/a\",le=\"1\"} 4\n"
            "x_seconds_bucket{route=\"/a\",le=\"+Inf\"} 5\n"
            "x_seconds_sum{route=\"/a\"} 3.15\n"
            "x_seconds_count{route=\"/a\"} 5\n");
}

TEST(MetricsRegistry, ClearDropsChildrenButKeepsTheFamily) {
  MetricsRegistry reg;
  GaugeFamily& g = reg.gauge("g", "G.", {"m"});
  g.with({"a"}).set(1);
  g.clear();
  g.with({"b"}).set(2);
  EXPECT_EQ(reg.render(), "# HELP g G.\n# TYPE g gauge\ng{m=\"b\"} 2\n");
}

TEST(MetricsRegistry, ConcurrentUpdatesAreNotLost) {
  MetricsRegistry reg;
  CounterFamily& c = reg.counter("c_total", "C.", {"k"});
  HistogramFamily& h = reg.histogram("h", "H.", {"k"}, {1});
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 20000; ++i) {
        c.with({std::to_string(i % 4)}).inc();
        h.with({std::to_string(t % 2)}).observe(0.5);
      }
    });
  }
  for (auto& t : threads) t.join();
  uint64_t total = 0;
  for (const auto& [labels, child] : c.children()) total += child->value();
  EXPECT_EQ(total, 8u * 20000u);
  uint64_t count = 0;
  double sum = 0;
  for (const auto& [labels, child] : h.children()) {
    Histogram::Snapshot s = child->snapshot();
    count += s.count;
    sum += s.sum;
    EXPECT_EQ(s.cumulative.front(), s.count);  // every observation is <= 1
  }
  EXPECT_EQ(count, 8u * 20000u);
  EXPECT_DOUBLE_EQ(sum, 0.5 * 8 * 20000);
}

}  // namespace
}  // namespace maas::serving::metrics

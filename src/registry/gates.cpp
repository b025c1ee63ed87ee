#include "registry/gates.h"

#include <cmath>
#include <map>

#include <fmt/format.h>

namespace maas::registry {
namespace {

std::string num(double v) { return fmt::format("{:.6g}", v); }

std::optional<double> number_of(const nlohmann::json& values, const std::string& metric) {
  if (!values.is_object()) return std::nullopt;
  auto it = values.find(metric);
  if (it == values.end() || !it->is_number()) return std::nullopt;
  return it->get<double>();
}

// The metrics with a direction (a boolean in higher_is_better); the candidate's wins.
std::map<std::string, bool> directions(const Metrics& candidate, const Metrics& baseline) {
  std::map<std::string, bool> out;
  for (const Metrics* m : {&baseline, &candidate}) {
    if (!m->higher_is_better.is_object()) continue;
    for (const auto& [metric, higher] : m->higher_is_better.items()) {
      if (higher.is_boolean()) out[metric] = higher.get<bool>();
    }
  }
  return out;
}

GateCheck threshold_check(const Metrics& candidate, const ThresholdBound& t) {
  GateCheck c;
  c.metric = t.metric;
  c.kind = CheckKind::kThreshold;
  c.rule = t.key;
  c.bound = t.bound;
  c.candidate = number_of(candidate.values, t.metric);
  if (!c.candidate) {
    c.message = fmt::format("{} was not reported by the evaluation ({} {})", t.metric, t.key, num(t.bound));
    return c;
  }
  const double v = *c.candidate;
  if (!std::isfinite(v)) {
    c.message = fmt::format("{} is {}, not a finite number ({} {})", t.metric, num(v), t.key, num(t.bound));
    return c;
  }
  if (t.is_max) {
    c.passed = v <= t.bound;
    c.message = c.passed ? fmt::format("{} {} <= {} {}", t.metric, num(v), t.key, num(t.bound))
                         : fmt::format("{} {} exceeds {} {}", t.metric, num(v), t.key, num(t.bound));
  } else {
    c.passed = v >= t.bound;
    c.message = c.passed ? fmt::format("{} {} >= {} {}", t.metric, num(v), t.key, num(t.bound))
                         : fmt::format("{} {} is below {} {}", t.metric, num(v), t.key, num(t.bound));
  }
  return c;
}

GateCheck regression_check(const std::string& metric, bool higher_is_better, const Metrics& candidate,
                           const Baseline& baseline, double tolerance) {
  GateCheck c;
  c.metric = metric;
  c.kind = CheckKind::kRegression;
  c.rule = kMaxRegression;
  c.candidate = number_of(candidate.values, metric);
  c.baseline = number_of(baseline.metrics.values, metric);
  if (!c.baseline || !std::isfinite(*c.baseline)) {
    c.passed = true;
    c.message = fmt::format("{} not compared: {} has no finite value for it", metric, baseline.label);
    return c;
  }
  const double base = *c.baseline;
  const double slack = tolerance * std::fabs(base);
  c.bound = higher_is_better ? base - slack : base + slack;
  if (!c.candidate) {
    c.message = fmt::format("{} was not reported by the evaluation but {} has {}", metric, baseline.label, num(base));
    return c;
  }
  const double v = *c.candidate;
  if (!std::isfinite(v)) {
    c.message = fmt::format("{} is {}, not a finite number ({} has {})", metric, num(v), baseline.label, num(base));
    return c;
  }
  c.passed = higher_is_better ? v >= *c.bound : v <= *c.bound;
  const double worse = higher_is_better ? base - v : v - base;  // > 0: the candidate is worse
  std::string change;
  if (worse == 0) {
    change = "no change";
  } else if (base == 0) {
    change = worse > 0 ? "worse" : "better";
  } else {
    change = fmt::format("{:.2f}% {}", std::fabs(worse / base) * 100, worse > 0 ? "worse" : "better");
  }
  const std::string tol = fmt::format("{:g}%", tolerance * 100);
  const std::string head = fmt::format("{} {} vs {} on {}: {}", metric, num(v), num(base), baseline.label, change);
  if (!c.passed) {
    c.message = fmt::format("{}, beyond the {} tolerance ({} {})", head, tol, higher_is_better ? "min" : "max",
                            num(*c.bound));
  } else if (worse > 0) {
    c.message = fmt::format("{}, within the {} tolerance ({} {})", head, tol, higher_is_better ? "min" : "max",
                            num(*c.bound));
  } else {
    c.message = head;
  }
  return c;
}

std::string summarize(const GateReport& r, bool has_baseline) {
  std::string out;
  size_t failed = 0;
  for (const GateCheck& c : r.checks) failed += c.passed ? 0 : 1;
  if (r.checks.empty()) {
    out = "passed: no thresholds set";
  } else if (failed == 0) {
    out = fmt::format("passed {} check{}:", r.checks.size(), r.checks.size() == 1 ? "" : "s");
  } else {
    out = fmt::format("failed {} of {} check{}:", failed, r.checks.size(), r.checks.size() == 1 ? "" : "s");
  }
  bool first = true;
  for (const GateCheck& c : r.checks) {
    if (failed > 0 && c.passed) continue;
    out += (first ? " " : "; ") + c.message;
    first = false;
  }
  if (!has_baseline) out += r.checks.empty() ? " and no production version to compare against"
                                             : "; no production version to compare against";
  return out;
}

}  // namespace

const char* check_kind_name(CheckKind kind) { return kind == CheckKind::kThreshold ? "threshold" : "regression"; }

Result<ParsedThresholds> parse_thresholds(const nlohmann::json& thresholds) {
  ParsedThresholds out;
  if (thresholds.is_null()) return out;
  if (!thresholds.is_object()) return invalid_argument("thresholds must be a JSON object, got {}", thresholds.dump());
  for (const auto& [key, value] : thresholds.items()) {
    if (key == kRegressionMetrics) {
      std::vector<std::string> names;
      for (const auto& n : value.is_array() ? value : nlohmann::json::array({nullptr})) {
        if (!n.is_string() || n.get<std::string>().empty()) {
          return invalid_argument("regression_metrics must be a list of metric names, got {}", value.dump())
              .with_field(key);
        }
        names.push_back(n.get<std::string>());
      }
      out.regression_metrics = std::move(names);
      continue;
    }
    if (!value.is_number() || !std::isfinite(value.get<double>())) {
      return invalid_argument("threshold '{}' must be a finite number, got {}", key, value.dump()).with_field(key);
    }
    const double v = value.get<double>();
    if (key == kMaxRegression) {
      if (v < 0) return invalid_argument("max_regression must be >= 0 (a fraction: 0.05 is 5%), got {}", num(v)).with_field(key);
      out.max_regression = v;
      continue;
    }
    const bool is_max = key.rfind("max_", 0) == 0;
    const bool is_min = key.rfind("min_", 0) == 0;
    if ((!is_max && !is_min) || key.size() == 4) {
      return invalid_argument(
                 "unknown threshold '{}' (use min_<metric>, max_<metric>, max_regression or regression_metrics)", key)
          .with_field(key);
    }
    out.bounds.push_back(ThresholdBound{key, key.substr(4), is_max, v});
  }
  return out;
}

Result<GateReport> apply_gates(const Metrics& candidate, const nlohmann::json& thresholds, const Baseline* baseline) {
  MAAS_ASSIGN_OR_RETURN(ParsedThresholds parsed, parse_thresholds(thresholds));
  GateReport report;
  for (const ThresholdBound& t : parsed.bounds) report.checks.push_back(threshold_check(candidate, t));
  if (baseline) {
    const std::map<std::string, bool> dirs = directions(candidate, baseline->metrics);
    if (parsed.regression_metrics) {
      for (const std::string& metric : *parsed.regression_metrics) {
        auto d = dirs.find(metric);
        if (d != dirs.end()) {
          report.checks.push_back(regression_check(metric, d->second, candidate, *baseline, parsed.max_regression));
          continue;
        }
        GateCheck c;
        c.metric = metric;
        c.kind = CheckKind::kRegression;
        c.rule = kRegressionMetrics;
        c.candidate = number_of(candidate.values, metric);
        c.baseline = number_of(baseline->metrics.values, metric);
        c.message = fmt::format("{} cannot be compared with {}: the evaluation gives it no direction", metric,
                                baseline->label);
        report.checks.push_back(std::move(c));
      }
    } else {
      for (const auto& [metric, higher] : dirs) {
        if (!number_of(candidate.values, metric) && !number_of(baseline->metrics.values, metric)) continue;
        report.checks.push_back(regression_check(metric, higher, candidate, *baseline, parsed.max_regression));
      }
    }
  }
  report.passed = true;
  for (const GateCheck& c : report.checks) report.passed = report.passed && c.passed;
  report.summary = summarize(report, baseline != nullptr);
  return report;
}

nlohmann::json to_json(const GateCheck& c) {
  nlohmann::json j = {{"metric", c.metric},
                      {"kind", check_kind_name(c.kind)},
                      {"rule", c.rule},
                      {"passed", c.passed},
                      {"message", c.message}};
  j["candidate"] = c.candidate ? nlohmann::json(*c.candidate) : nlohmann::json(nullptr);
  j["bound"] = c.bound ? nlohmann::json(*c.bound) : nlohmann::json(nullptr);
  if (c.kind == CheckKind::kRegression) j["baseline"] = c.baseline ? nlohmann::json(*c.baseline) : nlohmann::json(nullptr);
  return j;
}

nlohmann::json to_json(const GateReport& r) {
  nlohmann::json checks = nlohmann::json::array();
  for (const GateCheck& c : r.checks) checks.push_back(to_json(c));
  return {{"passed", r.passed}, {"checks", checks}, {"summary", r.summary}};
}

}  // namespace maas::registry

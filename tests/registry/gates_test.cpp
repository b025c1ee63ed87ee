// Evaluation gates as pure code: every reason a gate passes or fails, with exact messages.
#include <cmath>
#include <limits>

#include <gtest/gtest.h>

#include "registry/gates.h"

namespace maas::registry {
namespace {

using nlohmann::json;

Metrics perplexity_metrics(double ppl, double nll) {
  Metrics m;
  m.values = {{"perplexity", ppl}, {"mean_nll", nll}, {"tokens", 512}};
  m.higher_is_better = {{"perplexity", false}, {"mean_nll", false}};
  return m;
}

Metrics accuracy_metrics(double acc) {
  Metrics m;
  m.values = {{"accuracy", acc}};
  m.higher_is_better = {{"accuracy", true}};
  return m;
}

GateReport gate(const Metrics& candidate, const json& thresholds, const Baseline* baseline = nullptr) {
  Result<GateReport> r = apply_gates(candidate, thresholds, baseline);
  EXPECT_TRUE(r.is_ok()) << r.status().message();
  return r.is_ok() ? *r : GateReport{};
}

TEST(GatesTest, NoThresholdsAndNoProductionPassesAndSaysSo) {
  GateReport r = gate(perplexity_metrics(8, 2.08), json::object());
  EXPECT_TRUE(r.passed);
  EXPECT_TRUE(r.checks.empty());
  EXPECT_EQ(r.summary, "passed: no thresholds set and no production version to compare against");
  // A model that never had thresholds set stores null.
  EXPECT_TRUE(gate(perplexity_metrics(8, 2.08), json()).passed);
}

TEST(GatesTest, MaxThresholdPassesAtAndBelowTheBound) {
  GateReport r = gate(perplexity_metrics(30, 3.4), {{"max_perplexity", 30}});
  ASSERT_EQ(r.checks.size(), 1u);
  const GateCheck& c = r.checks[0];
  EXPECT_TRUE(r.passed);
  EXPECT_TRUE(c.passed);
  EXPECT_EQ(c.metric, "perplexity");
  EXPECT_EQ(c.kind, CheckKind::kThreshold);
  EXPECT_EQ(c.rule, "max_perplexity");
  EXPECT_EQ(c.candidate, 30.0);
  EXPECT_EQ(c.bound, 30.0);
  EXPECT_EQ(c.message, "perplexity 30 <= max_perplexity 30");
  EXPECT_EQ(r.summary, "passed 1 check: perplexity 30 <= max_perplexity 30; no production version to compare against");
}

TEST(GatesTest, MaxThresholdFailsAboveTheBound) {
  GateReport r = gate(perplexity_metrics(31.25, 3.44), {{"max_perplexity", 30}});
  EXPECT_FALSE(r.passed);
  ASSERT_EQ(r.checks.size(), 1u);
  EXPECT_FALSE(r.checks[0].passed);
  EXPECT_EQ(r.checks[0].message, "perplexity 31.25 exceeds max_perplexity 30");
  EXPECT_EQ(r.summary,
            "failed 1 of 1 check: perplexity 31.25 exceeds max_perplexity 30; no production version to compare against");
}

TEST(GatesTest, MinThresholdPassesAndFails) {
  GateReport ok = gate(accuracy_metrics(0.85), {{"min_accuracy", 0.8}});
  EXPECT_TRUE(ok.passed);
  EXPECT_EQ(ok.checks.at(0).message, "accuracy 0.85 >= min_accuracy 0.8");
  GateReport low = gate(accuracy_metrics(0.75), {{"min_accuracy", 0.8}});
  EXPECT_FALSE(low.passed);
  EXPECT_EQ(low.checks.at(0).message, "accuracy 0.75 is below min_accuracy 0.8");
}

TEST(GatesTest, ThresholdsIgnoreDirection) {
  // The bound's prefix decides, not higher_is_better: a minimum number of scored tokens
  // (a metric with no direction) and a floor on perplexity are both expressible.
  GateReport r = gate(perplexity_metrics(8, 2.08), {{"min_tokens", 1000}, {"min_perplexity", 1}});
  ASSERT_EQ(r.checks.size(), 2u);
  EXPECT_TRUE(r.checks[0].passed) << r.checks[0].message;  // min_perplexity (keys are sorted)
  EXPECT_FALSE(r.checks[1].passed);
  EXPECT_EQ(r.checks[1].message, "tokens 512 is below min_tokens 1000");
  EXPECT_FALSE(r.passed);
}

TEST(GatesTest, AMetricTheEvaluationDidNotReportFails) {
  GateReport r = gate(perplexity_metrics(8, 2.08), {{"min_accuracy", 0.8}, {"max_perplexity", 30}});
  EXPECT_FALSE(r.passed);
  ASSERT_EQ(r.checks.size(), 2u);
  EXPECT_EQ(r.checks[0].metric, "perplexity");
  EXPECT_TRUE(r.checks[0].passed);
  EXPECT_EQ(r.checks[1].metric, "accuracy");
  EXPECT_FALSE(r.checks[1].passed);
  EXPECT_FALSE(r.checks[1].candidate.has_value());
  EXPECT_EQ(r.checks[1].message, "accuracy was not reported by the evaluation (min_accuracy 0.8)");
  // The summary lists only what failed.
  EXPECT_EQ(r.summary,
            "failed 1 of 2 checks: accuracy was not reported by the evaluation (min_accuracy 0.8); "
            "no production version to compare against");
}

TEST(GatesTest, ANonFiniteValueFails) {
  GateReport r = gate(perplexity_metrics(std::numeric_limits<double>::infinity(), 50), {{"max_perplexity", 1e9}});
  EXPECT_FALSE(r.passed);
  EXPECT_EQ(r.checks.at(0).message, "perplexity is inf, not a finite number (max_perplexity 1e+09)");
}

TEST(GatesTest, NoWorseThanProductionByDefault) {
  Baseline prod{"production v1", perplexity_metrics(8, 2.0)};
  GateReport same = gate(perplexity_metrics(8, 2.0), json::object(), &prod);
  EXPECT_TRUE(same.passed) << same.summary;
  ASSERT_EQ(same.checks.size(), 2u);  // mean_nll and perplexity; tokens has no direction
  EXPECT_EQ(same.checks[0].metric, "mean_nll");
  EXPECT_EQ(same.checks[1].metric, "perplexity");
  EXPECT_EQ(same.checks[1].kind, CheckKind::kRegression);
  EXPECT_EQ(same.checks[1].rule, "max_regression");
  EXPECT_EQ(same.checks[1].baseline, 8.0);
  EXPECT_EQ(same.checks[1].bound, 8.0);
  EXPECT_EQ(same.checks[1].message, "perplexity 8 vs 8 on production v1: no change");

  GateReport worse = gate(perplexity_metrics(8.08, 2.01), json::object(), &prod);
  EXPECT_FALSE(worse.passed);
  EXPECT_EQ(worse.checks[1].message, "perplexity 8.08 vs 8 on production v1: 1.00% worse, beyond the 0% tolerance (max 8)");
  EXPECT_EQ(worse.checks[0].message, "mean_nll 2.01 vs 2 on production v1: 0.50% worse, beyond the 0% tolerance (max 2)");
  EXPECT_EQ(worse.summary,
            "failed 2 of 2 checks: mean_nll 2.01 vs 2 on production v1: 0.50% worse, beyond the 0% tolerance (max 2); "
            "perplexity 8.08 vs 8 on production v1: 1.00% worse, beyond the 0% tolerance (max 8)");

  GateReport better = gate(perplexity_metrics(7.5, 1.9), json::object(), &prod);
  EXPECT_TRUE(better.passed);
  EXPECT_EQ(better.checks[1].message, "perplexity 7.5 vs 8 on production v1: 6.25% better");
}

TEST(GatesTest, RegressionWithinAndBeyondTheTolerance) {
  Baseline prod{"production v1", perplexity_metrics(8, 2.0)};
  const json t = {{"max_regression", 0.05}};
  GateReport within = gate(perplexity_metrics(8.2, 2.05), t, &prod);
  EXPECT_TRUE(within.passed) << within.summary;
  EXPECT_DOUBLE_EQ(*within.checks[1].bound, 8.4);
  EXPECT_EQ(within.checks[1].message,
            "perplexity 8.2 vs 8 on production v1: 2.50% worse, within the 5% tolerance (max 8.4)");
  EXPECT_EQ(within.summary.rfind("passed 2 checks: mean_nll 2.05 vs 2 on production v1: 2.50% worse", 0), 0u)
      << within.summary;
  EXPECT_EQ(within.summary.find("no production version"), std::string::npos);

  GateReport beyond = gate(perplexity_metrics(8.6, 2.05), t, &prod);
  EXPECT_FALSE(beyond.passed);
  EXPECT_TRUE(beyond.checks[0].passed);  // mean_nll is still within 5%
  EXPECT_FALSE(beyond.checks[1].passed);
  EXPECT_EQ(beyond.checks[1].message,
            "perplexity 8.6 vs 8 on production v1: 7.50% worse, beyond the 5% tolerance (max 8.4)");
  EXPECT_EQ(beyond.summary,
            "failed 1 of 2 checks: perplexity 8.6 vs 8 on production v1: 7.50% worse, beyond the 5% tolerance (max 8.4)");
}

TEST(GatesTest, RegressionWhenHigherIsBetter) {
  Baseline prod{"production v3", accuracy_metrics(0.8)};
  const json t = {{"max_regression", 0.1}};
  GateReport within = gate(accuracy_metrics(0.75), t, &prod);
  EXPECT_TRUE(within.passed);
  EXPECT_DOUBLE_EQ(*within.checks.at(0).bound, 0.72);
  EXPECT_EQ(within.checks[0].message,
            "accuracy 0.75 vs 0.8 on production v3: 6.25% worse, within the 10% tolerance (min 0.72)");
  GateReport beyond = gate(accuracy_metrics(0.7), t, &prod);
  EXPECT_FALSE(beyond.passed);
  EXPECT_EQ(beyond.checks[0].message,
            "accuracy 0.7 vs 0.8 on production v3: 12.50% worse, beyond the 10% tolerance (min 0.72)");
  GateReport better = gate(accuracy_metrics(0.9), json::object(), &prod);
  EXPECT_TRUE(better.passed);
  EXPECT_EQ(better.checks[0].message, "accuracy 0.9 vs 0.8 on production v3: 12.50% better");
}

TEST(GatesTest, ThresholdsAndRegressionTogether) {
  Baseline prod{"production v1", perplexity_metrics(8, 2.0)};
  GateReport r = gate(perplexity_metrics(7, 1.95), {{"max_perplexity", 6}, {"max_regression", 0.05}}, &prod);
  EXPECT_FALSE(r.passed);
  ASSERT_EQ(r.checks.size(), 3u);
  EXPECT_EQ(r.checks[0].kind, CheckKind::kThreshold);
  EXPECT_FALSE(r.checks[0].passed);
  EXPECT_TRUE(r.checks[1].passed);
  EXPECT_TRUE(r.checks[2].passed);
  EXPECT_EQ(r.summary, "failed 1 of 3 checks: perplexity 7 exceeds max_perplexity 6");
}

TEST(GatesTest, RegressionOnAMetricTheCandidateLacksFails) {
  Baseline prod{"production v1", perplexity_metrics(8, 2.0)};
  Metrics candidate;
  candidate.values = {{"perplexity", 7.0}};
  candidate.higher_is_better = {{"perplexity", false}};
  GateReport r = gate(candidate, json::object(), &prod);
  EXPECT_FALSE(r.passed);
  ASSERT_EQ(r.checks.size(), 2u);
  EXPECT_EQ(r.checks[0].metric, "mean_nll");  // its direction comes from production
  EXPECT_FALSE(r.checks[0].passed);
  EXPECT_EQ(r.checks[0].message, "mean_nll was not reported by the evaluation but production v1 has 2");
  EXPECT_TRUE(r.checks[1].passed);
}

TEST(GatesTest, AMetricProductionLacksIsNotCompared) {
  Metrics old;
  old.values = {{"perplexity", 8.0}};
  old.higher_is_better = {{"perplexity", false}};
  Baseline prod{"production v1", old};
  GateReport r = gate(perplexity_metrics(7, 1.95), json::object(), &prod);
  EXPECT_TRUE(r.passed);
  ASSERT_EQ(r.checks.size(), 2u);
  EXPECT_TRUE(r.checks[0].passed);
  EXPECT_FALSE(r.checks[0].baseline.has_value());
  EXPECT_EQ(r.checks[0].message, "mean_nll not compared: production v1 has no finite value for it");
}

TEST(GatesTest, RelativeToleranceUsesTheMagnitudeOfNegativeValues) {
  Metrics m;  // e.g. a log-likelihood, higher is better, negative
  m.values = {{"loglik", -105.0}};
  m.higher_is_better = {{"loglik", true}};
  Metrics base;
  base.values = {{"loglik", -100.0}};
  base.higher_is_better = {{"loglik", true}};
  Baseline prod{"production v2", base};
  GateReport r = gate(m, {{"max_regression", 0.1}}, &prod);
  EXPECT_TRUE(r.passed);
  EXPECT_DOUBLE_EQ(*r.checks.at(0).bound, -110.0);
  EXPECT_EQ(r.checks[0].message, "loglik -105 vs -100 on production v2: 5.00% worse, within the 10% tolerance (min -110)");
}

TEST(GatesTest, RegressionMetricsLimitsTheComparison) {
  // mean_nll is log(perplexity): held to the same relative tolerance it is the stricter
  // check whenever perplexity < e. Naming perplexity compares only that.
  Baseline prod{"production v1", perplexity_metrics(1.65426, 0.503355)};
  const Metrics candidate = perplexity_metrics(1.70494, 0.533528);
  GateReport both = gate(candidate, {{"max_regression", 0.05}}, &prod);
  EXPECT_FALSE(both.passed);
  EXPECT_EQ(both.summary,
            "failed 1 of 2 checks: mean_nll 0.533528 vs 0.503355 on production v1: 5.99% worse, beyond the 5% "
            "tolerance (max 0.528523)");
  GateReport ppl = gate(candidate, {{"max_regression", 0.05}, {"regression_metrics", {"perplexity"}}}, &prod);
  EXPECT_TRUE(ppl.passed) << ppl.summary;
  ASSERT_EQ(ppl.checks.size(), 1u);
  EXPECT_EQ(ppl.checks[0].message,
            "perplexity 1.70494 vs 1.65426 on production v1: 3.06% worse, within the 5% tolerance (max 1.73697)");
  // A listed metric without a direction cannot be compared, and says so.
  GateReport tokens = gate(candidate, {{"regression_metrics", {"tokens"}}}, &prod);
  EXPECT_FALSE(tokens.passed);
  EXPECT_EQ(tokens.checks.at(0).message, "tokens cannot be compared with production v1: the evaluation gives it no direction");
  EXPECT_EQ(tokens.checks[0].rule, "regression_metrics");
  // Without production the list changes nothing.
  EXPECT_TRUE(gate(candidate, {{"regression_metrics", {"tokens"}}}).passed);
  EXPECT_EQ(parse_thresholds({{"regression_metrics", {"perplexity"}}})->regression_metrics,
            std::vector<std::string>{"perplexity"});
  EXPECT_FALSE(parse_thresholds(json::object())->regression_metrics.has_value());
}

TEST(GatesTest, InvalidThresholdsAreRefusedNamingTheKey) {
  Metrics m = perplexity_metrics(8, 2);
  struct Case {
    json thresholds;
    std::string message;
    std::string field;
  };
  std::vector<Case> cases = {
      {json::array({1}), "thresholds must be a JSON object, got [1]", ""},
      {{{"perplexity", 30}}, "unknown threshold 'perplexity' (use min_<metric>, max_<metric>, max_regression or regression_metrics)",
       "perplexity"},
      {{{"max_", 30}}, "unknown threshold 'max_' (use min_<metric>, max_<metric>, max_regression or regression_metrics)", "max_"},
      {{{"max_perplexity", "30"}}, "threshold 'max_perplexity' must be a finite number, got \"30\"", "max_perplexity"},
      {{{"max_regression", -0.1}}, "max_regression must be >= 0 (a fraction: 0.05 is 5%), got -0.1", "max_regression"},
      {{{"regression_metrics", "perplexity"}}, "regression_metrics must be a list of metric names, got \"perplexity\"",
       "regression_metrics"},
      {{{"regression_metrics", {1}}}, "regression_metrics must be a list of metric names, got [1]", "regression_metrics"},
  };
  for (const Case& c : cases) {
    Result<GateReport> r = apply_gates(m, c.thresholds, nullptr);
    ASSERT_FALSE(r.is_ok()) << c.thresholds.dump();
    EXPECT_EQ(r.status().code(), Code::kInvalidArgument);
    EXPECT_EQ(r.status().message(), c.message);
    EXPECT_EQ(r.status().field(), c.field);
    EXPECT_FALSE(parse_thresholds(c.thresholds).is_ok());
  }
}

TEST(GatesTest, ParsedThresholds) {
  Result<ParsedThresholds> p = parse_thresholds({{"max_perplexity", 30}, {"min_accuracy", 0.8}, {"max_regression", 0.05}});
  ASSERT_TRUE(p.is_ok()) << p.status().message();
  EXPECT_DOUBLE_EQ(p->max_regression, 0.05);
  ASSERT_EQ(p->bounds.size(), 2u);
  EXPECT_EQ(p->bounds[0].key, "max_perplexity");
  EXPECT_EQ(p->bounds[0].metric, "perplexity");
  EXPECT_TRUE(p->bounds[0].is_max);
  EXPECT_EQ(p->bounds[1].metric, "accuracy");
  EXPECT_FALSE(p->bounds[1].is_max);
  EXPECT_DOUBLE_EQ(p->bounds[1].bound, 0.8);
  EXPECT_DOUBLE_EQ(parse_thresholds(json::object())->max_regression, 0.0);
}

TEST(GatesTest, ReportAsJson) {
  Baseline prod{"production v1", perplexity_metrics(8, 2.0)};
  GateReport r = gate(perplexity_metrics(8.6, 2.05), {{"max_perplexity", 30}, {"max_regression", 0.05}}, &prod);
  json j = to_json(r);
  EXPECT_EQ(j["passed"], false);
  EXPECT_EQ(j["summary"], r.summary);
  ASSERT_EQ(j["checks"].size(), 3u);
  EXPECT_EQ(j["checks"][0],
            json({{"metric", "perplexity"}, {"kind", "threshold"}, {"rule", "max_perplexity"}, {"passed", true},
                  {"candidate", 8.6}, {"bound", 30.0}, {"message", "perplexity 8.6 <= max_perplexity 30"}}));
  EXPECT_EQ(j["checks"][2]["kind"], "regression");
  EXPECT_EQ(j["checks"][2]["baseline"], 8.0);
  EXPECT_EQ(j["checks"][2]["passed"], false);
}

}  // namespace
}  // namespace maas::registry

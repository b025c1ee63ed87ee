// The evaluation gate end to end with real files, a real SQLite registry and the real
// stories260K model: evaluate_version directly, `maas models evaluate|thresholds`
// through the binary, and the admin API through a real server.
#include <sys/stat.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>
#include <httplib.h>

#include "core/hash.h"
#include "helpers/server_process.h"
#include "llm/model/quantize.h"
#include "registry/store.h"
#include "serving/context.h"
#include "serving/families.h"
#include "serving/lifecycle/evaluation.h"

namespace maas::serving {
namespace {

using maas::testing::CommandResult;
using maas::testing::run_maas;
using maas::testing::TempDir;
using nlohmann::json;
using registry::Registry;
using registry::Stage;

const std::string kStories = std::string(MAAS_SHARED_DIR) + "/models/stories260K.gguf";

// Held-out text in the style stories260K was trained on (children's stories).
const char* kHeldOut =
    "Once upon a time, there was a little girl named Lily. She loved to play outside in the sun. "
    "One day, she saw a big red ball in the park. She ran to the ball and kicked it very high. "
    "Her friend Tom came to play with her. They played with the ball all day long. "
    "When it was time to go home, Lily was tired but happy. She said, \"Thank you, Tom! I had fun today.\" "
    "Tom smiled and said, \"Me too! Let's play again tomorrow.\"\n"
    "Once upon a time, there was a small dog named Max. Max liked to run and jump. "
    "One day, Max found a little bird in the garden. The bird was sad because it could not fly. "
    "Max wanted to help the bird. He gave the bird some water and a soft leaf. "
    "The next day, the bird felt better and flew up into the sky. Max was very happy.\n";

// Other held-out text (a different sha256) for the "not the same data" cases.
const char* kOtherHeldOut =
    "Once upon a time, there was a boy named Ben. Ben had a toy car. He liked to play with it every day. "
    "One day, the car broke. Ben was sad. His mom said, \"Don't worry, we can fix it.\" "
    "They fixed the car together and Ben was happy again.\n";

void write_text(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
}

// A model file's perplexity computed directly through the family, outside the registry.
Metrics direct_metrics(const FamilyTable& families, const std::string& path, const EvalSpec& spec) {
  const ModelFamily* family = families.find("llm");
  Artifact a;
  a.path = path;
  LoadOptions lo;
  lo.max_sequences = 1;
  auto loaded = family->load(a, lo);
  EXPECT_TRUE(loaded.is_ok()) << loaded.status().message();
  auto m = family->evaluate(**loaded, spec);
  EXPECT_TRUE(m.is_ok()) << m.status().message();
  return m.is_ok() ? *m : Metrics{};
}

double value(const Metrics& m, const char* key) { return m.values.at(key).get<double>(); }

class EvaluationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    register_families(families_);
    registry::RegistryOptions o;
    o.data_dir = dir_.file("data");
    auto r = Registry::open(o);
    ASSERT_TRUE(r.is_ok()) << r.status().message();
    reg_ = std::move(*r);
    write_text(text_, kHeldOut);
    write_text(other_text_, kOtherHeldOut);
  }

  int64_t import(const std::string& path) {
    registry::ImportRequest req;
    req.path = path;
    req.name = "stories";
    req.actor = "alice";
    auto r = import_model_file(*reg_, families_, req);
    EXPECT_TRUE(r.is_ok()) << r.status().message();
    return r.is_ok() ? r->version.version : 0;
  }

  // A second version: the same model with Q8_0 (or other) weights, different bytes.
  std::string quantized(const std::string& type) {
    const std::string out = dir_.file("stories-" + type + ".gguf");
    auto r = llm::quantize_model(kStories, out, *tensor::dtype_from_name(type));
    EXPECT_TRUE(r.is_ok()) << r.status().message();
    return out;
  }

  void set_thresholds(const json& t) {
    registry::ModelMetadata md;
    md.thresholds = t;
    Status st = reg_->set_model_metadata("stories", md, "alice");
    ASSERT_TRUE(st.is_ok()) << st.message();
  }

  Result<EvaluationReport> evaluate(int64_t version, const std::string& data, json options = json::object()) {
    EvalSpec spec;
    spec.data_path = data;
    spec.options = std::move(options);
    return evaluate_version(*reg_, families_, "stories", version, spec, "alice");
  }

  registry::VersionInfo version(int64_t v) { return *reg_->get_version("stories:" + std::to_string(v)); }
  std::vector<registry::AuditEvent> history() { return *reg_->history("stories"); }

  TempDir dir_;
  FamilyTable families_;
  std::unique_ptr<Registry> reg_;
  std::string text_ = dir_.file("held-out.txt");
  std::string other_text_ = dir_.file("other.txt");
};

TEST_F(EvaluationTest, FirstVersionMeetsThresholdsAndGoesToStaging) {
  ASSERT_EQ(import(kStories), 1);
  set_thresholds({{"max_perplexity", 100}});
  const Metrics direct = direct_metrics(families_, kStories, EvalSpec{text_, json::object()});
  const double ppl = value(direct, "perplexity");
  ASSERT_LT(ppl, 100);  // stories260K on children's stories

  const size_t audit_before = history().size();
  Result<EvaluationReport> r = evaluate(1, text_);
  ASSERT_TRUE(r.is_ok()) << r.status().message();
  EXPECT_TRUE(r->gate.passed);
  EXPECT_EQ(r->stage, Stage::kStaging);
  EXPECT_EQ(r->data_sha256, *sha256_file(text_));
  EXPECT_EQ(r->data_path, text_);
  EXPECT_FALSE(r->production_version.has_value());
  EXPECT_DOUBLE_EQ(value(r->metrics, "perplexity"), ppl);
  EXPECT_EQ(r->metrics.values["tokens"], direct.values["tokens"]);
  ASSERT_EQ(r->gate.checks.size(), 1u);
  const registry::GateCheck& c = r->gate.checks[0];
  EXPECT_EQ(c.kind, registry::CheckKind::kThreshold);
  EXPECT_EQ(c.metric, "perplexity");
  EXPECT_DOUBLE_EQ(*c.candidate, ppl);
  EXPECT_EQ(c.bound, 100.0);
  EXPECT_EQ(c.message, fmt::format("perplexity {:.6g} <= max_perplexity 100", ppl));
  EXPECT_EQ(r->gate.summary, "passed 1 check: " + c.message + "; no production version to compare against");

  // The metrics are on the version, with the data they were computed on.
  registry::VersionInfo v = version(1);
  EXPECT_EQ(v.stage, Stage::kStaging);
  EXPECT_DOUBLE_EQ(v.metrics["perplexity"].get<double>(), ppl);
  EXPECT_EQ(v.metrics["eval_data_sha256"], r->data_sha256);
  EXPECT_EQ(v.metrics["eval_data_path"], text_);
  EXPECT_EQ(v.metrics["eval_options"], json::object());
  EXPECT_EQ(v.metrics["higher_is_better"], json({{"perplexity", false}, {"mean_nll", false}}));

  // Audit: registered -> testing, the metrics, testing -> staging with the summary.
  std::vector<registry::AuditEvent> h = history();
  ASSERT_EQ(h.size(), audit_before + 3);
  const std::string about = "evaluation on '" + text_ + "' (sha256 " + r->data_sha256.substr(0, 12) + ")";
  EXPECT_EQ(h[audit_before].action, "transition");
  EXPECT_EQ(h[audit_before].from_stage, "registered");
  EXPECT_EQ(h[audit_before].to_stage, "testing");
  EXPECT_EQ(h[audit_before].reason, about);
  EXPECT_EQ(h[audit_before].actor, "alice");
  EXPECT_EQ(h[audit_before + 1].action, "metrics");
  EXPECT_EQ(h[audit_before + 1].reason.rfind(about + " (metrics {", 0), 0u) << h[audit_before + 1].reason;
  EXPECT_EQ(h[audit_before + 2].from_stage, "testing");
  EXPECT_EQ(h[audit_before + 2].to_stage, "staging");
  EXPECT_EQ(h[audit_before + 2].reason, r->gate.summary);

  json j = to_json(*r);
  EXPECT_EQ(j["passed"], true);
  EXPECT_EQ(j["stage"], "staging");
  EXPECT_EQ(j["production"], nullptr);
  EXPECT_EQ(j["checks"].size(), 1u);
}

TEST_F(EvaluationTest, CandidateIsComparedWithProductionOnTheSameData) {
  ASSERT_EQ(import(kStories), 1);
  ASSERT_TRUE(evaluate(1, text_).is_ok());
  ASSERT_TRUE(reg_->transition("stories", 1, Stage::kProduction, "alice", "first release").is_ok());
  const std::string q8 = quantized("q8_0");
  ASSERT_EQ(import(q8), 2);

  const double tolerance = 0.001;
  set_thresholds({{"max_regression", tolerance}});
  const Metrics m1 = direct_metrics(families_, kStories, EvalSpec{text_, json::object()});
  const Metrics m2 = direct_metrics(families_, q8, EvalSpec{text_, json::object()});
  const double ppl1 = value(m1, "perplexity"), ppl2 = value(m2, "perplexity");
  const double nll1 = value(m1, "mean_nll"), nll2 = value(m2, "mean_nll");
  ASSERT_NE(ppl1, ppl2);  // really different weights

  Result<EvaluationReport> r = evaluate(2, text_);
  ASSERT_TRUE(r.is_ok()) << r.status().message();
  EXPECT_EQ(r->production_version, 1);
  EXPECT_TRUE(r->production_reused);  // v1 was evaluated on these bytes with these options
  ASSERT_EQ(r->gate.checks.size(), 2u);
  const registry::GateCheck& nll = r->gate.checks[0];
  const registry::GateCheck& ppl = r->gate.checks[1];
  EXPECT_EQ(nll.metric, "mean_nll");
  EXPECT_EQ(ppl.metric, "perplexity");
  EXPECT_EQ(ppl.kind, registry::CheckKind::kRegression);
  EXPECT_DOUBLE_EQ(*ppl.candidate, ppl2);
  EXPECT_DOUBLE_EQ(*ppl.baseline, ppl1);
  EXPECT_DOUBLE_EQ(*ppl.bound, ppl1 * (1 + tolerance));
  EXPECT_DOUBLE_EQ(*nll.candidate, nll2);
  EXPECT_DOUBLE_EQ(*nll.baseline, nll1);

  // The verdict follows the numbers, and the message says which way and by how much.
  const bool ppl_ok = ppl2 <= ppl1 * (1 + tolerance);
  const bool nll_ok = nll2 <= nll1 + tolerance * std::fabs(nll1);
  EXPECT_EQ(ppl.passed, ppl_ok);
  EXPECT_EQ(nll.passed, nll_ok);
  EXPECT_EQ(r->gate.passed, ppl_ok && nll_ok);
  const double change = std::fabs(ppl2 - ppl1) / ppl1 * 100;
  std::string expected = fmt::format("perplexity {:.6g} vs {:.6g} on production v1: {:.2f}% {}", ppl2, ppl1, change,
                                     ppl2 > ppl1 ? "worse" : "better");
  if (ppl2 > ppl1) {
    expected += fmt::format(", {} the 0.1% tolerance (max {:.6g})", ppl_ok ? "within" : "beyond", ppl1 * (1 + tolerance));
  }
  EXPECT_EQ(ppl.message, expected);
  EXPECT_EQ(r->stage, r->gate.passed ? Stage::kStaging : Stage::kRejected);
  EXPECT_EQ(version(2).stage, r->stage);
  EXPECT_EQ(history().back().reason, r->gate.summary);
}

TEST_F(EvaluationTest, ARegressionBeyondTheToleranceIsRejectedSayingWhy) {
  ASSERT_EQ(import(kStories), 1);
  ASSERT_TRUE(evaluate(1, text_).is_ok());
  ASSERT_TRUE(reg_->transition("stories", 1, Stage::kProduction, "alice", "first release").is_ok());
  const std::string q4 = quantized("q4_0");
  ASSERT_EQ(import(q4), 2);
  const double ppl1 = version(1).metrics["perplexity"].get<double>();
  const double ppl2 = value(direct_metrics(families_, q4, EvalSpec{text_, json::object()}), "perplexity");
  ASSERT_GT(ppl2, ppl1) << "4-bit weights are expected to do worse on this text";
  // A tolerance of half the actual regression: the candidate must fail on perplexity.
  const double tolerance = (ppl2 - ppl1) / ppl1 / 2;
  set_thresholds({{"max_perplexity", 1000}, {"max_regression", tolerance}});

  Result<EvaluationReport> r = evaluate(2, text_);
  ASSERT_TRUE(r.is_ok()) << r.status().message();
  EXPECT_FALSE(r->gate.passed);
  EXPECT_EQ(r->stage, Stage::kRejected);
  ASSERT_EQ(r->gate.checks.size(), 3u);
  EXPECT_TRUE(r->gate.checks[0].passed);  // max_perplexity 1000
  const registry::GateCheck& ppl = r->gate.checks[2];
  EXPECT_EQ(ppl.metric, "perplexity");
  EXPECT_FALSE(ppl.passed);
  EXPECT_DOUBLE_EQ(*ppl.candidate, ppl2);
  EXPECT_DOUBLE_EQ(*ppl.baseline, ppl1);
  EXPECT_NE(ppl.message.find(fmt::format("{:.2f}% worse, beyond the", (ppl2 - ppl1) / ppl1 * 100)), std::string::npos)
      << ppl.message;
  EXPECT_NE(r->gate.summary.find(ppl.message), std::string::npos) << r->gate.summary;
  EXPECT_EQ(r->gate.summary.rfind("failed ", 0), 0u);

  registry::AuditEvent last = history().back();
  EXPECT_EQ(last.action, "transition");
  EXPECT_EQ(last.from_stage, "testing");
  EXPECT_EQ(last.to_stage, "rejected");
  EXPECT_EQ(last.actor, "alice");
  EXPECT_EQ(last.reason, r->gate.summary);
  // The rejected version's metrics are kept.
  EXPECT_DOUBLE_EQ(version(2).metrics["perplexity"].get<double>(), ppl2);
  EXPECT_EQ(version(1).stage, Stage::kProduction);
}

TEST_F(EvaluationTest, ProductionIsReEvaluatedWhenItsMetricsAreOnOtherData) {
  ASSERT_EQ(import(kStories), 1);
  ASSERT_TRUE(evaluate(1, other_text_).is_ok());
  ASSERT_TRUE(reg_->transition("stories", 1, Stage::kProduction, "alice", "first release").is_ok());
  ASSERT_EQ(import(quantized("q8_0")), 2);
  set_thresholds({{"max_regression", 0.5}});

  Result<EvaluationReport> r = evaluate(2, text_);
  ASSERT_TRUE(r.is_ok()) << r.status().message();
  EXPECT_FALSE(r->production_reused);
  const double ppl1 = value(direct_metrics(families_, kStories, EvalSpec{text_, json::object()}), "perplexity");
  EXPECT_DOUBLE_EQ(value(*r->production_metrics, "perplexity"), ppl1);
  EXPECT_TRUE(r->gate.passed) << r->gate.summary;  // q8_0 is within 50% of f32
  // Production's metrics now describe the new data, with an audit row saying why.
  registry::VersionInfo v1 = version(1);
  EXPECT_EQ(v1.metrics["eval_data_sha256"], *sha256_file(text_));
  EXPECT_DOUBLE_EQ(v1.metrics["perplexity"].get<double>(), ppl1);
  bool found = false;
  for (const auto& e : history()) {
    if (e.action == "metrics" && e.version == 1 && e.reason.find("as the baseline for version 2") != std::string::npos)
      found = true;
  }
  EXPECT_TRUE(found);
}

TEST_F(EvaluationTest, OtherOptionsAreOtherData) {
  ASSERT_EQ(import(kStories), 1);
  ASSERT_TRUE(evaluate(1, text_).is_ok());
  ASSERT_TRUE(reg_->transition("stories", 1, Stage::kProduction, "alice", "first release").is_ok());
  ASSERT_EQ(import(quantized("q8_0")), 2);
  set_thresholds({{"max_regression", 0.5}});
  Result<EvaluationReport> r = evaluate(2, text_, {{"max_tokens", 64}});
  ASSERT_TRUE(r.is_ok()) << r.status().message();
  EXPECT_FALSE(r->production_reused);
  EXPECT_EQ(r->metrics.values["tokens"], 64);
  EXPECT_EQ(r->production_metrics->values["tokens"], 64);
  EXPECT_EQ(version(1).metrics["eval_options"], json({{"max_tokens", 64}}));
}

TEST_F(EvaluationTest, AThresholdItCannotMeetRejectsIt) {
  ASSERT_EQ(import(kStories), 1);
  set_thresholds({{"max_perplexity", 1.0}});
  Result<EvaluationReport> r = evaluate(1, text_);
  ASSERT_TRUE(r.is_ok()) << r.status().message();
  EXPECT_FALSE(r->gate.passed);
  EXPECT_EQ(r->stage, Stage::kRejected);
  const double ppl = value(r->metrics, "perplexity");
  const std::string why = fmt::format("perplexity {:.6g} exceeds max_perplexity 1", ppl);
  EXPECT_EQ(r->gate.checks.at(0).message, why);
  EXPECT_EQ(r->gate.summary, "failed 1 of 1 check: " + why + "; no production version to compare against");
  registry::AuditEvent last = history().back();
  EXPECT_EQ(last.to_stage, "rejected");
  EXPECT_EQ(last.reason, r->gate.summary);
  // Rejected is final: evaluating again is refused.
  Result<EvaluationReport> again = evaluate(1, text_);
  ASSERT_FALSE(again.is_ok());
  EXPECT_EQ(again.status().code(), Code::kFailedPrecondition);
  EXPECT_EQ(again.status().message(),
            "stories:1 is rejected; only registered or testing versions are evaluated (the gate decides staging once)");
}

TEST_F(EvaluationTest, AMissingDataFileChangesNothing) {
  ASSERT_EQ(import(kStories), 1);
  const size_t audit_before = history().size();
  const std::string missing = dir_.file("no-such-file.txt");
  Result<EvaluationReport> r = evaluate(1, missing);
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.status().code(), Code::kInvalidArgument);
  EXPECT_EQ(r.status().message(), "evaluation data: cannot open '" + missing + "': No such file or directory");
  EXPECT_EQ(r.status().field(), "data");
  EXPECT_EQ(version(1).stage, Stage::kRegistered);
  EXPECT_EQ(history().size(), audit_before);

  // A version already in testing stays there.
  ASSERT_TRUE(reg_->transition("stories", 1, Stage::kTesting, "alice", "manual").is_ok());
  EXPECT_FALSE(evaluate(1, missing).is_ok());
  EXPECT_EQ(version(1).stage, Stage::kTesting);
  EXPECT_EQ(version(1).metrics, json::object());
  // ... and a later evaluation with good data completes the gate.
  Result<EvaluationReport> ok = evaluate(1, text_);
  ASSERT_TRUE(ok.is_ok()) << ok.status().message();
  EXPECT_EQ(ok->stage, Stage::kStaging);
}

TEST_F(EvaluationTest, DataTheFamilyCannotScoreLeavesTheVersionInTesting) {
  ASSERT_EQ(import(kStories), 1);
  const std::string empty = dir_.file("empty.txt");
  write_text(empty, "");
  Result<EvaluationReport> r = evaluate(1, empty);
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.status().message().rfind("evaluating stories:1: ", 0), 0u) << r.status().message();
  EXPECT_EQ(version(1).stage, Stage::kTesting);  // moved there to be evaluated; no verdict
  EXPECT_EQ(version(1).metrics, json::object());
  EXPECT_EQ(history().back().to_stage, "testing");
}

TEST_F(EvaluationTest, AnArtifactThatFailsToLoadLeavesTheVersionInTesting) {
  ASSERT_EQ(import(kStories), 1);
  const std::string artifact = version(1).artifact_path;
  std::filesystem::permissions(artifact, std::filesystem::perms::owner_write, std::filesystem::perm_options::add);
  write_text(artifact, "GGUF but not really a model");
  Result<EvaluationReport> r = evaluate(1, text_);
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.status().message().rfind("loading stories:1: ", 0), 0u) << r.status().message();
  EXPECT_EQ(version(1).stage, Stage::kTesting);
  EXPECT_EQ(version(1).metrics, json::object());
}

TEST_F(EvaluationTest, InputsAreCheckedBeforeAnythingChanges) {
  ASSERT_EQ(import(kStories), 1);
  // Thresholds written around the gate's checks (the registry only needs an object).
  set_thresholds({{"perplexity", 30}});
  const size_t audit_before = history().size();
  Result<EvaluationReport> r = evaluate(1, text_);
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.status().message(),
            "model 'stories' has invalid thresholds: unknown threshold 'perplexity' (use min_<metric>, max_<metric>, "
            "max_regression or regression_metrics)");
  EXPECT_EQ(version(1).stage, Stage::kRegistered);
  EXPECT_EQ(history().size(), audit_before);

  EXPECT_EQ(evaluate(7, text_).status().code(), Code::kNotFound);
  EXPECT_EQ(evaluate(1, "").status().field(), "data");
  EXPECT_EQ(evaluate_version(*reg_, families_, "nobody", 1, EvalSpec{text_, json::object()}, "alice").status().code(),
            Code::kNotFound);
}

// --- the CLI through the real binary ---------------------------------------------------

class EvaluationCliTest : public ::testing::Test {
 protected:
  void SetUp() override { write_text(text_, kHeldOut); }
  CommandResult maas(std::vector<std::string> args) {
    args.push_back("--data-dir");
    args.push_back(data_);
    return run_maas(args);
  }
  TempDir dir_;
  std::string data_ = dir_.file("data");
  std::string text_ = dir_.file("held-out.txt");
};

TEST_F(EvaluationCliTest, EvaluateThresholdsAndExitCodes) {
  ASSERT_EQ(maas({"models", "import", kStories, "--name", "stories"}).exit_code, 0);

  CommandResult none = maas({"models", "thresholds", "stories"});
  ASSERT_EQ(none.exit_code, 0) << none.err;
  EXPECT_EQ(none.out, "stories thresholds: (none; the gate only checks against production)\n");
  CommandResult set = maas({"models", "thresholds", "stories", "--set", R"({"max_perplexity":1000,"max_regression":0.05})"});
  ASSERT_EQ(set.exit_code, 0) << set.err;
  EXPECT_EQ(set.out, "stories thresholds: {\"max_perplexity\":1000,\"max_regression\":0.05}\n");
  CommandResult bad = maas({"models", "thresholds", "stories", "--set", R"({"perplexity":30})"});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_EQ(bad.err,
            "maas: unknown threshold 'perplexity' (use min_<metric>, max_<metric>, max_regression or regression_metrics)\n");
  EXPECT_EQ(maas({"models", "thresholds", "stories", "--set", "{nope"}).err, "maas: --set '{nope' is not valid JSON\n");

  CommandResult missing = maas({"models", "evaluate", "stories:1", "--data", dir_.file("nope.txt")});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_EQ(missing.err, "maas: evaluation data: cannot open '" + dir_.file("nope.txt") + "': No such file or directory\n");

  CommandResult passed = maas({"models", "evaluate", "stories:1", "--data", text_, "--max-tokens", "200"});
  ASSERT_EQ(passed.exit_code, 0) << passed.err;
  EXPECT_EQ(passed.err, "");
  EXPECT_EQ(passed.out.rfind("stories:1 evaluated on " + text_ + " (sha256 " + sha256_file(text_)->substr(0, 12) +
                                 ", max_tokens 200)\nmetrics: mean_nll ",
                             0),
            0u)
      << passed.out;
  EXPECT_NE(passed.out.find(", tokens 200\nproduction: none\n"), std::string::npos) << passed.out;
  EXPECT_NE(passed.out.find("  PASS  threshold   perplexity "), std::string::npos) << passed.out;
  EXPECT_NE(passed.out.find(" <= max_perplexity 1000\n"), std::string::npos) << passed.out;
  EXPECT_NE(passed.out.find("gate passed: stories version 1 is now staging\n"), std::string::npos) << passed.out;

  ASSERT_EQ(maas({"models", "promote", "stories:1"}).exit_code, 0);
  const std::string q8 = dir_.file("q8.gguf");
  ASSERT_EQ(run_maas({"quantize", kStories, q8, "--type", "q8_0"}).exit_code, 0);
  ASSERT_EQ(maas({"models", "import", q8, "--name", "stories"}).exit_code, 0);
  ASSERT_EQ(maas({"models", "thresholds", "stories", "--set", R"({"max_perplexity":1.5})"}).exit_code, 0);

  CommandResult failed =
      maas({"models", "evaluate", "stories:2", "--data", text_, "--max-tokens", "200", "--actor", "bob", "--json"});
  EXPECT_EQ(failed.exit_code, 1);
  json report = json::parse(failed.out);
  EXPECT_EQ(report["passed"], false);
  EXPECT_EQ(report["stage"], "rejected");
  EXPECT_EQ(report["production"]["version"], 1);
  EXPECT_EQ(report["production"]["reused_stored_metrics"], true);
  ASSERT_EQ(report["checks"].size(), 3u);
  EXPECT_EQ(report["checks"][0]["rule"], "max_perplexity");
  EXPECT_EQ(report["checks"][0]["passed"], false);
  // One line on stderr saying the gate failed and why.
  EXPECT_EQ(failed.err.rfind("maas: gate failed, stories:2 rejected: failed ", 0), 0u) << failed.err;
  EXPECT_NE(failed.err.find("exceeds max_perplexity 1.5"), std::string::npos) << failed.err;
  EXPECT_EQ(std::count(failed.err.begin(), failed.err.end(), '\n'), 1);

  CommandResult history = maas({"models", "history", "stories", "--json"});
  json rows = json::parse(history.out);
  EXPECT_EQ(rows.back()["actor"], "bob");
  EXPECT_EQ(rows.back()["to_stage"], "rejected");
  EXPECT_EQ(rows.back()["reason"], report["summary"]);

  CommandResult unversioned = maas({"models", "evaluate", "stories", "--data", text_});
  EXPECT_EQ(unversioned.exit_code, 1);
  EXPECT_EQ(unversioned.err, "maas: 'stories' names no version; write NAME:VERSION (e.g. stories:1)\n");
}

// --- the admin API through a real server -----------------------------------------------

TEST(EvaluationHttpTest, EvaluateAndThresholdsOverHttp) {
  TempDir dir;
  const std::string text = dir.file("held-out.txt");
  write_text(text, kHeldOut);
  maas::testing::ServerProcess server(dir.file("data"));
  ASSERT_TRUE(server.started()) << server.log();
  httplib::Client cli("127.0.0.1", server.port());
  cli.set_read_timeout(120);
  auto imported = cli.Post("/admin/v1/models", json({{"path", kStories}, {"name", "stories"}}).dump(), "application/json");
  ASSERT_TRUE(imported);
  ASSERT_EQ(imported->status, 201) << imported->body;

  auto put = cli.Put("/admin/v1/models/stories/thresholds", R"({"max_perplexity": 1000})", "application/json");
  ASSERT_TRUE(put);
  EXPECT_EQ(put->status, 200) << put->body;
  EXPECT_EQ(json::parse(put->body), json({{"model", "stories"}, {"thresholds", {{"max_perplexity", 1000}}}}));
  auto bad_put = cli.Put("/admin/v1/models/stories/thresholds", R"({"max_regression": -1})", "application/json");
  ASSERT_TRUE(bad_put);
  EXPECT_EQ(bad_put->status, 400);
  EXPECT_EQ(json::parse(bad_put->body)["error"]["param"], "max_regression");
  auto got = cli.Get("/admin/v1/models/stories/thresholds");
  ASSERT_TRUE(got);
  EXPECT_EQ(json::parse(got->body)["thresholds"], json({{"max_perplexity", 1000}}));

  auto missing = cli.Post("/admin/v1/models/stories/versions/1/evaluate", json({{"data", dir.file("nope.txt")}}).dump(),
                          "application/json");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 400);
  EXPECT_EQ(json::parse(missing->body)["error"]["param"], "data");
  auto bad_option = cli.Post("/admin/v1/models/stories/versions/1/evaluate",
                             json({{"data", text}, {"max_tokens", "lots"}}).dump(), "application/json");
  ASSERT_TRUE(bad_option);
  EXPECT_EQ(bad_option->status, 400);
  EXPECT_EQ(json::parse(bad_option->body)["error"]["param"], "max_tokens");

  // A client's own X-Maas-Actor is dropped (with auth on the actor is the key's name).
  auto res = cli.Post("/admin/v1/models/stories/versions/1/evaluate", httplib::Headers{{"X-Maas-Actor", "carol"}},
                      json({{"data", text}, {"max_tokens", 128}}).dump(), "application/json");
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  json report = json::parse(res->body);
  EXPECT_EQ(report["passed"], true);
  EXPECT_EQ(report["stage"], "staging");
  EXPECT_EQ(report["metrics"]["values"]["tokens"], 128);
  ASSERT_EQ(report["checks"].size(), 1u);
  EXPECT_EQ(report["checks"][0]["kind"], "threshold");
  EXPECT_EQ(report["checks"][0]["passed"], true);

  auto history = cli.Get("/admin/v1/models/stories/history");
  ASSERT_TRUE(history);
  json last = json::parse(history->body)["data"].back();
  EXPECT_EQ(last["actor"], "http");
  EXPECT_EQ(last["to_stage"], "staging");
  EXPECT_EQ(last["reason"], report["summary"]);

  // Once staged, the gate has decided.
  auto again = cli.Post("/admin/v1/models/stories/versions/1/evaluate", json({{"data", text}}).dump(), "application/json");
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 409);
  auto not_a_version = cli.Post("/admin/v1/models/stories/versions/x/evaluate", json({{"data", text}}).dump(), "application/json");
  ASSERT_TRUE(not_a_version);
  EXPECT_EQ(not_a_version->status, 400);
}

}  // namespace
}  // namespace maas::serving

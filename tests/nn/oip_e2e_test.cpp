// Train in process -> GGUF artifact -> `maas models import` -> a real `maas serve`:
// the Open Inference Protocol v2 routes and /v1/predictions answer what the in-process
// model computes (within 1e-6), and bad tensors get 400 in the OIP error format.
#include <httplib.h>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "core/capability/predictor.h"
#include "helpers/server_process.h"
#include "nn/mlp_family.h"
#include "nn_test_util.h"

namespace maas::nn {
namespace {

using maas::testing::CommandResult;
using maas::testing::run_maas;
using maas::testing::ServerProcess;
using maas::testing::TempDir;
using nlohmann::json;

class OipServer : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir = new TempDir();
    auto fam = make_mlp_family();
    auto options = resolve_options(fam->train_options(), {{"hidden", {16}}, {"epochs", 40}, {"lr", 0.01}, {"batch", 16}});
    ASSERT_TRUE(options.is_ok());
    NullTrainMonitor monitor;
    const std::string artifact = dir->file("iris.gguf");
    auto r = fam->train(TrainSpec{testing::tabular("iris.csv"), *options, artifact, &monitor});
    ASSERT_TRUE(r.is_ok()) << r.status().to_string();
    CommandResult imp = run_maas({"models", "import", artifact, "--name", "iris", "--data-dir", dir->file("data")});
    ASSERT_EQ(imp.exit_code, 0) << imp.err;
    auto m = fam->load(Artifact{artifact}, LoadOptions{});
    ASSERT_TRUE(m.is_ok());
    model = new std::shared_ptr<LoadedModel>(*m);
    server = new ServerProcess(dir->file("data"));
  }
  static void TearDownTestSuite() {
    delete server;
    delete model;
    delete dir;
  }
  void SetUp() override {
    ASSERT_TRUE(server && server->started());
    cli = std::make_unique<httplib::Client>("127.0.0.1", server->port());
    cli->set_read_timeout(30);
  }
  std::pair<int, json> get(const std::string& path) {
    auto r = cli->Get(path);
    if (!r) return {0, json()};
    return {r->status, json::parse(r->body, nullptr, false)};
  }
  std::pair<int, json> post(const std::string& path, const json& body) {
    auto r = cli->Post(path, body.dump(), "application/json");
    if (!r) return {0, json()};
    return {r->status, json::parse(r->body, nullptr, false)};
  }
  Predictor& local() { return *(*model)->as<Predictor>(); }

  static inline TempDir* dir = nullptr;
  static inline ServerProcess* server = nullptr;
  static inline std::shared_ptr<LoadedModel>* model = nullptr;
  std::unique_ptr<httplib::Client> cli;
};

const std::vector<float> kRows = {5.1f, 3.5f, 1.4f, 0.2f, 6.0f, 2.9f, 4.5f, 1.5f, 6.3f, 3.3f, 6.0f, 2.5f};

json infer_body(const std::string& name, std::vector<int64_t> shape, const std::string& datatype, json data) {
  return {{"inputs", {{{"name", name}, {"shape", shape}, {"datatype", datatype}, {"data", data}}}}};
}

TEST_F(OipServer, HealthAndModelMetadata) {
  EXPECT_EQ(get("/v2/health/live").first, 200);
  EXPECT_EQ(get("/v2/health/ready").second["ready"], true);
  for (const std::string path : {"/v2/models/iris", "/v2/models/iris/versions/1"}) {
    auto [status, meta] = get(path);
    ASSERT_EQ(status, 200) << meta;
    EXPECT_EQ(meta["name"], "iris");
    EXPECT_EQ(meta["versions"], json({"1"}));
    EXPECT_EQ(meta["inputs"], json::parse(R"([{"name":"input","datatype":"FP32","shape":[-1,4]}])"));
    EXPECT_EQ(meta["outputs"][0], json::parse(R"({"name":"probabilities","datatype":"FP32","shape":[-1,3]})"));
    EXPECT_EQ(meta["outputs"][1]["name"], "label");
  }
  EXPECT_EQ(get("/v2/models/iris/ready").second["ready"], true);
  auto missing = get("/v2/models/nope");
  EXPECT_EQ(missing.first, 404);
  EXPECT_TRUE(missing.second["error"].is_string()) << missing.second;
}

TEST_F(OipServer, InferEqualsTheInProcessModel) {
  auto want = local().infer({TensorData{"input", "FP32", {3, 4}, kRows, {}}});
  ASSERT_TRUE(want.is_ok());
  // Nested rows and a flat array are the same tensor.
  json nested = json::array();
  for (int r = 0; r < 3; ++r) nested.push_back(std::vector<float>(kRows.begin() + r * 4, kRows.begin() + r * 4 + 4));
  for (const json& data : {json(kRows), nested}) {
    json body = infer_body("input", {3, 4}, "FP32", data);
    body["id"] = "req-1";
    auto [status, res] = post("/v2/models/iris/infer", body);
    ASSERT_EQ(status, 200) << res;
    EXPECT_EQ(res["model_name"], "iris");
    EXPECT_EQ(res["model_version"], "1");
    EXPECT_EQ(res["id"], "req-1");
    ASSERT_EQ(res["outputs"].size(), 2u);
    const json& probs = res["outputs"][0];
    EXPECT_EQ(probs["name"], "probabilities");
    EXPECT_EQ(probs["shape"], json({3, 3}));
    ASSERT_EQ(probs["data"].size(), 9u);
    for (size_t i = 0; i < 9; ++i) EXPECT_NEAR(probs["data"][i].get<double>(), (*want)[0].fp32[i], 1e-6);
    EXPECT_EQ(res["outputs"][1]["data"], json((*want)[1].bytes));
  }
  // `outputs` selects.
  json body = infer_body("input", {3, 4}, "FP32", kRows);
  body["outputs"] = {{{"name", "label"}}};
  auto [status, res] = post("/v2/models/iris/versions/1/infer", body);
  ASSERT_EQ(status, 200) << res;
  ASSERT_EQ(res["outputs"].size(), 1u);
  EXPECT_EQ(res["outputs"][0]["name"], "label");
  EXPECT_EQ(res["outputs"][0]["data"][0], "setosa");
}

TEST_F(OipServer, PredictionsEqualTheInProcessModel) {
  json rows = json::array();
  for (int r = 0; r < 3; ++r)
    rows.push_back({{"x0", kRows[r * 4]}, {"x1", kRows[r * 4 + 1]}, {"x2", kRows[r * 4 + 2]}, {"x3", kRows[r * 4 + 3]}});
  auto want = local().predict_rows(std::vector<json>(rows.begin(), rows.end()));
  ASSERT_TRUE(want.is_ok());
  auto [status, res] = post("/v1/predictions", {{"model", "iris"}, {"inputs", rows}});
  ASSERT_EQ(status, 200) << res;
  ASSERT_EQ(res["predictions"].size(), 3u);
  for (size_t r = 0; r < 3; ++r) {
    EXPECT_EQ(res["predictions"][r]["label"], (*want)[r]["label"]);
    for (const auto& [label, p] : (*want)[r]["probabilities"].items())
      EXPECT_NEAR(res["predictions"][r]["probabilities"][label].get<double>(), p.get<double>(), 1e-6);
  }
  auto bad = post("/v1/predictions", {{"model", "iris"}, {"inputs", {{{"x0", 1}}}}});
  EXPECT_EQ(bad.first, 400);
  EXPECT_EQ(bad.second["error"]["param"], "inputs") << bad.second;
  EXPECT_NE(bad.second["error"]["message"].get<std::string>().find("inputs[0].x1"), std::string::npos) << bad.second;
}

// The platform's capability routes serve the same model.
TEST_F(OipServer, ClassificationsAndExplanations) {
  const json row = {{"x0", 6.3}, {"x1", 3.3}, {"x2", 6.0}, {"x3", 2.5}};
  auto [status, res] = post("/v1/classifications", {{"model", "iris"}, {"input", {row}}});
  ASSERT_EQ(status, 200) << res;
  auto want = local().predict_rows({row});
  ASSERT_TRUE(want.is_ok());
  EXPECT_EQ(res["data"][0]["label"], (*want)[0]["label"]);
  auto [s2, ex] = post("/v1/explanations", {{"model", "iris"}, {"input", row}});
  ASSERT_EQ(s2, 200) << ex;
  EXPECT_TRUE(ex["data"]["completeness"]["within_1_percent"].get<bool>()) << ex;
  EXPECT_EQ(ex["data"]["attributions"].size(), 4u);
  auto [s3, bad] = post("/v1/explanations", {{"model", "iris"}, {"input", {{"x0", 1}}}});
  EXPECT_EQ(s3, 400) << bad;
}

TEST_F(OipServer, BadTensorsAre400InTheOipErrorFormat) {
  const std::vector<std::pair<json, std::string>> cases = {
      {infer_body("features", {3, 4}, "FP32", kRows), "unexpected input tensor 'features'"},
      {infer_body("input", {4, 3}, "FP32", kRows), "has shape [4, 3], the model takes [-1, 4]"},
      {infer_body("input", {3, 4}, "FP64", kRows), "has datatype FP64, the model takes FP32"},
      {infer_body("input", {2, 4}, "FP32", kRows), "shape needs 8 values, 'data' has 12"},
      {infer_body("input", {3, 4}, "FP32", "oops"), "FP32 data must be numbers"},
      {json{{"inputs", json::array()}}, "'inputs' must be a non-empty array"},
      {json{{"inputs", infer_body("input", {3, 4}, "FP32", kRows)["inputs"]}, {"outputs", {{{"name", "nope"}}}}},
       "unknown output 'nope'"},
  };
  for (const auto& [body, expect] : cases) {
    auto [status, res] = post("/v2/models/iris/infer", body);
    EXPECT_EQ(status, 400) << body;
    ASSERT_TRUE(res.is_object() && res["error"].is_string()) << res;
    EXPECT_NE(res["error"].get<std::string>().find(expect), std::string::npos) << res;
  }
}

}  // namespace
}  // namespace maas::nn

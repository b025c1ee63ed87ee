// The proof of the family contract: a family defined only in this folder (linear_family)
// is trained as a background job (progress, cancel), imported by file detection,
// loaded, served through a capability route (/v1/embeddings) and its own route,
// evaluated by the gate, split as a canary and retired — by a real server on loopback.
#include <chrono>
#include <filesystem>
#include <fstream>
#include <set>
#include <thread>

#include <gtest/gtest.h>
#include <httplib.h>

#include "contract/linear_family.h"
#include "helpers/server_process.h"
#include "registry/store.h"
#include "serving/service.h"

namespace maas::testing {
namespace {

using nlohmann::json;

class FamilyContractTest : public ::testing::Test {
 protected:
  void SetUp() override {
    serving::ServiceOptions o;
    o.http.port = 0;
    o.data_dir = dir_.file("data");
    o.extra_families = [](serving::FamilyTable& t) { t.add(make_linear_family()); };
    service_ = std::make_unique<serving::Service>(o);
    Status st = service_->start();
    ASSERT_TRUE(st.is_ok()) << st.message();
    thread_ = std::thread([this] { (void)service_->run(); });
    cli_ = std::make_unique<httplib::Client>("127.0.0.1", service_->port());
    // y = 3x + 1, exactly.
    std::ofstream(dir_.file("train.csv")) << "x,y\n0,1\n1,4\n2,7\n-1,-2\n0.5,2.5\n";
  }
  void TearDown() override {
    service_->shutdown();
    if (thread_.joinable()) thread_.join();
  }

  std::pair<int, json> post(const std::string& path, const json& body) {
    auto r = cli_->Post(path, body.dump(), "application/json");
    if (!r) return {0, json()};
    return {r->status, json::parse(r->body, nullptr, false)};
  }
  std::pair<int, json> get(const std::string& path) {
    auto r = cli_->Get(path);
    if (!r) return {0, json()};
    return {r->status, json::parse(r->body, nullptr, false)};
  }
  // Polls a job until it is no longer running (10 s at most).
  json wait_job(const std::string& id) {
    for (int i = 0; i < 500; ++i) {
      auto [status, job] = get("/admin/v1/jobs/" + id);
      if (status == 200 && job["state"] != "running") return job;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    ADD_FAILURE() << "job " << id << " still running";
    return json();
  }
  size_t temp_files() {
    size_t n = 0;
    std::error_code ec;
    for (auto& e : std::filesystem::directory_iterator(dir_.file("data") + "/artifacts/tmp", ec)) n += e.exists();
    return n;
  }

  TempDir dir_;
  std::unique_ptr<serving::Service> service_;
  std::thread thread_;
  std::unique_ptr<httplib::Client> cli_;
};

TEST_F(FamilyContractTest, TrainedAsAJobServedEvaluatedRolledOutAndRetired) {
  // Bad requests are refused before any job starts.
  auto [s1, e1] = post("/admin/v1/train", {{"family", "linear"}, {"name", "lin"}, {"data", dir_.file("train.csv")},
                                           {"options", {{"epochs", 0}}}});
  EXPECT_EQ(s1, 400);
  EXPECT_EQ(e1["error"]["param"], "options.epochs");
  auto [s2, e2] = post("/admin/v1/train", {{"family", "nope"}, {"name", "lin"}, {"data", dir_.file("train.csv")}});
  EXPECT_EQ(s2, 400);
  // Lists every family that trains (the real ones too, registered first).
  const std::string trainers = e2["error"]["message"].get<std::string>();
  EXPECT_NE(trainers.find("families that train: "), std::string::npos) << trainers;
  EXPECT_NE(trainers.find("linear)"), std::string::npos) << trainers;
  auto [s3, e3] = post("/admin/v1/train", {{"family", "linear"}, {"name", "lin"}, {"data", dir_.file("none.csv")}});
  EXPECT_EQ(s3, 400);
  EXPECT_EQ(e3["error"]["param"], "data");

  // Train: a job that registers version 1 with its metrics, options and data digest.
  auto [s4, job] = post("/admin/v1/train", {{"family", "linear"}, {"name", "lin"}, {"data", dir_.file("train.csv")},
                                            {"options", {{"epochs", 400}, {"lr", 0.1}}}});
  ASSERT_EQ(s4, 202) << job.dump();
  json done = wait_job(job["id"]);
  ASSERT_EQ(done["state"], "succeeded") << done.dump();
  EXPECT_EQ(done["result"]["version"], 1);
  EXPECT_EQ(done["progress"]["epoch"], 400);
  EXPECT_LT(done["result"]["metrics"]["train_mse"].get<double>(), 1e-4);
  auto [s5, model] = get("/admin/v1/models/lin");
  ASSERT_EQ(s5, 200);
  EXPECT_EQ(model["versions"][0]["family"], "linear");
  EXPECT_EQ(model["versions"][0]["params"]["train_options"]["epochs"], 400);
  EXPECT_FALSE(model["versions"][0]["training_data_digest"].get<std::string>().empty());
  auto [s6, history] = get("/admin/v1/models/lin/history");
  EXPECT_NE(history.dump().find("trained by linear"), std::string::npos);

  // Cancelled halfway: no version, no file left.
  auto [s7, slow] = post("/admin/v1/train", {{"family", "linear"}, {"name", "lin"}, {"data", dir_.file("train.csv")},
                                             {"options", {{"epochs", 1000}, {"delay_ms", 5}}}});
  ASSERT_EQ(s7, 202);
  auto [s7b, busy] = post("/admin/v1/train", {{"family", "linear"}, {"name", "lin"}, {"data", dir_.file("train.csv")}});
  EXPECT_EQ(s7b, 429) << busy.dump();  // --max-train-jobs 1
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  auto [s8, cancelling] = post("/admin/v1/jobs/" + slow["id"].get<std::string>() + "/cancel", json::object());
  EXPECT_EQ(s8, 202);
  EXPECT_EQ(wait_job(slow["id"])["state"], "cancelled");
  auto [s9, after] = get("/admin/v1/models/lin");
  EXPECT_EQ(after["versions"].size(), 1u);
  EXPECT_EQ(temp_files(), 0u);

  // Imported by detection (no family named): version 2, y = 5x.
  std::ofstream(dir_.file("five.lin")) << "LINEAR1 5 0\n";
  auto [s10, imported] = post("/admin/v1/models", {{"path", dir_.file("five.lin")}, {"name", "lin"}});
  ASSERT_EQ(s10, 201) << imported.dump();
  EXPECT_EQ(imported["family"], "linear");
  EXPECT_EQ(imported["version"], 2);

  // Served through a capability route and its own route; other capabilities are refused.
  auto [s11, emb] = post("/v1/embeddings", {{"model", "lin:1"}, {"input", "abcd"}});
  ASSERT_EQ(s11, 200) << emb.dump();
  EXPECT_NEAR(emb["data"][0]["embedding"][0].get<double>(), 13.0, 1e-2);  // 3*4+1
  auto [s12, own] = post("/v1/linear", {{"model", "lin:2"}, {"x", 2}});
  ASSERT_EQ(s12, 200) << own.dump();
  EXPECT_DOUBLE_EQ(own["y"].get<double>(), 10.0);
  auto [s13, refused] = post("/v1/completions", {{"model", "lin:1"}, {"prompt", "hi"}});
  EXPECT_EQ(s13, 400);
  EXPECT_NE(refused["error"]["message"].get<std::string>().find("does not serve completions (it serves: embeddings)"),
            std::string::npos);

  // Evaluated by the gate: version 1 fits the data, so it passes to staging.
  auto [s14, report] = post("/admin/v1/models/lin/versions/1/evaluate", {{"data", dir_.file("train.csv")}});
  ASSERT_EQ(s14, 200) << report.dump();
  EXPECT_LT(report["metrics"]["values"]["rmse"].get<double>(), 0.01);
  EXPECT_EQ(report["stage"], "staging");

  // Canary: both versions take a share of the traffic.
  registry::RegistryOptions ro;
  ro.data_dir = dir_.file("data");
  auto reg = registry::Registry::open(ro);
  ASSERT_TRUE(reg.is_ok());
  ASSERT_TRUE((*reg)->transition("lin", 1, registry::Stage::kProduction, "test", "ship").is_ok());
  for (auto stage : {registry::Stage::kTesting, registry::Stage::kStaging, registry::Stage::kProduction})
    ASSERT_TRUE((*reg)->transition("lin", 2, stage, "test", "canary").is_ok());
  auto r = cli_->Put("/admin/v1/models/lin/traffic",
                     json({{"traffic", {{{"version", 1}, {"weight", 0.5}}, {{"version", 2}, {"weight", 0.5}}}},
                           {"reason", "canary"}})
                         .dump(),
                     "application/json");
  ASSERT_TRUE(r && r->status == 200) << (r ? r->body : "no response");
  std::set<double> answers;
  for (int i = 0; i < 40 && answers.size() < 2; ++i) {
    auto [s, y] = post("/v1/linear", {{"model", "lin"}, {"x", 1}, {"user", "u" + std::to_string(i)}});
    ASSERT_EQ(s, 200) << y.dump();
    answers.insert(std::round(y["y"].get<double>()));
  }
  EXPECT_EQ(answers, (std::set<double>{4.0, 5.0}));

  // Retired: 410 Gone.
  ASSERT_TRUE((*reg)->transition("lin", 1, registry::Stage::kDeprecated, "test", "old").is_ok());
  ASSERT_TRUE((*reg)->transition("lin", 1, registry::Stage::kRetired, "test", "gone").is_ok());
  auto [s15, gone] = post("/v1/linear", {{"model", "lin:1"}, {"x", 1}});
  EXPECT_EQ(s15, 410) << gone.dump();
}

}  // namespace
}  // namespace maas::testing

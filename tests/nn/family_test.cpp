// The mlp family end to end in process: train() from a CSV file to a GGUF artifact,
// detect / validate / load it, evaluate, predict rows and tensors, explain; and every
// kind of bad training data refused with an error naming the row and column, leaving
// no file behind.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

#include "core/capability/classifier.h"
#include "core/capability/explainer.h"
#include "core/capability/predictor.h"
#include "core/family.h"
#include "llm/gguf/gguf.h"
#include "nn/mlp_family.h"
#include "nn/mlp_model.h"
#include "nn_test_util.h"

namespace maas::nn {
namespace {

using nlohmann::json;
using testing::tabular;
using testing::write_file;

struct Trained {
  std::string path;
  TrainResult result;
  std::shared_ptr<LoadedModel> model;
};

Result<TrainResult> train_file(const ModelFamily& fam, const std::string& data, const json& given,
                               const std::string& out) {
  MAAS_ASSIGN_OR_RETURN(json options, resolve_options(fam.train_options(), given));
  NullTrainMonitor monitor;
  return fam.train(TrainSpec{data, options, out, &monitor});
}

Trained train_and_load(const std::string& data, const json& given, const std::string& name) {
  auto fam = make_mlp_family();
  Trained t;
  t.path = ::testing::TempDir() + name + ".gguf";
  auto r = train_file(*fam, data, given, t.path);
  EXPECT_TRUE(r.is_ok()) << r.status().to_string();
  if (!r.is_ok()) return t;
  t.result = *r;
  EXPECT_TRUE(fam->validate(Artifact{t.path}).is_ok());
  auto m = fam->load(Artifact{t.path}, LoadOptions{});
  EXPECT_TRUE(m.is_ok()) << m.status().to_string();
  t.model = *m;
  return t;
}

TEST(MlpFamily, TrainsIrisToAnArtifactThatLoadsEvaluatesPredictsAndExplains) {
  auto fam = make_mlp_family();
  Trained t = train_and_load(tabular("iris.csv"), {{"hidden", {16}}, {"epochs", 60}, {"lr", 0.01}, {"batch", 16}}, "iris");
  ASSERT_TRUE(t.model);
  EXPECT_GE(t.result.metrics["val_accuracy"].get<double>(), 0.8);
  EXPECT_EQ(t.result.params["labels"], json({"setosa", "versicolor", "virginica"}));

  auto file = llm::GgufFile::open(t.path);
  ASSERT_TRUE(file.is_ok());
  EXPECT_EQ(*(*file)->get_string("general.architecture"), "mlp");
  EXPECT_EQ(fam->detect(FileProbe{t.path, 0, "", "mlp"}), std::optional<std::string>("gguf"));
  EXPECT_FALSE(fam->detect(FileProbe{t.path, 0, "", "llama"}));

  auto metrics = fam->evaluate(*t.model, EvalSpec{tabular("iris.csv")});
  ASSERT_TRUE(metrics.is_ok()) << metrics.status().to_string();
  EXPECT_GE(metrics->values["accuracy"].get<double>(), 0.9);
  EXPECT_GT(metrics->values["macro_f1"].get<double>(), 0.85);
  EXPECT_LT(metrics->values["log_loss"].get<double>(), 0.5);
  EXPECT_EQ(metrics->values["confusion_matrix"].size(), 3u);
  EXPECT_EQ(metrics->higher_is_better["log_loss"], false);

  // Rows and tensors give the same probabilities.
  Predictor* p = t.model->as<Predictor>();
  ASSERT_NE(p, nullptr);
  const json row = {{"x0", 6.3}, {"x1", 3.3}, {"x2", 6.0}, {"x3", 2.5}};
  auto rows = p->predict_rows({row});
  ASSERT_TRUE(rows.is_ok()) << rows.status().to_string();
  EXPECT_EQ((*rows)[0]["label"], "virginica");
  auto tensors = p->infer({TensorData{"input", "FP32", {1, 4}, {6.3f, 3.3f, 6.0f, 2.5f}, {}}});
  ASSERT_TRUE(tensors.is_ok()) << tensors.status().to_string();
  EXPECT_NEAR((*tensors)[0].fp32[2], (*rows)[0]["probabilities"]["virginica"].get<double>(), 1e-6);
  EXPECT_EQ((*tensors)[1].bytes[0], "virginica");
  EXPECT_FALSE(p->infer({TensorData{"input", "FP32", {1, 3}, {1, 2, 3}, {}}}).is_ok());
  EXPECT_FALSE(p->infer({TensorData{"inputs", "FP32", {1, 4}, {1, 2, 3, 4}, {}}}).is_ok());
  EXPECT_FALSE(p->infer({TensorData{"input", "FP64", {1, 4}, {1, 2, 3, 4}, {}}}).is_ok());
  auto bad_row = p->predict_rows({row, {{"x0", 1}}});
  ASSERT_FALSE(bad_row.is_ok());
  EXPECT_NE(bad_row.status().message().find("inputs[1].x1"), std::string::npos) << bad_row.status().message();

  auto cls = t.model->as<Classifier>()->classify({row});
  ASSERT_TRUE(cls.is_ok());
  EXPECT_EQ((*cls)[0].label, "virginica");

  // Integrated gradients add up to prediction - baseline.
  auto ex = t.model->as<Explainer>()->explain({{"input", row}});
  ASSERT_TRUE(ex.is_ok()) << ex.status().to_string();
  const json& c = (*ex)["completeness"];
  EXPECT_TRUE(c["within_1_percent"].get<bool>()) << ex->dump();
  EXPECT_EQ((*ex)["attributions"].size(), 4u);
  EXPECT_FALSE(t.model->as<Explainer>()->explain({{"input", row}, {"stepz", 3}}).is_ok());
}

TEST(MlpFamily, RegressesWithOneHotColumnsAndReportsR2) {
  auto t0 = read_table(tabular("iris.csv"));
  ASSERT_TRUE(t0.is_ok());
  std::string csv = "sepal_length,sepal_width,petal_length,species,petal_width\n";
  const char* names[] = {"setosa", "versicolor", "virginica"};
  for (const auto& r : t0->csv.rows) csv += r[0] + "," + r[1] + "," + r[2] + "," + names[std::stoi(r[4])] + "," + r[3] + "\n";
  const std::string data = ::testing::TempDir() + "iris_reg.csv";
  write_file(data, csv);
  Trained t = train_and_load(data, {{"target", "petal_width"}, {"hidden", {16}}, {"epochs", 80}, {"lr", 0.01}, {"activation", "tanh"}}, "iris_reg");
  ASSERT_TRUE(t.model);
  EXPECT_EQ(t.result.params["task"], "regress");
  auto metrics = make_mlp_family()->evaluate(*t.model, EvalSpec{data});
  ASSERT_TRUE(metrics.is_ok());
  EXPECT_GE(metrics->values["r2"].get<double>(), 0.9);
  EXPECT_EQ(metrics->higher_is_better["rmse"], false);
  Predictor* p = t.model->as<Predictor>();
  ASSERT_EQ(p->input_specs().size(), 2u);  // "input" (3 numeric) + "species" (BYTES)
  const json row = {{"sepal_length", 6.3}, {"sepal_width", 3.3}, {"petal_length", 6.0}, {"species", "virginica"}};
  auto rows = p->predict_rows({row});
  ASSERT_TRUE(rows.is_ok()) << rows.status().to_string();
  auto tensors = p->infer({TensorData{"input", "FP32", {1, 3}, {6.3f, 3.3f, 6.0f}, {}},
                           TensorData{"species", "BYTES", {1, 1}, {}, {"virginica"}}});
  ASSERT_TRUE(tensors.is_ok()) << tensors.status().to_string();
  EXPECT_NEAR((*tensors)[0].fp32[0], (*rows)[0]["value"].get<double>(), 1e-5);
  EXPECT_GT((*rows)[0]["value"].get<double>(), 1.5);
  auto ex = t.model->as<Explainer>()->explain({{"input", row}});
  ASSERT_TRUE(ex.is_ok()) << ex.status().to_string();
  EXPECT_TRUE((*ex)["completeness"]["within_1_percent"].get<bool>()) << ex->dump();
  EXPECT_FALSE(t.model->as<Classifier>()->classify({row}).is_ok());
}

// Each bad file: an error naming where, and no artifact written.
TEST(MlpFamily, BadTrainingDataIsRefusedNamingRowAndColumn) {
  auto fam = make_mlp_family();
  struct Bad {
    const char* name;
    std::string text;
    json options;
    std::string expect;
  };
  const std::vector<Bad> cases = {
      {"ragged", "a,b,y\n1,2,x\n3,4\n5,6,z\n", {}, "line 3: 2 fields, expected 3"},
      {"non_numeric", "a,b,y\n1,2,x\n3,4,y\n5,6,x\n7,8,y\n9,10,x\n11,12,y\n13,14,x\n15,16,y\n17,18,x\n19,oops,y\n21,22,x\n", {}, "line 11, column 'b': 'oops' is not a number"},
      {"missing_target", "a,b,y\n1,2,x\n3,4,\n5,6,x\n", {}, "line 3, column 'y': missing target"},
      {"nan", "a,b,y\n1,2,x\n3,nan,y\n5,6,x\n7,8,y\n", {}, "line 3, column 'b': 'nan' is not a finite number"},
      {"inf", "a,b,y\n1,2,x\n3,4,y\n-inf,6,x\n7,8,y\n", {}, "line 4, column 'a': '-inf' is not a finite number"},
      {"empty", "", {}, "the file is empty"},
      {"header_only", "a,b,y\n", {}, "no data rows"},
      {"one_row_class", "a,b,y\n1,2,x\n3,4,x\n5,6,lonely\n7,8,y\n9,1,y\n", {}, "line 4, column 'y': class 'lonely' has only one row"},
      {"unknown_target", "a,b,y\n1,2,x\n3,4,y\n", {{"target", "z"}}, "no column 'z'"},
  };
  for (const Bad& b : cases) {
    const std::string data = ::testing::TempDir() + std::string("bad_") + b.name + ".csv";
    const std::string out = ::testing::TempDir() + std::string("bad_") + b.name + ".gguf";
    write_file(data, b.text);
    std::filesystem::remove(out);
    auto r = train_file(*fam, data, b.options, out);
    ASSERT_FALSE(r.is_ok()) << b.name;
    EXPECT_NE(r.status().message().find(b.expect), std::string::npos) << b.name << ": " << r.status().message();
    EXPECT_FALSE(std::filesystem::exists(out)) << b.name;
  }
}

TEST(MlpFamily, ValidateRefusesABrokenArtifact) {
  auto fam = make_mlp_family();
  const std::string path = ::testing::TempDir() + "not_mlp.gguf";
  write_file(path, "GGUF nonsense");
  EXPECT_FALSE(fam->validate(Artifact{path}).is_ok());
  EXPECT_FALSE(fam->load(Artifact{path}, LoadOptions{}).is_ok());
}

}  // namespace
}  // namespace maas::nn

namespace maas::nn {
namespace {

// Cancels once the first epoch has reported.
class CancelAfterFirstEpoch final : public TrainMonitor {
 public:
  int epochs_seen = 0;
  void progress(const TrainProgress& p) override {
    if (p.phase == "train" && p.epoch > 0) ++epochs_seen;
  }
  void log(const std::string&) override {}
  bool cancelled() const override { return epochs_seen > 0; }
};

TEST(MlpFamily, CancelledHalfwayStopsWithCancelledAndWritesNothing) {
  auto fam = make_mlp_family();
  auto options = resolve_options(fam->train_options(), {{"epochs", 1000}, {"hidden", {8}}});
  ASSERT_TRUE(options.is_ok());
  const std::string out = ::testing::TempDir() + "cancelled.gguf";
  std::filesystem::remove(out);
  CancelAfterFirstEpoch monitor;
  auto r = fam->train(TrainSpec{testing::tabular("iris.csv"), *options, out, &monitor});
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.status().code(), Code::kCancelled);
  EXPECT_EQ(monitor.epochs_seen, 1);
  EXPECT_FALSE(std::filesystem::exists(out));
}

}  // namespace
}  // namespace maas::nn

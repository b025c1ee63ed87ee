// Training learns: XOR, and held-out accuracy on real tables with a seeded 80/20 split
// (iris >= 90%, breast cancer >= 95%, digits >= 97%), and a regression to R^2 >= 0.9.
#include <gtest/gtest.h>

#include "nn/metrics.h"
#include "nn_test_util.h"
#include "tensor/thread_pool.h"

namespace maas::nn {
namespace {

using testing::fit_ok;
using testing::prepare;
using testing::tabular;

double test_accuracy(const FitResult& r, const Encoded& test) {
  return accuracy(predict(r.net, test.x.data(), test.rows, nullptr), test.label, test.outputs);
}

TEST(Learning, Xor) {
  Encoded xor_data;
  xor_data.rows = 4;
  xor_data.features = 2;
  xor_data.outputs = 2;
  xor_data.x = {0, 0, 0, 1, 1, 0, 1, 1};
  xor_data.label = {0, 1, 1, 0};
  xor_data.y = {1, 0, 0, 1, 0, 1, 1, 0};
  for (Activation a : {Activation::kTanh, Activation::kSigmoid, Activation::kRelu}) {
    FitConfig c;
    c.hidden = {8};
    c.activation = a;
    c.epochs = 500;
    c.batch = 4;
    c.optimizer.lr = 0.05;
    c.seed = 3;
    FitResult r = fit_ok(xor_data, Encoded{}, c);
    EXPECT_EQ(test_accuracy(r, xor_data), 1.0) << activation_name(a);
    EXPECT_LT(r.train_loss, 0.1) << activation_name(a);
  }
}

TEST(Learning, XorWithSgdMomentumAndMse) {
  Encoded d;
  d.rows = 4;
  d.features = 2;
  d.outputs = 1;
  d.x = {0, 0, 0, 1, 1, 0, 1, 1};
  d.y = {0, 1, 1, 0};
  FitConfig c;
  c.hidden = {8};
  c.activation = Activation::kTanh;
  c.task = Task::kRegress;
  c.loss = Loss::kMse;
  c.optimizer.kind = OptimizerKind::kSgd;
  c.optimizer.lr = 0.1;
  c.epochs = 1000;
  c.batch = 4;
  FitResult r = fit_ok(d, Encoded{}, c);
  const auto out = predict(r.net, d.x.data(), 4, nullptr);
  for (int i = 0; i < 4; ++i) EXPECT_NEAR(out[i], d.y[i], 0.15) << "row " << i;
}

TEST(Learning, IrisAtLeast90Percent) {
  auto p = prepare(tabular("iris.csv"));
  EXPECT_EQ(p.table.format, TableFormat::kSklearn);
  EXPECT_EQ(p.schema.labels, (std::vector<std::string>{"setosa", "versicolor", "virginica"}));
  FitConfig c;
  c.hidden = {16};
  c.epochs = 100;
  c.batch = 16;
  c.optimizer.lr = 0.01;
  const double acc = test_accuracy(fit_ok(p.train, Encoded{}, c), p.test);
  EXPECT_GE(acc, 0.90);
  RecordProperty("accuracy", std::to_string(acc));
}

TEST(Learning, BreastCancerAtLeast95Percent) {
  auto p = prepare(tabular("breast_cancer.csv"));
  EXPECT_EQ(p.schema.columns.size(), 30u);
  FitConfig c;
  c.hidden = {32};
  c.epochs = 40;
  c.batch = 32;
  c.optimizer.lr = 1e-3;
  const double acc = test_accuracy(fit_ok(p.train, Encoded{}, c), p.test);
  EXPECT_GE(acc, 0.95);
  RecordProperty("accuracy", std::to_string(acc));
}

TEST(Learning, DigitsAtLeast97PercentWithValidationAndEarlyStopping) {
  auto p = prepare(tabular("digits.csv.gz"));
  EXPECT_EQ(p.table.format, TableFormat::kNumeric);
  EXPECT_EQ(p.schema.features(), 64);
  EXPECT_EQ(p.schema.labels.size(), 10u);
  Encoded train, val;
  split_rows(p.train, 0.1, 7, train, val);
  FitConfig c;
  c.hidden = {128, 64};
  c.epochs = 40;
  c.batch = 32;
  c.patience = 8;
  tensor::ThreadPool pool(2);
  FitResult r = fit_ok(train, val, c, &pool);
  EXPECT_GT(r.best_epoch, 0);
  const double acc = test_accuracy(r, p.test);
  EXPECT_GE(acc, 0.97);
  RecordProperty("accuracy", std::to_string(acc));
}

// Iris as a CSV with a header and a text column (one-hot): petal width from the rest.
TEST(Learning, RegressionReachesR2Of09) {
  auto t = read_table(tabular("iris.csv"));
  ASSERT_TRUE(t.is_ok());
  std::string csv = "sepal_length,sepal_width,petal_length,species,petal_width\n";
  const char* names[] = {"setosa", "versicolor", "virginica"};
  for (const auto& row : t->csv.rows)
    csv += row[0] + "," + row[1] + "," + row[2] + "," + names[std::stoi(row[4])] + "," + row[3] + "\n";
  const std::string path = ::testing::TempDir() + "iris_header.csv";
  testing::write_file(path, csv);
  auto p = prepare(path, "petal_width");
  EXPECT_EQ(p.table.format, TableFormat::kHeader);
  EXPECT_EQ(p.schema.task, Task::kRegress);
  EXPECT_TRUE(p.schema.columns[3].categorical);
  EXPECT_EQ(p.schema.features(), 6);
  FitConfig c;
  c.task = Task::kRegress;
  c.loss = Loss::kMse;
  c.hidden = {16};
  c.epochs = 100;
  c.batch = 16;
  c.optimizer.lr = 0.01;
  FitResult r = fit_ok(p.train, Encoded{}, c);
  const auto out = predict(r.net, p.test.x.data(), p.test.rows, nullptr);
  std::vector<double> pred;
  for (float v : out) pred.push_back(v * p.schema.target_std + p.schema.target_mean);
  const double r2 = r_squared(p.test.value, pred);
  EXPECT_GE(r2, 0.9);
  RecordProperty("r2", std::to_string(r2));
}

TEST(Learning, SameSeedSameWeightsAndAnyThreadCount) {
  auto p = prepare(tabular("breast_cancer.csv"));
  FitConfig c;
  c.hidden = {16};
  c.epochs = 3;
  tensor::ThreadPool one(1), two(2);
  const FitResult a = fit_ok(p.train, Encoded{}, c, &one), b = fit_ok(p.train, Encoded{}, c, &two);
  EXPECT_EQ(a.net.layers[0].w, b.net.layers[0].w);
  c.seed = 2;
  const FitResult d = fit_ok(p.train, Encoded{}, c, &two);
  EXPECT_NE(a.net.layers[0].w, d.net.layers[0].w);
}

}  // namespace
}  // namespace maas::nn

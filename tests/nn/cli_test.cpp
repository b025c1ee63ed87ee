// The mlp family through the real CLI: `maas models import` of a trained artifact and
// `maas models evaluate` through the lifecycle gate, with the family's metrics.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "helpers/server_process.h"
#include "nn/mlp_family.h"
#include "nn_test_util.h"

namespace maas::nn {
namespace {

using maas::testing::CommandResult;
using maas::testing::run_maas;
using maas::testing::TempDir;
using nlohmann::json;

TEST(MlpCli, ImportThenEvaluateThroughTheGate) {
  TempDir dir;
  auto fam = make_mlp_family();
  auto options = resolve_options(fam->train_options(), {{"hidden", {16}}, {"epochs", 40}, {"lr", 0.01}, {"batch", 16}});
  ASSERT_TRUE(options.is_ok());
  NullTrainMonitor monitor;
  ASSERT_TRUE(fam->train(TrainSpec{testing::tabular("iris.csv"), *options, dir.file("iris.gguf"), &monitor}).is_ok());
  (*options)["seed"] = 2;
  ASSERT_TRUE(fam->train(TrainSpec{testing::tabular("iris.csv"), *options, dir.file("iris2.gguf"), &monitor}).is_ok());
  const std::string data = dir.file("data");
  CommandResult imp = run_maas({"models", "import", dir.file("iris.gguf"), "--name", "iris", "--data-dir", data});
  ASSERT_EQ(imp.exit_code, 0) << imp.err;
  CommandResult show = run_maas({"models", "show", "iris", "--data-dir", data});
  EXPECT_NE(show.out.find("mlp"), std::string::npos) << show.out;
  CommandResult ev = run_maas({"models", "evaluate", "iris:1", "--data", testing::tabular("iris.csv"), "--data-dir", data, "--json"});
  ASSERT_EQ(ev.exit_code, 0) << ev.err << ev.out;
  const json report = json::parse(ev.out, nullptr, false);
  ASSERT_TRUE(report.is_object()) << ev.out;
  const std::string dumped = report.dump();
  EXPECT_NE(dumped.find("\"accuracy\""), std::string::npos) << dumped;
  EXPECT_NE(dumped.find("\"confusion_matrix\""), std::string::npos) << dumped;
  // A file the model cannot read: an error naming the column, non-zero exit.
  testing::write_file(dir.file("bad.csv"), "x0,x1,x2,x3,target\n1,2,3,oops,0\n");
  CommandResult bad = run_maas({"models", "import", dir.file("iris2.gguf"), "--name", "iris", "--data-dir", data});
  ASSERT_EQ(bad.exit_code, 0) << bad.err;
  CommandResult ev2 = run_maas({"models", "evaluate", "iris:2", "--data", dir.file("bad.csv"), "--data-dir", data});
  EXPECT_NE(ev2.exit_code, 0);
  EXPECT_NE(ev2.err.find("column 'x3'"), std::string::npos) << ev2.err;
}

// `maas train mlp` (the platform's generic command over the family's train options):
// a registered version with metrics; bad data exits non-zero naming the line and
// registers nothing.
TEST(MlpCli, TrainRegistersAVersion) {
  TempDir dir;
  const std::string data = dir.file("data");
  CommandResult t = run_maas({"train", "mlp", "--data", testing::tabular("iris.csv"), "--name", "iris", "--hidden",
                              "16", "--epochs", "40", "--lr", "0.01", "--batch", "16", "--data-dir", data, "--json"});
  ASSERT_EQ(t.exit_code, 0) << t.err;
  const json out = json::parse(t.out.substr(t.out.rfind("\n{") == std::string::npos ? 0 : t.out.rfind("\n{") + 1), nullptr, false);
  ASSERT_TRUE(out.is_object()) << t.out;
  EXPECT_EQ(out["model"], "iris");
  EXPECT_EQ(out["version"], 1);
  EXPECT_GE(out["metrics"]["val_accuracy"].get<double>(), 0.8) << out.dump();

  testing::write_file(dir.file("ragged.csv"), "a,b,y\n1,2,x\n3,4\n");
  CommandResult bad = run_maas({"train", "mlp", "--data", dir.file("ragged.csv"), "--name", "iris", "--data-dir", data});
  EXPECT_NE(bad.exit_code, 0);
  EXPECT_NE(bad.err.find("line 3"), std::string::npos) << bad.err;
  CommandResult show = run_maas({"models", "show", "iris", "--data-dir", data});
  EXPECT_EQ(show.out.find("iris:2"), std::string::npos) << show.out;
}

}  // namespace
}  // namespace maas::nn

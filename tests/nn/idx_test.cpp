// IDX pairs (the MNIST file format): the 8x8 digits written as IDX files train through
// the family's `labels` option to the same accuracy as the table; bad files are refused.
#include <gtest/gtest.h>

#include <fstream>

#include "nn/idx.h"
#include "nn/mlp_family.h"
#include "nn/mlp_model.h"
#include "nn_test_util.h"

namespace maas::nn {
namespace {

void put_be32(std::string& s, uint32_t v) {
  for (int shift : {24, 16, 8, 0}) s += char((v >> shift) & 0xff);
}

// digits.csv.gz as an images file (n x 8 x 8, pixels 0..16 scaled to 0..255) and a labels file.
void write_digits_idx(const std::string& images, const std::string& labels) {
  auto t = read_table(testing::tabular("digits.csv.gz"));
  ASSERT_TRUE(t.is_ok());
  const auto n = uint32_t(t->csv.rows.size());
  std::string im = std::string("\0\0\x08\x03", 4), lb = std::string("\0\0\x08\x01", 4);
  put_be32(im, n);
  put_be32(im, 8);
  put_be32(im, 8);
  put_be32(lb, n);
  for (const auto& row : t->csv.rows) {
    for (int p = 0; p < 64; ++p) im += char(std::min(255, std::stoi(row[p]) * 16));
    lb += char(std::stoi(row[64]));
  }
  std::ofstream(images, std::ios::binary) << im;
  std::ofstream(labels, std::ios::binary) << lb;
}

TEST(Idx, DigitsAsIdxTrainThroughTheFamily) {
  const std::string images = ::testing::TempDir() + "digits-images-idx3-ubyte";
  const std::string labels = ::testing::TempDir() + "digits-labels-idx1-ubyte";
  write_digits_idx(images, labels);
  auto data = read_idx(images, labels);
  ASSERT_TRUE(data.is_ok()) << data.status().to_string();
  EXPECT_EQ(data->rows.rows, 1797);
  EXPECT_EQ(data->rows.features, 64);
  EXPECT_EQ(data->schema.labels.size(), 10u);

  auto fam = make_mlp_family();
  auto options = resolve_options(fam->train_options(), {{"labels", labels}, {"hidden", {64}}, {"epochs", 15}, {"validation", 0.2}});
  ASSERT_TRUE(options.is_ok()) << options.status().to_string();
  NullTrainMonitor monitor;
  const std::string out = ::testing::TempDir() + "digits-idx.gguf";
  auto r = fam->train(TrainSpec{images, *options, out, &monitor});
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_GE(r->metrics["val_accuracy"].get<double>(), 0.95) << r->metrics.dump();
  auto model = fam->load(Artifact{out}, LoadOptions{});
  ASSERT_TRUE(model.is_ok());
  auto m = fam->evaluate(**model, EvalSpec{images, {{"labels", labels}}});
  ASSERT_TRUE(m.is_ok()) << m.status().to_string();
  EXPECT_GE(m->values["accuracy"].get<double>(), 0.95);
  EXPECT_EQ((*model)->as<Predictor>()->input_specs()[0].shape, (std::vector<int64_t>{-1, 64}));
}

TEST(Idx, BadFilesAreRefused) {
  const std::string bad = ::testing::TempDir() + "bad-idx";
  std::ofstream(bad, std::ios::binary) << std::string("\0\0\x0d\x03\0\0\0\x01\0\0\0\x01\0\0\0\x01", 16);
  auto r = read_idx(bad, bad);
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().message().find("only unsigned bytes"), std::string::npos) << r.status().message();
  const std::string images = ::testing::TempDir() + "short-images";
  std::string im = std::string("\0\0\x08\x03", 4);
  put_be32(im, 2);
  put_be32(im, 2);
  put_be32(im, 2);
  im += "abc";  // 3 of 8 pixels
  std::ofstream(images, std::ios::binary) << im;
  auto s = read_idx(images, bad);
  ASSERT_FALSE(s.is_ok());
  EXPECT_NE(s.status().message().find("the header says"), std::string::npos) << s.status().message();
}

}  // namespace
}  // namespace maas::nn

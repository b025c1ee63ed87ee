// The backward pass against numeric differentiation, in double precision: for every
// hidden activation, every output activation / loss pair, and L2, every weight and bias
// gradient agrees with a central difference to a relative error below 1e-4.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "nn/network.h"

namespace maas::nn {
namespace {

Network<double> random_network(std::vector<int64_t> sizes, Activation hidden, Activation output, uint32_t seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<double> dist(0.0, 0.7);
  Network<double> net;
  net.hidden = hidden;
  net.output = output;
  for (size_t l = 0; l + 1 < sizes.size(); ++l) {
    Dense<double> d;
    d.in = sizes[l];
    d.out = sizes[l + 1];
    for (int64_t i = 0; i < d.in * d.out; ++i) d.w.push_back(dist(rng));
    for (int64_t i = 0; i < d.out; ++i) d.b.push_back(dist(rng) * 0.5);
    net.layers.push_back(d);
  }
  return net;
}

struct Case {
  Activation hidden, output;
  Loss loss;
  double l2;
};

void check(const Case& c) {
  const int64_t batch = 5, in = 4, out = 3;
  Network<double> net = random_network({in, 6, 5, out}, c.hidden, c.output, 7);
  std::mt19937 rng(11);
  std::normal_distribution<double> dist(0.0, 1.0);
  std::vector<double> x(batch * in), target(batch * out, 0.0);
  for (double& v : x) v = dist(rng);
  for (int64_t r = 0; r < batch; ++r) {
    if (c.loss == Loss::kCrossEntropy)
      target[r * out + r % out] = 1.0;
    else
      for (int64_t j = 0; j < out; ++j) target[r * out + j] = c.output == Activation::kIdentity ? dist(rng) : 0.3 + 0.1 * j;
  }
  auto objective = [&] {
    Tape<double> t;
    forward(net, x.data(), batch, t, nullptr);
    return loss(net, c.loss, t.output().data(), target.data(), batch, c.l2);
  };
  Tape<double> tape;
  forward(net, x.data(), batch, tape, nullptr);
  Gradients<double> g;
  backward(net, tape, c.loss, target.data(), c.l2, g, nullptr);

  const double h = 1e-6;
  auto numeric = [&](double& param) {
    const double saved = param;
    param = saved + h;
    const double up = objective();
    param = saved - h;
    const double down = objective();
    param = saved;
    return (up - down) / (2 * h);
  };
  int checked = 0;
  for (size_t l = 0; l < net.layers.size(); ++l) {
    auto expect_close = [&](double analytic, double num, const char* what, size_t i) {
      const double rel = std::fabs(analytic - num) / std::max({std::fabs(analytic), std::fabs(num), 1e-7});
      EXPECT_LT(rel, 1e-4) << activation_name(c.hidden) << "/" << activation_name(c.output) << "/"
                           << loss_name(c.loss) << " layer " << l << " " << what << "[" << i << "] analytic "
                           << analytic << " numeric " << num;
      ++checked;
    };
    for (size_t i = 0; i < net.layers[l].w.size(); ++i) expect_close(g.dw[l][i], numeric(net.layers[l].w[i]), "w", i);
    for (size_t i = 0; i < net.layers[l].b.size(); ++i) expect_close(g.db[l][i], numeric(net.layers[l].b[i]), "b", i);
  }
  EXPECT_EQ(checked, 4 * 6 + 6 + 6 * 5 + 5 + 5 * 3 + 3);
}

TEST(GradientCheck, EveryHiddenActivationWithSoftmaxCrossEntropy) {
  for (Activation a : {Activation::kSigmoid, Activation::kTanh, Activation::kRelu, Activation::kIdentity})
    check({a, Activation::kSoftmax, Loss::kCrossEntropy, 0.0});
}

TEST(GradientCheck, EveryOutputActivationWithMse) {
  for (Activation out : {Activation::kIdentity, Activation::kSigmoid, Activation::kTanh, Activation::kSoftmax,
                         Activation::kRelu})
    check({Activation::kTanh, out, Loss::kMse, 0.0});
}

TEST(GradientCheck, CrossEntropyOnSigmoidOutputsAndL2) {
  check({Activation::kRelu, Activation::kSigmoid, Loss::kCrossEntropy, 0.0});
  check({Activation::kSigmoid, Activation::kSoftmax, Loss::kCrossEntropy, 0.05});
  check({Activation::kRelu, Activation::kIdentity, Loss::kMse, 0.1});
}

// The float network (on tensor::gemm) computes what the double reference does.
TEST(GradientCheck, FloatForwardAndBackwardMatchDouble) {
  Network<double> nd = random_network({7, 9, 4}, Activation::kTanh, Activation::kSoftmax, 3);
  Network<float> nf;
  nf.hidden = nd.hidden;
  nf.output = nd.output;
  for (const auto& l : nd.layers)
    nf.layers.push_back({l.in, l.out, std::vector<float>(l.w.begin(), l.w.end()), std::vector<float>(l.b.begin(), l.b.end())});
  const int64_t batch = 6;
  std::vector<double> xd(batch * 7), td(batch * 4, 0.0);
  for (size_t i = 0; i < xd.size(); ++i) xd[i] = std::sin(double(i));
  for (int64_t r = 0; r < batch; ++r) td[r * 4 + r % 4] = 1;
  std::vector<float> xf(xd.begin(), xd.end()), tf(td.begin(), td.end());
  Tape<double> tdp;
  Tape<float> tfp;
  forward(nd, xd.data(), batch, tdp, nullptr);
  forward(nf, xf.data(), batch, tfp, nullptr);
  for (size_t i = 0; i < tdp.output().size(); ++i) EXPECT_NEAR(tfp.output()[i], tdp.output()[i], 1e-5);
  Gradients<double> gd;
  Gradients<float> gf;
  backward(nd, tdp, Loss::kCrossEntropy, td.data(), 0.0, gd, nullptr);
  backward(nf, tfp, Loss::kCrossEntropy, tf.data(), 0.0, gf, nullptr);
  for (size_t l = 0; l < gd.dw.size(); ++l)
    for (size_t i = 0; i < gd.dw[l].size(); ++i) EXPECT_NEAR(gf.dw[l][i], gd.dw[l][i], 1e-5);
}

}  // namespace
}  // namespace maas::nn

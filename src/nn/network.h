// A dense feed-forward network y = f_L(... f_1(x W_1^T + b_1) ... W_L^T + b_L), its
// forward pass over a batch, its loss and its backward pass. Templated on the number
// type: float trains and serves (products on tensor::gemm), double is the reference the
// gradient check differentiates numerically.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace maas::tensor {
class ThreadPool;
}

namespace maas::nn {

enum class Activation { kIdentity, kSigmoid, kTanh, kRelu, kSoftmax };
enum class Loss { kMse, kCrossEntropy };

const char* activation_name(Activation a);
std::optional<Activation> parse_activation(const std::string& name);
const char* loss_name(Loss l);
std::optional<Loss> parse_loss(const std::string& name);

// One layer: W is out x in (row-major), b has `out` entries.
template <typename T>
struct Dense {
  int64_t in = 0, out = 0;
  std::vector<T> w, b;
};

template <typename T>
struct Network {
  std::vector<Dense<T>> layers;
  Activation hidden = Activation::kRelu;    // after every layer but the last
  Activation output = Activation::kSoftmax;  // after the last

  int64_t inputs() const { return layers.front().in; }
  int64_t outputs() const { return layers.back().out; }
  Activation activation_of(size_t layer) const { return layer + 1 == layers.size() ? output : hidden; }
};

// What the forward pass keeps for the backward pass: the input batch (not copied: it
// must outlive the tape's use) and out[l], the output of layer l (batch x layers[l].out).
template <typename T>
struct Tape {
  int64_t batch = 0;
  const T* x = nullptr;
  std::vector<std::vector<T>> out;
  const T* input_of(size_t layer) const { return layer == 0 ? x : out[layer - 1].data(); }
  const std::vector<T>& output() const { return out.back(); }
};

// d(loss)/dW and d(loss)/db, shaped like the layers (and the backward pass's scratch,
// kept so a training step allocates nothing).
template <typename T>
struct Gradients {
  std::vector<std::vector<T>> dw, db;
  std::vector<T> d, d_prev;
};

// The output of every layer for `batch` rows of x (batch x inputs, row-major).
template <typename T>
void forward(const Network<T>& net, const T* x, int64_t batch, Tape<T>& tape, tensor::ThreadPool* pool);

// Mean over the batch of the loss of `out` against `target` (batch x outputs; one-hot
// rows for cross-entropy), plus (l2 / 2) * sum of the squared weights (not the biases).
template <typename T>
double loss(const Network<T>& net, Loss kind, const T* out, const T* target, int64_t batch, double l2);

// Gradients of `loss` (same arguments) with respect to every weight and bias.
template <typename T>
void backward(const Network<T>& net, const Tape<T>& tape, Loss kind, const T* target, double l2, Gradients<T>& grads,
              tensor::ThreadPool* pool);

}  // namespace maas::nn

namespace maas::nn {

// d(F)/d(input) for every row of the tape, where d_out (batch x outputs) is dF/d(output)
// of each row; the result is batch x inputs (integrated gradients, saliency).
template <typename T>
void input_gradient(const Network<T>& net, const Tape<T>& tape, const T* d_out, T* d_in, tensor::ThreadPool* pool);

}  // namespace maas::nn

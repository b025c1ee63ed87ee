#include "nn/network.h"

#include <algorithm>
#include <cmath>

#include "tensor/gemm.h"

namespace maas::nn {
namespace {

using tensor::Trans;

// C = alpha op(A) op(B) + beta C: tensor::gemm for float; a plain triple loop for the
// double-precision reference.
void matmul(Trans ta, Trans tb, int64_t m, int64_t n, int64_t k, const float* a, const float* b, float beta, float* c,
            tensor::ThreadPool* pool) {
  const int64_t lda = ta == Trans::kYes ? m : k, ldb = tb == Trans::kYes ? k : n;
  tensor::gemm(ta, tb, {m, n, k}, 1.0f, a, lda, b, ldb, beta, c, n, pool);
}

void matmul(Trans ta, Trans tb, int64_t m, int64_t n, int64_t k, const double* a, const double* b, double beta,
            double* c, tensor::ThreadPool*) {
  for (int64_t i = 0; i < m; ++i)
    for (int64_t j = 0; j < n; ++j) {
      double s = 0;
      for (int64_t p = 0; p < k; ++p)
        s += (ta == Trans::kYes ? a[p * m + i] : a[i * k + p]) * (tb == Trans::kYes ? b[j * k + p] : b[p * n + j]);
      c[i * n + j] = s + (beta == 0 ? 0.0 : beta * c[i * n + j]);
    }
}

// a = f(z) in place over a batch x width block.
template <typename T>
void activate(Activation f, T* z, int64_t batch, int64_t width) {
  const int64_t n = batch * width;
  switch (f) {
    case Activation::kIdentity: return;
    case Activation::kSigmoid:
      for (int64_t i = 0; i < n; ++i) z[i] = T(1) / (T(1) + std::exp(-z[i]));
      return;
    case Activation::kTanh:
      for (int64_t i = 0; i < n; ++i) z[i] = std::tanh(z[i]);
      return;
    case Activation::kRelu:
      for (int64_t i = 0; i < n; ++i) z[i] = z[i] > T(0) ? z[i] : T(0);
      return;
    case Activation::kSoftmax:
      for (int64_t r = 0; r < batch; ++r) {
        T* row = z + r * width;
        const T mx = *std::max_element(row, row + width);
        T sum = 0;
        for (int64_t j = 0; j < width; ++j) sum += row[j] = std::exp(row[j] - mx);
        for (int64_t j = 0; j < width; ++j) row[j] /= sum;
      }
      return;
  }
}

// d = dL/dz from d = dL/da, where a = f(z) (every derivative is written in terms of a).
template <typename T>
void activation_backward(Activation f, const T* a, T* d, int64_t batch, int64_t width) {
  const int64_t n = batch * width;
  switch (f) {
    case Activation::kIdentity: return;
    case Activation::kSigmoid:
      for (int64_t i = 0; i < n; ++i) d[i] *= a[i] * (T(1) - a[i]);
      return;
    case Activation::kTanh:
      for (int64_t i = 0; i < n; ++i) d[i] *= T(1) - a[i] * a[i];
      return;
    case Activation::kRelu:
      for (int64_t i = 0; i < n; ++i) d[i] = a[i] > T(0) ? d[i] : T(0);
      return;
    case Activation::kSoftmax:  // dz_j = a_j (d_j - sum_k a_k d_k)
      for (int64_t r = 0; r < batch; ++r) {
        const T* ar = a + r * width;
        T* dr = d + r * width;
        T dot = 0;
        for (int64_t j = 0; j < width; ++j) dot += ar[j] * dr[j];
        for (int64_t j = 0; j < width; ++j) dr[j] = ar[j] * (dr[j] - dot);
      }
      return;
  }
}

constexpr double kMinProbability = 1e-12;  // log(0) guard of the cross-entropy

}  // namespace

const char* activation_name(Activation a) {
  switch (a) {
    case Activation::kIdentity: return "identity";
    case Activation::kSigmoid: return "sigmoid";
    case Activation::kTanh: return "tanh";
    case Activation::kRelu: return "relu";
    case Activation::kSoftmax: return "softmax";
  }
  return "?";
}

std::optional<Activation> parse_activation(const std::string& name) {
  for (Activation a : {Activation::kIdentity, Activation::kSigmoid, Activation::kTanh, Activation::kRelu,
                       Activation::kSoftmax})
    if (name == activation_name(a)) return a;
  return std::nullopt;
}

const char* loss_name(Loss l) { return l == Loss::kMse ? "mse" : "cross_entropy"; }

std::optional<Loss> parse_loss(const std::string& name) {
  if (name == "mse") return Loss::kMse;
  if (name == "cross_entropy") return Loss::kCrossEntropy;
  return std::nullopt;
}

template <typename T>
void forward(const Network<T>& net, const T* x, int64_t batch, Tape<T>& tape, tensor::ThreadPool* pool) {
  tape.batch = batch;
  tape.x = x;
  tape.out.resize(net.layers.size());
  for (size_t l = 0; l < net.layers.size(); ++l) {
    const Dense<T>& layer = net.layers[l];
    std::vector<T>& z = tape.out[l];
    z.resize(static_cast<size_t>(batch * layer.out));
    // z = a W^T + b
    matmul(Trans::kNo, Trans::kYes, batch, layer.out, layer.in, tape.input_of(l), layer.w.data(), T(0), z.data(), pool);
    for (int64_t r = 0; r < batch; ++r)
      for (int64_t j = 0; j < layer.out; ++j) z[r * layer.out + j] += layer.b[j];
    activate(net.activation_of(l), z.data(), batch, layer.out);
  }
}

template <typename T>
double loss(const Network<T>& net, Loss kind, const T* out, const T* target, int64_t batch, double l2) {
  const int64_t n = batch * net.outputs();
  double sum = 0;
  for (int64_t i = 0; i < n; ++i) {
    if (kind == Loss::kMse) {
      const double e = double(out[i]) - double(target[i]);
      sum += e * e;
    } else if (target[i] != T(0)) {
      sum -= double(target[i]) * std::log(std::max(double(out[i]), kMinProbability));
    }
  }
  double penalty = 0;
  if (l2 > 0)
    for (const Dense<T>& layer : net.layers)
      for (T w : layer.w) penalty += double(w) * double(w);
  return sum / double(batch) + 0.5 * l2 * penalty;
}

template <typename T>
void backward(const Network<T>& net, const Tape<T>& tape, Loss kind, const T* target, double l2, Gradients<T>& grads,
              tensor::ThreadPool* pool) {
  const int64_t batch = tape.batch;
  const size_t n_layers = net.layers.size();
  grads.dw.resize(n_layers);
  grads.db.resize(n_layers);

  // d = dL/dz of the last layer.
  const std::vector<T>& out = tape.output();
  std::vector<T>& d = grads.d;
  std::vector<T>& d_prev = grads.d_prev;
  d.resize(out.size());
  const T inv_batch = T(1) / T(batch);
  if (kind == Loss::kCrossEntropy && net.output == Activation::kSoftmax) {
    for (size_t i = 0; i < d.size(); ++i) d[i] = (out[i] - target[i]) * inv_batch;  // softmax and CE together
  } else {
    for (size_t i = 0; i < d.size(); ++i)
      d[i] = kind == Loss::kMse ? T(2) * (out[i] - target[i]) * inv_batch
                                : -target[i] / std::max(out[i], T(kMinProbability)) * inv_batch;
    activation_backward(net.output, out.data(), d.data(), batch, net.outputs());
  }

  for (size_t l = n_layers; l-- > 0;) {
    const Dense<T>& layer = net.layers[l];
    const T* a_in = tape.input_of(l);
    // dW = d^T a_in (+ l2 W), db = column sums of d
    grads.dw[l].resize(layer.w.size());
    matmul(Trans::kYes, Trans::kNo, layer.out, layer.in, batch, d.data(), a_in, T(0), grads.dw[l].data(), pool);
    if (l2 > 0)
      for (size_t i = 0; i < layer.w.size(); ++i) grads.dw[l][i] += T(l2) * layer.w[i];
    grads.db[l].assign(static_cast<size_t>(layer.out), T(0));
    for (int64_t r = 0; r < batch; ++r)
      for (int64_t j = 0; j < layer.out; ++j) grads.db[l][j] += d[r * layer.out + j];
    if (l == 0) break;
    // d_prev = (d W) * f'(a_in)
    d_prev.resize(static_cast<size_t>(batch * layer.in));
    matmul(Trans::kNo, Trans::kNo, batch, layer.in, layer.out, d.data(), layer.w.data(), T(0), d_prev.data(), pool);
    activation_backward(net.hidden, a_in, d_prev.data(), batch, layer.in);
    d.swap(d_prev);
  }
}

template <typename T>
void input_gradient(const Network<T>& net, const Tape<T>& tape, const T* d_out, T* d_in, tensor::ThreadPool* pool) {
  const int64_t batch = tape.batch;
  std::vector<T> d(d_out, d_out + batch * net.outputs()), d_prev;
  activation_backward(net.output, tape.output().data(), d.data(), batch, net.outputs());
  for (size_t l = net.layers.size(); l-- > 0;) {
    const Dense<T>& layer = net.layers[l];
    // d_prev = d W, then through the activation that produced this layer's input
    d_prev.resize(static_cast<size_t>(batch * layer.in));
    matmul(Trans::kNo, Trans::kNo, batch, layer.in, layer.out, d.data(), layer.w.data(), T(0), d_prev.data(), pool);
    if (l > 0) activation_backward(net.hidden, tape.input_of(l), d_prev.data(), batch, layer.in);
    d.swap(d_prev);
  }
  std::copy(d.begin(), d.end(), d_in);
}

template void input_gradient<float>(const Network<float>&, const Tape<float>&, const float*, float*,
                                    tensor::ThreadPool*);
template void input_gradient<double>(const Network<double>&, const Tape<double>&, const double*, double*,
                                     tensor::ThreadPool*);
template void forward<float>(const Network<float>&, const float*, int64_t, Tape<float>&, tensor::ThreadPool*);
template void forward<double>(const Network<double>&, const double*, int64_t, Tape<double>&, tensor::ThreadPool*);
template double loss<float>(const Network<float>&, Loss, const float*, const float*, int64_t, double);
template double loss<double>(const Network<double>&, Loss, const double*, const double*, int64_t, double);
template void backward<float>(const Network<float>&, const Tape<float>&, Loss, const float*, double, Gradients<float>&,
                              tensor::ThreadPool*);
template void backward<double>(const Network<double>&, const Tape<double>&, Loss, const double*, double,
                               Gradients<double>&, tensor::ThreadPool*);

}  // namespace maas::nn

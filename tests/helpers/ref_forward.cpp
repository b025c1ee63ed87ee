#include "helpers/ref_forward.h"

#include <cmath>
#include <map>

#include "llm/gguf/gguf.h"
#include "tensor/ops.h"

namespace maas::testing {
namespace {

using Vec = std::vector<double>;

struct Mat {  // rows x cols
  int64_t rows = 0, cols = 0;
  Vec v;
};

Result<Vec> load_values(const llm::GgufFile& f, const std::string& name, int64_t* rows, int64_t* cols) {
  const llm::GgufTensor* t = f.tensor(name);
  if (!t) return not_found("reference: no tensor {}", name);
  const int64_t n = static_cast<int64_t>(t->n_elements());
  std::vector<float> floats(static_cast<size_t>(n));
  tensor::dequantize(t->data, t->type, n, floats.data());
  *cols = static_cast<int64_t>(t->dims[0]);
  *rows = t->dims.size() > 1 ? static_cast<int64_t>(t->dims[1]) : 1;
  return Vec(floats.begin(), floats.end());
}

Result<Mat> load_mat(const llm::GgufFile& f, const std::string& name) {
  Mat m;
  MAAS_ASSIGN_OR_RETURN(m.v, load_values(f, name, &m.rows, &m.cols));
  return m;
}

Result<Vec> load_vec(const llm::GgufFile& f, const std::string& name) {
  int64_t rows, cols;
  return load_values(f, name, &rows, &cols);
}

Vec matvec(const Mat& m, const Vec& x) {
  Vec y(static_cast<size_t>(m.rows), 0.0);
  for (int64_t r = 0; r < m.rows; ++r)
    for (int64_t c = 0; c < m.cols; ++c) y[r] += m.v[r * m.cols + c] * x[c];
  return y;
}

Vec rmsnorm(const Vec& x, const Vec& w, double eps) {
  double ss = 0;
  for (double v : x) ss += v * v;
  const double s = 1.0 / std::sqrt(ss / static_cast<double>(x.size()) + eps);
  Vec y(x.size());
  for (size_t i = 0; i < x.size(); ++i) y[i] = x[i] * s * w[i];
  return y;
}

// Rotates every head of x in place by position pos.
void rope(Vec& x, int64_t head_dim, int64_t n_rot, double base, bool neox, int64_t pos) {
  for (size_t h = 0; h * head_dim < x.size(); ++h) {
    double* head = &x[h * head_dim];
    for (int64_t i = 0; i < n_rot / 2; ++i) {
      const double theta = pos * std::pow(base, -2.0 * i / n_rot);
      const int64_t a = neox ? i : 2 * i, b = neox ? i + n_rot / 2 : 2 * i + 1;
      const double x0 = head[a], x1 = head[b];
      head[a] = x0 * std::cos(theta) - x1 * std::sin(theta);
      head[b] = x0 * std::sin(theta) + x1 * std::cos(theta);
    }
  }
}

struct Layer {
  Vec attn_norm, ffn_norm, bq, bk, bv;
  Mat wq, wk, wv, wo, gate, up, down;
};

}  // namespace

Result<std::vector<std::vector<double>>> reference_logits(const std::string& path, const std::vector<int32_t>& tokens) {
  MAAS_ASSIGN_OR_RETURN(auto file, llm::GgufFile::open(path));
  const llm::GgufFile& f = *file;
  MAAS_ASSIGN_OR_RETURN(std::string arch, f.get_string("general.architecture"));
  const bool qwen2 = arch == "qwen2";
  MAAS_ASSIGN_OR_RETURN(uint64_t dim, f.get_uint(arch + ".embedding_length"));
  MAAS_ASSIGN_OR_RETURN(uint64_t n_layer, f.get_uint(arch + ".block_count"));
  MAAS_ASSIGN_OR_RETURN(uint64_t n_head, f.get_uint(arch + ".attention.head_count"));
  MAAS_ASSIGN_OR_RETURN(uint64_t n_kv, f.get_uint_or(arch + ".attention.head_count_kv", n_head));
  const int64_t hd = static_cast<int64_t>(dim / n_head);
  MAAS_ASSIGN_OR_RETURN(uint64_t n_rot, f.get_uint_or(arch + ".rope.dimension_count", hd));
  MAAS_ASSIGN_OR_RETURN(double base, f.get_float_or(arch + ".rope.freq_base", 10000.0));
  MAAS_ASSIGN_OR_RETURN(double eps, f.get_float_or(arch + ".attention.layer_norm_rms_epsilon", 1e-5));

  MAAS_ASSIGN_OR_RETURN(Mat embd, load_mat(f, "token_embd.weight"));
  MAAS_ASSIGN_OR_RETURN(Vec out_norm, load_vec(f, "output_norm.weight"));
  Mat out = embd;
  if (f.tensor("output.weight")) {
    MAAS_ASSIGN_OR_RETURN(out, load_mat(f, "output.weight"));
  }
  std::vector<Layer> layers(n_layer);
  for (uint64_t l = 0; l < n_layer; ++l) {
    const std::string p = "blk." + std::to_string(l) + ".";
    Layer& L = layers[l];
    MAAS_ASSIGN_OR_RETURN(L.attn_norm, load_vec(f, p + "attn_norm.weight"));
    MAAS_ASSIGN_OR_RETURN(L.ffn_norm, load_vec(f, p + "ffn_norm.weight"));
    MAAS_ASSIGN_OR_RETURN(L.wq, load_mat(f, p + "attn_q.weight"));
    MAAS_ASSIGN_OR_RETURN(L.wk, load_mat(f, p + "attn_k.weight"));
    MAAS_ASSIGN_OR_RETURN(L.wv, load_mat(f, p + "attn_v.weight"));
    MAAS_ASSIGN_OR_RETURN(L.wo, load_mat(f, p + "attn_output.weight"));
    MAAS_ASSIGN_OR_RETURN(L.gate, load_mat(f, p + "ffn_gate.weight"));
    MAAS_ASSIGN_OR_RETURN(L.up, load_mat(f, p + "ffn_up.weight"));
    MAAS_ASSIGN_OR_RETURN(L.down, load_mat(f, p + "ffn_down.weight"));
    if (qwen2) {
      MAAS_ASSIGN_OR_RETURN(L.bq, load_vec(f, p + "attn_q.bias"));
      MAAS_ASSIGN_OR_RETURN(L.bk, load_vec(f, p + "attn_k.bias"));
      MAAS_ASSIGN_OR_RETURN(L.bv, load_vec(f, p + "attn_v.bias"));
    }
  }

  // keys[l][pos], values[l][pos]: kv rows of the tokens so far
  std::vector<std::vector<Vec>> keys(n_layer), values(n_layer);
  std::vector<std::vector<double>> logits;
  for (size_t pos = 0; pos < tokens.size(); ++pos) {
    Vec x(embd.v.begin() + tokens[pos] * embd.cols, embd.v.begin() + (tokens[pos] + 1) * embd.cols);
    for (uint64_t l = 0; l < n_layer; ++l) {
      const Layer& L = layers[l];
      Vec xn = rmsnorm(x, L.attn_norm, eps);
      Vec q = matvec(L.wq, xn), k = matvec(L.wk, xn), v = matvec(L.wv, xn);
      for (size_t i = 0; i < L.bq.size(); ++i) q[i] += L.bq[i];
      for (size_t i = 0; i < L.bk.size(); ++i) k[i] += L.bk[i];
      for (size_t i = 0; i < L.bv.size(); ++i) v[i] += L.bv[i];
      rope(q, hd, static_cast<int64_t>(n_rot), base, qwen2, static_cast<int64_t>(pos));
      rope(k, hd, static_cast<int64_t>(n_rot), base, qwen2, static_cast<int64_t>(pos));
      keys[l].push_back(k);
      values[l].push_back(v);

      Vec att(static_cast<size_t>(n_head) * hd, 0.0);
      for (uint64_t h = 0; h < n_head; ++h) {
        const uint64_t kvh = h / (n_head / n_kv);
        std::vector<double> w(pos + 1);
        double max = -1e300, sum = 0;
        for (size_t p = 0; p <= pos; ++p) {
          double dot = 0;
          for (int64_t i = 0; i < hd; ++i) dot += q[h * hd + i] * keys[l][p][kvh * hd + i];
          w[p] = dot / std::sqrt(static_cast<double>(hd));
          max = std::max(max, w[p]);
        }
        for (double& s : w) sum += s = std::exp(s - max);
        for (size_t p = 0; p <= pos; ++p)
          for (int64_t i = 0; i < hd; ++i) att[h * hd + i] += w[p] / sum * values[l][p][kvh * hd + i];
      }
      Vec o = matvec(L.wo, att);
      for (size_t i = 0; i < x.size(); ++i) x[i] += o[i];

      xn = rmsnorm(x, L.ffn_norm, eps);
      Vec g = matvec(L.gate, xn), u = matvec(L.up, xn);
      for (size_t i = 0; i < g.size(); ++i) g[i] = g[i] / (1.0 + std::exp(-g[i])) * u[i];
      Vec d = matvec(L.down, g);
      for (size_t i = 0; i < x.size(); ++i) x[i] += d[i];
    }
    logits.push_back(matvec(out, rmsnorm(x, out_norm, eps)));
  }
  return logits;
}

}  // namespace maas::testing

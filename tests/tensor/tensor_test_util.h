// Shared helpers of the tensor tests: random data, quantized matrices, references.
#pragma once

#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include "tensor/dtype.h"
#include "tensor/ops.h"

namespace maas::tensor::testing {

inline std::vector<float> random_floats(size_t n, uint32_t seed, float scale = 1.0f) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> dist(0.0f, scale);
  std::vector<float> v(n);
  for (auto& x : v) x = dist(rng);
  return v;
}

// A quantized rows x cols matrix built from random floats.
struct TestMatrix {
  std::vector<uint8_t> bytes;
  Matrix m;
};

inline TestMatrix make_matrix(DType type, int64_t rows, int64_t cols, uint32_t seed) {
  TestMatrix t;
  const size_t rb = row_bytes(type, size_t(cols));
  t.bytes.resize(rb * size_t(rows));
  const std::vector<float> f = random_floats(size_t(rows * cols), seed);
  for (int64_t r = 0; r < rows; ++r) quantize_row(f.data() + r * cols, type, cols, t.bytes.data() + r * rb);
  t.m = Matrix{t.bytes.data(), type, rows, cols};
  return t;
}

// y = W x in double precision over the dequantized W.
inline std::vector<double> reference_matmul(const Matrix& w, const std::vector<float>& x,
                                            int64_t n_tokens) {
  std::vector<double> y(size_t(n_tokens * w.rows));
  std::vector<float> row(size_t(w.cols));
  for (int64_t r = 0; r < w.rows; ++r) {
    dequantize_row(w, r, row.data());
    for (int64_t t = 0; t < n_tokens; ++t) {
      double s = 0;
      for (int64_t c = 0; c < w.cols; ++c) s += double(row[c]) * x[size_t(t * w.cols + c)];
      y[size_t(t * w.rows + r)] = s;
    }
  }
  return y;
}

}  // namespace maas::tensor::testing

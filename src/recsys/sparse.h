// A sparse matrix in compressed rows (CSR): row r holds index[offsets[r] .. offsets[r+1])
// with their values, indices ascending. The user x item store is one CSR (rows = users)
// and its transpose (rows = items, i.e. the CSC of the same matrix).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace maas::recsys {

struct Csr {
  int32_t rows = 0, cols = 0;
  std::vector<int32_t> offsets{0};  // rows + 1
  std::vector<int32_t> index;       // column of each entry
  std::vector<float> value;

  int64_t nnz() const { return static_cast<int64_t>(index.size()); }
  int32_t row_size(int32_t r) const { return offsets[r + 1] - offsets[r]; }
  std::span<const int32_t> row_index(int32_t r) const {
    return {index.data() + offsets[r], static_cast<size_t>(row_size(r))};
  }
  std::span<const float> row_value(int32_t r) const {
    return {value.data() + offsets[r], static_cast<size_t>(row_size(r))};
  }
  // The value at (r, c), or nullptr (binary search in the row).
  const float* find(int32_t r, int32_t c) const;
};

// From (row, col, value) triples; (row, col) pairs must be unique.
Csr csr_from_triples(int32_t rows, int32_t cols, const std::vector<int32_t>& r, const std::vector<int32_t>& c,
                     const std::vector<float>& v);
Csr transpose(const Csr& m);

}  // namespace maas::recsys

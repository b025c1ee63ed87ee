#include "recsys/sparse.h"

#include <algorithm>

namespace maas::recsys {

const float* Csr::find(int32_t r, int32_t c) const {
  if (r < 0 || r >= rows) return nullptr;
  auto begin = index.begin() + offsets[r], end = index.begin() + offsets[r + 1];
  auto it = std::lower_bound(begin, end, c);
  if (it == end || *it != c) return nullptr;
  return &value[static_cast<size_t>(it - index.begin())];
}

// Counting sort by row, then each row sorted by column.
Csr csr_from_triples(int32_t rows, int32_t cols, const std::vector<int32_t>& r, const std::vector<int32_t>& c,
                     const std::vector<float>& v) {
  Csr m;
  m.rows = rows;
  m.cols = cols;
  m.offsets.assign(static_cast<size_t>(rows) + 1, 0);
  for (int32_t row : r) ++m.offsets[row + 1];
  for (int32_t i = 0; i < rows; ++i) m.offsets[i + 1] += m.offsets[i];
  m.index.resize(r.size());
  m.value.resize(r.size());
  std::vector<int32_t> fill(m.offsets.begin(), m.offsets.end() - 1);
  for (size_t k = 0; k < r.size(); ++k) {
    const int32_t at = fill[r[k]]++;
    m.index[at] = c[k];
    m.value[at] = v[k];
  }
  std::vector<std::pair<int32_t, float>> row;
  for (int32_t i = 0; i < rows; ++i) {
    row.clear();
    for (int32_t k = m.offsets[i]; k < m.offsets[i + 1]; ++k) row.emplace_back(m.index[k], m.value[k]);
    std::sort(row.begin(), row.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    for (size_t k = 0; k < row.size(); ++k) {
      m.index[m.offsets[i] + k] = row[k].first;
      m.value[m.offsets[i] + k] = row[k].second;
    }
  }
  return m;
}

Csr transpose(const Csr& m) {
  std::vector<int32_t> r, c;
  r.reserve(m.index.size());
  c.reserve(m.index.size());
  for (int32_t i = 0; i < m.rows; ++i)
    for (int32_t k = m.offsets[i]; k < m.offsets[i + 1]; ++k) {
      r.push_back(m.index[k]);
      c.push_back(i);
    }
  return csr_from_triples(m.cols, m.rows, r, c, m.value);
}

}  // namespace maas::recsys

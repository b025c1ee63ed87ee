#include "nn/idx.h"

#include <algorithm>
#include <cmath>
#include <set>

#include "core/csv.h"

namespace maas::nn {
namespace {

uint32_t be32(const std::string& s, size_t at) {
  return uint32_t(uint8_t(s[at])) << 24 | uint32_t(uint8_t(s[at + 1])) << 16 | uint32_t(uint8_t(s[at + 2])) << 8 |
         uint32_t(uint8_t(s[at + 3]));
}

// The dimensions of an unsigned-byte IDX file with `dims` dimensions.
Result<std::vector<uint32_t>> idx_header(const std::string& data, int dims, const std::string& path) {
  if (data.size() < 4 + 4 * size_t(dims) || data[0] != 0 || data[1] != 0)
    return invalid_argument("{}: not an IDX file", path);
  if (uint8_t(data[2]) != 0x08) return invalid_argument("{}: IDX type 0x{:02x}, only unsigned bytes (0x08) are read", path, uint8_t(data[2]));
  if (data[3] != dims) return invalid_argument("{}: {} dimensions, expected {}", path, int(data[3]), dims);
  std::vector<uint32_t> d;
  size_t total = 1;
  for (int i = 0; i < dims; ++i) {
    d.push_back(be32(data, 4 + 4 * size_t(i)));
    total *= d.back();
  }
  if (data.size() != 4 + 4 * size_t(dims) + total)
    return invalid_argument("{}: {} bytes, the header says {}", path, data.size(), 4 + 4 * size_t(dims) + total);
  return d;
}

}  // namespace

Result<IdxData> read_idx(const std::string& images_path, const std::string& labels_path, const Schema* given) {
  MAAS_ASSIGN_OR_RETURN(std::string images, read_text_file(images_path));
  MAAS_ASSIGN_OR_RETURN(std::string labels, read_text_file(labels_path));
  MAAS_ASSIGN_OR_RETURN(std::vector<uint32_t> di, idx_header(images, 3, images_path));
  MAAS_ASSIGN_OR_RETURN(std::vector<uint32_t> dl, idx_header(labels, 1, labels_path));
  if (di[0] != dl[0]) return invalid_argument("{} has {} images but {} has {} labels", images_path, di[0], labels_path, dl[0]);
  const int64_t n = di[0], pixels = int64_t(di[1]) * di[2];
  const uint8_t* px = reinterpret_cast<const uint8_t*>(images.data()) + 16;
  const uint8_t* lb = reinterpret_cast<const uint8_t*>(labels.data()) + 8;

  IdxData out;
  Schema& s = out.schema;
  if (given) {
    s = *given;
    if (s.features() != pixels) return invalid_argument("{}: {} pixels per image, the model takes {}", images_path, pixels, s.features());
  } else {
    s.task = Task::kClassify;
    s.target = "label";
    std::set<int> seen(lb, lb + n);
    for (int l : seen) s.labels.push_back(std::to_string(l));
    // Per-pixel mean and deviation, accumulated row by row (the file's order).
    std::vector<double> sum(size_t(pixels), 0.0), sq(size_t(pixels), 0.0);
    for (int64_t r = 0; r < n; ++r)
      for (int64_t p = 0; p < pixels; ++p) {
        const double v = px[r * pixels + p];
        sum[p] += v;
        sq[p] += v * v;
      }
    for (int64_t p = 0; p < pixels; ++p) {
      const double mean = sum[p] / double(n);
      const double sd = std::sqrt(std::max(0.0, sq[p] / double(n) - mean * mean));
      s.columns.push_back(Column{"p" + std::to_string(p), false, mean, sd > 1e-12 ? sd : 1.0, {}});
    }
    s.baseline.assign(size_t(pixels), 0.0f);
  }
  Encoded& e = out.rows;
  e.rows = n;
  e.features = pixels;
  e.outputs = s.outputs();
  e.x.resize(size_t(n * pixels));
  e.y.assign(size_t(n * e.outputs), 0.0f);
  for (int64_t r = 0; r < n; ++r) {
    for (int64_t p = 0; p < pixels; ++p)
      e.x[r * pixels + p] = float((px[r * pixels + p] - s.columns[p].mean) / s.columns[p].std);
    const std::string label = std::to_string(lb[r]);
    const auto it = std::find(s.labels.begin(), s.labels.end(), label);
    if (it == s.labels.end()) return invalid_argument("{}: label {} of image {} is not one the model knows", labels_path, label, r);
    e.label.push_back(int32_t(it - s.labels.begin()));
    e.y[r * e.outputs + e.label.back()] = 1.0f;
  }
  return out;
}

}  // namespace maas::nn

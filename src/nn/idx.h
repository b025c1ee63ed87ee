// IDX files (LeCun's MNIST format, as Debian's dataset-fashion-mnist ships them): an
// images file (ubyte, n x rows x cols) and a labels file (ubyte, n), gzip allowed.
#pragma once

#include <string>

#include "core/status.h"
#include "nn/schema.h"

namespace maas::nn {

struct IdxData {
  Schema schema;  // pixel columns p0..p{n-1} (standardised), labels "0".."9" (as found)
  Encoded rows;
};

// Reads the pair. `schema` (optional): encode with this schema's statistics (a test set
// under the training set's), else computed from these images.
Result<IdxData> read_idx(const std::string& images_path, const std::string& labels_path, const Schema* schema = nullptr);

}  // namespace maas::nn

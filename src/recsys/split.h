// Train/test splits of an interaction file for offline evaluation:
//  - by time: each user's latest `test` fraction of rows (by timestamp, then line) is
//    held out — the future of every user;
//  - random: a `test` fraction of all rows, chosen with `seed`.
// Both outputs keep the input's header and columns, rows in input order.
#pragma once

#include <cstdint>
#include <string>

#include "core/status.h"

namespace maas::recsys {

struct SplitOptions {
  bool by_time = true;
  double test = 0.1;
  uint64_t seed = 0;
  std::string user_col = "userId";
  std::string timestamp_col = "timestamp";
};

struct SplitCounts {
  int64_t train = 0, test = 0;
};

Result<SplitCounts> split_interactions(const std::string& input, const SplitOptions& options,
                                       const std::string& train_path, const std::string& test_path);

}  // namespace maas::recsys

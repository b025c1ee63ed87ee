// Helpers of the nn tests: the shared tables, seeded splits, a quick fit.
#pragma once

#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "core/train.h"
#include "nn/schema.h"
#include "nn/table.h"
#include "nn/trainer.h"

namespace maas::nn::testing {

inline std::string tabular(const std::string& name) { return std::string(MAAS_SHARED_DIR) + "/data/tabular/" + name; }

inline void write_file(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

// The table, its schema and a seeded 80/20 split of its encoded rows.
struct Prepared {
  Table table;
  Schema schema;
  Encoded train, test;
};

inline Prepared prepare(const std::string& path, const std::string& target = "", std::optional<Task> task = {}) {
  Prepared p;
  auto t = read_table(path);
  EXPECT_TRUE(t.is_ok()) << t.status().to_string();
  p.table = std::move(t).value();
  auto s = build_schema(p.table, target, task);
  EXPECT_TRUE(s.is_ok()) << s.status().to_string();
  p.schema = std::move(s).value();
  auto e = encode_table(p.schema, p.table);
  EXPECT_TRUE(e.is_ok()) << e.status().to_string();
  split_rows(*e, 0.2, 42, p.train, p.test);
  return p;
}

inline FitResult fit_ok(const Encoded& train, const Encoded& val, const FitConfig& c,
                        tensor::ThreadPool* pool = nullptr) {
  NullTrainMonitor monitor;
  auto r = fit(train, val, c, monitor, pool);
  EXPECT_TRUE(r.is_ok()) << r.status().to_string();
  return r.is_ok() ? std::move(r).value() : FitResult{};
}

}  // namespace maas::nn::testing

// How a table's columns become the network's inputs and outputs, stored in the model:
// numeric columns standardised with the training mean and deviation, other columns
// one-hot over the categories seen in training; the target as class indices (classify)
// or a standardised value (regress). Every bad value is an error naming row and column.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/status.h"
#include "nn/table.h"

namespace maas::nn {

enum class Task { kClassify, kRegress };
const char* task_name(Task t);

struct Column {
  std::string name;
  bool categorical = false;
  double mean = 0, std = 1;             // numeric
  std::vector<std::string> categories;  // categorical, in one-hot order
  int64_t width() const { return categorical ? static_cast<int64_t>(categories.size()) : 1; }
};

struct Schema {
  std::vector<Column> columns;  // the inputs, in table order
  std::string target;
  Task task = Task::kClassify;
  std::vector<std::string> labels;      // classify: class names, in output order
  double target_mean = 0, target_std = 1;  // regress
  // The mean of the encoded training rows (0 for numeric inputs, category frequencies
  // for one-hot ones): the baseline of integrated gradients.
  std::vector<float> baseline;

  int64_t features() const;  // encoded input width
  int64_t outputs() const { return task == Task::kClassify ? static_cast<int64_t>(labels.size()) : 1; }
  // The column an encoded feature belongs to.
  size_t column_of_feature(int64_t feature) const;
};

// Reads the column kinds, statistics, categories and labels from `table`. `target`
// empty: the last column. `task` unset: classify when the target is not numeric or
// holds at most 20 distinct integers, else regress.
Result<Schema> build_schema(const Table& table, const std::string& target, std::optional<Task> task);

// Encoded rows: x is rows x features, y rows x outputs (one-hot for classify, the
// standardised target for regress), label the class index (classify).
struct Encoded {
  int64_t rows = 0, features = 0, outputs = 0;
  std::vector<float> x, y;
  std::vector<int32_t> label;
  std::vector<double> value;  // regress: the target as given
  void append(const Encoded& other, int64_t row);
};

// The table's rows (with the target) under the schema; an unseen category or label, a
// missing or non-numeric value is an error naming the file, line and column.
Result<Encoded> encode_table(const Schema& schema, const Table& table);

// One row given as {column: value} (serving); every input column is required, unknown
// names are refused. `where` prefixes errors ("inputs[2]").
Status encode_object(const Schema& schema, const nlohmann::json& row, const std::string& where, float* out);

}  // namespace maas::nn

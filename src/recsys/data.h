// Interaction data as the recsys family reads it: a CSV (or TSV, .gz) with one row per
// interaction — user, item, rating (or none: an implicit event), timestamp — under
// column names given by options (MovieLens names by default), plus item metadata
// (title text and '|'-separated categories) from the same file or a separate one.
//
// Duplicates: when a (user, item) pair occurs more than once, the row with the latest
// timestamp wins; on equal timestamps the later line in the file wins ("last wins").
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/status.h"
#include "recsys/sparse.h"

namespace maas::recsys {

struct Columns {
  std::string user = "userId";
  std::string item = "movieId";
  std::string rating = "rating";        // "": implicit feedback (every row counts 1)
  std::string timestamp = "timestamp";  // "": file order
  std::string title = "title";          // item metadata, used when the column exists
  std::string categories = "genres";
};

// String ids <-> dense indices, in first-seen order.
struct IdMap {
  std::vector<std::string> ids;
  std::unordered_map<std::string, int32_t> index;
  int32_t add(const std::string& id);
  int32_t find(const std::string& id) const;  // -1 when unknown
  int32_t size() const { return static_cast<int32_t>(ids.size()); }
};

struct ItemInfo {
  std::string title;
  std::vector<std::string> categories;
};

struct Dataset {
  IdMap users, items;
  bool implicit = false;
  Csr by_user;  // users x items
  Csr by_item;  // items x users (the CSC of by_user)
  std::vector<int64_t> times;          // per by_user entry
  std::vector<ItemInfo> item_info;     // per item (empty when no metadata)
  int64_t rows_read = 0;
  int64_t duplicates = 0;              // rows replaced by a later one
};

// Reads the interactions (and metadata from the same file when its columns are there);
// `items_path` (optional) adds metadata, and items that only appear there join the
// catalogue (content-based cold start). Errors name the file and line.
Result<Dataset> load_dataset(const std::string& path, const Columns& columns, const std::string& items_path = "");

// Splits "a|b|c" into its non-empty parts.
std::vector<std::string> split_categories(const std::string& text);

}  // namespace maas::recsys

// Helpers for the recsys tests: small CSV files and in-process training.
#pragma once

#include <fmt/format.h>

#include <fstream>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "core/train.h"
#include "helpers/server_process.h"
#include "recsys/model.h"
#include "recsys/scorer.h"
#include "recsys/train.h"

namespace maas::recsys::testing {

inline std::string write_text(const maas::testing::TempDir& dir, const std::string& name, const std::string& text) {
  const std::string path = dir.file(name);
  std::ofstream(path) << text;
  return path;
}

inline std::string movielens_path() { return std::string(MAAS_SHARED_DIR) + "/data/movielens-small/ratings.csv"; }

// Two tastes: users a* love sci-fi (m1-m3) and hate romance (m4-m6), users b* the
// opposite. a1 has not seen m3 (Alien), b1 has not seen m6 (Pretty Woman).
inline std::string two_tastes(const maas::testing::TempDir& dir, bool implicit = false) {
  const char* titles[] = {"Star Wars", "Star Trek", "Alien", "Love Actually", "Notting Hill", "Pretty Woman"};
  const char* genres[] = {"Sci-Fi|Action", "Sci-Fi", "Sci-Fi|Horror", "Romance|Comedy", "Romance", "Romance|Comedy"};
  std::string csv = "userId,movieId,title,genres,rating,timestamp\n";
  int t = 0;
  for (std::string g : {"a", "b"})
    for (int u = 1; u <= 4; ++u)
      for (int m = 1; m <= 6; ++m) {
        if (u == 1 && ((g == "a" && m == 3) || (g == "b" && m == 6))) continue;
        const bool likes = (g == "a") == (m <= 3);
        if (implicit && !likes) continue;
        csv += fmt::format("{}{},m{},{},\"{}\",{},{}\n", g, u, m, titles[m - 1], genres[m - 1], likes ? 5 : 1, ++t);
      }
  return write_text(dir, implicit ? "implicit.csv" : "tastes.csv", csv);
}

// Trains with `options` (resolved with the family's defaults) into dir/name.gguf.
inline Result<TrainResult> train_to(const std::string& data, nlohmann::json options, const std::string& out) {
  MAAS_ASSIGN_OR_RETURN(nlohmann::json resolved, resolve_options(train_option_specs(), options));
  NullTrainMonitor monitor;
  TrainSpec spec{data, resolved, out, &monitor};
  return train_recsys(spec);
}

// Trains and loads the model back from its GGUF file.
inline Scorer train_scorer(const maas::testing::TempDir& dir, const std::string& data, nlohmann::json options) {
  const std::string out = dir.file("model.gguf");
  Result<TrainResult> r = train_to(data, std::move(options), out);
  EXPECT_TRUE(r.is_ok()) << r.status().to_string();
  Result<RecModel> m = load_model(out);
  EXPECT_TRUE(m.is_ok()) << m.status().to_string();
  return Scorer(std::move(m).value());
}

}  // namespace maas::recsys::testing

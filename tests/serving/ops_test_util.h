// Shared by the keys / quotas / usage / metrics tests: keys made with the real CLI,
// HTTP calls with a bearer key, waiting for a model to load, reading SQLite directly.
#pragma once

#include <httplib.h>
#include <sqlite3.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "helpers/server_process.h"

namespace maas::testing::ops {

inline std::string stories_path() { return std::string(MAAS_SHARED_DIR) + "/models/stories260K.gguf"; }
inline std::string stories_flag() { return "stories260K=" + stories_path(); }

// `maas keys create --name NAME <extra...>`; returns the secret (last line of stdout).
inline std::string create_key(const std::string& data_dir, const std::string& name,
                              const std::vector<std::string>& extra = {}) {
  std::vector<std::string> args = {"keys", "create", "--name", name, "--data-dir", data_dir};
  args.insert(args.end(), extra.begin(), extra.end());
  CommandResult r = run_maas(args);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::string out = r.out;
  while (!out.empty() && out.back() == '\n') out.pop_back();
  std::string secret = out.substr(out.rfind('\n') + 1);
  EXPECT_EQ(secret.rfind("maas-", 0), 0u) << r.out;
  return secret;
}

inline httplib::Headers bearer(const std::string& secret) { return {{"Authorization", "Bearer " + secret}}; }

// Polls /readyz until the server's start-up models are loaded.
inline bool wait_ready(int port, int timeout_ms = 60000) {
  httplib::Client c("127.0.0.1", port);
  for (int waited = 0; waited < timeout_ms; waited += 50) {
    auto r = c.Get("/readyz");
    if (r && r->status == 200) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

inline nlohmann::json body_json(const httplib::Result& r) {
  if (!r) return nullptr;
  return nlohmann::json::parse(r->body, nullptr, false);
}

// The OpenAI error code of a response ("" when there is none).
inline std::string error_code(const httplib::Result& r) {
  nlohmann::json j = body_json(r);
  if (!j.is_object() || !j.contains("error") || !j["error"]["code"].is_string()) return "";
  return j["error"]["code"].get<std::string>();
}

// Runs a query on the registry database and returns every row, columns joined by '|'.
inline std::vector<std::string> sql_rows(const std::string& db_path, const std::string& sql) {
  sqlite3* db = nullptr;
  std::vector<std::string> rows;
  if (sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    ADD_FAILURE() << "cannot open " << db_path;
    sqlite3_close(db);
    return rows;
  }
  sqlite3_busy_timeout(db, 5000);
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) != SQLITE_OK) {
    ADD_FAILURE() << sqlite3_errmsg(db) << " in " << sql;
  } else {
    while (sqlite3_step(st) == SQLITE_ROW) {
      std::string row;
      for (int c = 0; c < sqlite3_column_count(st); ++c) {
        const unsigned char* t = sqlite3_column_text(st, c);
        row += (c ? "|" : "") + std::string(t ? reinterpret_cast<const char*>(t) : "");
      }
      rows.push_back(row);
    }
  }
  sqlite3_finalize(st);
  sqlite3_close(db);
  return rows;
}

}  // namespace maas::testing::ops

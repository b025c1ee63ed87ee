// Structured logging: one JSON object per line on stderr.
//   log_event(LogLevel::kInfo, "request", {{"path", "/v1/models"}, {"status", 200}});
// Bodies and prompts are never passed here unless the operator asked for them.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace maas {

enum class LogLevel { kDebug, kInfo, kWarn, kError };

// Set once at start-up from config ("debug", "info", "warn", "error").
void set_log_level(LogLevel level);
bool parse_log_level(const std::string& name, LogLevel* out);

void log_event(LogLevel level, const std::string& event, nlohmann::json fields = nlohmann::json::object());

}  // namespace maas

// The CLI's way to a running server (`maas ps`): --url > MAAS_URL > http://127.0.0.1:8080,
// --api-key > MAAS_API_KEY. Errors are one clear line: the server cannot be reached, or
// it answered an error (its OpenAI error message and status).
#pragma once

#include <string>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "core/status.h"

namespace maas::app {

struct ServerAddress {
  std::string url;
  std::string api_key;
};

// Adds --url and --api-key to a command.
void add_server_options(CLI::App* command, ServerAddress* address);

// GET `path` and parse its JSON body (2xx only).
Result<nlohmann::json> server_get(const ServerAddress& address, const std::string& path);

}  // namespace maas::app

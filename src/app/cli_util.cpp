#include "app/cli_util.h"

#include <cstdio>
#include <cstdlib>

#include <fmt/format.h>

#include "app/config.h"

namespace maas::app {

std::string resolve_data_dir(const std::string& flag) {
  if (!flag.empty()) return flag;
  if (const char* env = std::getenv(env_name_for("data-dir").c_str()); env && *env) return env;
  return "./maas-data";
}

Result<std::unique_ptr<registry::Registry>> open_registry(const std::string& data_dir_flag) {
  registry::RegistryOptions options;
  options.data_dir = resolve_data_dir(data_dir_flag);
  return registry::Registry::open(std::move(options));
}

std::string human_size(int64_t bytes) {
  const char* units[] = {"B", "KB", "MB", "GB", "TB"};
  double v = static_cast<double>(bytes);
  int u = 0;
  while (v >= 1000 && u < 4) {
    v /= 1000;
    ++u;
  }
  return u == 0 ? fmt::format("{} B", bytes) : fmt::format("{:.1f} {}", v, units[u]);
}

void print_table(const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> width;
  for (const auto& row : rows) {
    if (width.size() < row.size()) width.resize(row.size(), 0);
    for (size_t c = 0; c < row.size(); ++c) width[c] = std::max(width[c], row[c].size());
  }
  for (const auto& row : rows) {
    std::string line;
    for (size_t c = 0; c < row.size(); ++c) {
      line += row[c];
      if (c + 1 < row.size()) line += std::string(width[c] - row[c].size() + 2, ' ');
    }
    line.erase(line.find_last_not_of(' ') + 1);
    std::printf("%s\n", line.c_str());
  }
}

}  // namespace maas::app

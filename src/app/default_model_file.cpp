#include "app/default_model_file.h"

#include <filesystem>
#include <system_error>
#include <vector>

#ifndef MAAS_DEFAULT_MODEL_FILE
#define MAAS_DEFAULT_MODEL_FILE ""
#endif

namespace maas::app {

std::string find_default_model_file() {
  namespace fs = std::filesystem;
  const fs::path file = "stories260K.gguf";
  std::error_code ec;
  const fs::path exe_dir = fs::read_symlink("/proc/self/exe", ec).parent_path();
  std::vector<fs::path> candidates;
  if (!ec) {
    candidates.push_back(exe_dir.parent_path() / "models" / file);
    candidates.push_back(exe_dir / "models" / file);
  }
  candidates.emplace_back(MAAS_DEFAULT_MODEL_FILE);
  for (const fs::path& candidate : candidates) {
    if (!candidate.empty() && fs::is_regular_file(candidate, ec)) return candidate.lexically_normal().string();
  }
  return "";
}

}  // namespace maas::app

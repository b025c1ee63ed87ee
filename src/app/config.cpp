#include "app/config.h"

#include <cctype>
#include <cstdlib>
#include <map>
#include <vector>

#include "core/files.h"

namespace maas::app {
namespace {

std::string trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return "";
  size_t e = s.find_last_not_of(" \t\r");
  return s.substr(b, e - b + 1);
}

std::string unquote(const std::string& s) {
  if (s.size() >= 2 && ((s.front() == '"' && s.back() == '"') || (s.front() == '\'' && s.back() == '\'')))
    return s.substr(1, s.size() - 2);
  return s;
}

std::string normalize_key(std::string key) {
  for (char& c : key) c = c == '_' ? '-' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return key;
}

Result<std::multimap<std::string, std::string>> read_config_file(const std::string& path) {
  MAAS_ASSIGN_OR_RETURN(std::string text, read_file(path));
  std::multimap<std::string, std::string> out;
  size_t line_no = 0, pos = 0;
  while (pos <= text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    std::string line = trim(text.substr(pos, end - pos));
    pos = end + 1;
    ++line_no;
    if (line.empty() || line[0] == '#' || line[0] == '[') continue;
    size_t eq = line.find('=');
    if (eq == std::string::npos)
      return invalid_argument("config file '{}' line {}: expected 'name = value'", path, line_no);
    out.emplace(normalize_key(trim(line.substr(0, eq))), unquote(trim(line.substr(eq + 1))));
  }
  return out;
}

}  // namespace

std::string env_name_for(const std::string& option_name) {
  std::string env = "MAAS_";
  for (char c : option_name) env += c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return env;
}

Status apply_env_and_config(CLI::App& command, const std::string& config_path) {
  std::multimap<std::string, std::string> file;
  if (!config_path.empty()) {
    MAAS_ASSIGN_OR_RETURN(file, read_config_file(config_path));
  }
  std::map<std::string, bool> known;
  for (CLI::Option* opt : command.get_options()) {
    std::string name = opt->get_single_name();
    if (name.empty() || name == "help" || name == "config") continue;
    known[name] = true;
    if (opt->count() > 0) continue;  // given on the command line: flags win
    std::vector<std::string> values;
    if (const char* env = std::getenv(env_name_for(name).c_str()); env && *env) {
      values.emplace_back(env);
    } else {
      auto [b, e] = file.equal_range(name);
      for (auto it = b; it != e; ++it) values.push_back(it->second);
    }
    if (values.empty()) continue;
    try {
      for (auto& v : values) opt->add_result(v);
      opt->run_callback();
    } catch (const CLI::Error& err) {
      return invalid_argument("invalid value for {} (from {}): {}", name,
                              std::getenv(env_name_for(name).c_str()) ? env_name_for(name) : config_path,
                              err.what());
    }
  }
  for (const auto& [key, value] : file) {
    if (!known.count(key)) return invalid_argument("config file '{}': unknown setting '{}'", config_path, key);
  }
  return Status::ok();
}

}  // namespace maas::app

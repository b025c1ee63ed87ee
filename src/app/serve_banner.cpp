#include "app/serve_banner.h"

#include <filesystem>

#include <fmt/format.h>

namespace maas::app {
namespace {

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& item : items) out += (out.empty() ? "" : ", ") + item;
  return out;
}

std::string models_lines(const serving::StartupSummary& s) {
  std::string out;
  for (const std::string& m : s.loading)
    out += fmt::format("  model   {}{}\n", m, m == s.default_model ? " (built-in default: models/README.md), loading" : ", loading");
  std::vector<std::string> others;
  for (const std::string& name : s.registered) {
    bool loading = false;
    for (const std::string& m : s.loading) loading |= m.rfind(name + ":", 0) == 0;
    if (!loading) others.push_back(name);
  }
  if (!others.empty()) out += fmt::format("  models  {} (registered; each loads on its first request)\n", join(others));
  if (out.empty())
    out = "  models  none: import one with `maas models import FILE.gguf --name NAME`, or start with --model FILE.gguf\n";
  return out;
}

std::string keys_lines(const serving::StartupSummary& s, const std::string& create_admin) {
  if (s.auth_mode == "off") return "  keys    off (--auth off): every route is open to anyone who reaches this address\n";
  if (s.keys_required() && s.active_keys > 0)
    return fmt::format("  keys    required: send 'Authorization: Bearer maas-...' ({} active key{}; `maas keys list`)\n",
                       s.active_keys, s.active_keys == 1 ? "" : "s");
  if (s.keys_required())
    return fmt::format("  keys    required, and none exists yet: every route but /healthz, /readyz, /metrics answers 401.\n"
                       "          Create the first admin key with: {}\n", create_admin);
  return fmt::format("  keys    not required while none exists (--auth auto). The first key turns them on; create it with:\n"
                     "          {}\n", create_admin);
}

std::string try_line(const serving::StartupSummary& s) {
  const std::string auth = s.keys_required() ? " -H \"Authorization: Bearer $MAAS_KEY\"" : "";
  if (!s.default_model.empty()) {
    const std::string name = s.default_model.substr(0, s.default_model.rfind(':'));
    return fmt::format(
        "  try     curl -s {}/v1/completions{} --json '{{\"model\":\"{}\",\"prompt\":\"Once upon a time\",\"max_tokens\":30,\"temperature\":0}}'\n",
        s.url, auth, name);
  }
  return fmt::format("  try     curl -s {}/v1/models{}\n", s.url, auth);
}

}  // namespace

std::string serve_banner(const serving::StartupSummary& s, const std::string& maas_command) {
  const std::string create_admin =
      fmt::format("{} keys create --name admin --role admin --data-dir {}", maas_command, s.data_dir);
  std::string out = fmt::format("\nmaas is serving on {}\n", s.url);
  out += models_lines(s);
  out += keys_lines(s, create_admin);
  out += fmt::format("  data    {} (registry {})\n", s.data_dir, s.db_path);
  out += try_line(s);
  out += "  stop    Ctrl-C (in-flight requests finish first)\n\n";
  return out;
}

std::string maas_command_path() {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (ec) return "maas";
  const fs::path relative = exe.lexically_relative(fs::current_path(ec));
  if (!ec && !relative.empty() && *relative.begin() != "..") return relative.string();
  return exe.string();
}

}  // namespace maas::app

#include "helpers/gguf_test_files.h"

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace maas::testing {

GgufTempDir::GgufTempDir() {
  const char* base = std::getenv("TMPDIR");
  std::string tmpl = std::string(base && *base ? base : "/tmp") + "/maas-gguf-test-XXXXXX";
  if (!::mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed for " + tmpl);
  path_ = tmpl;
}

GgufTempDir::~GgufTempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

size_t GgufTempDir::entry_count() const {
  size_t n = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(path_)) ++n;
  return n;
}

std::string gguf_read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void gguf_write_bytes(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

size_t gguf_tensor_info_offset(const std::string& bytes, const std::string& name) {
  // A tensor info starts with uint64 length + name; find that exact encoding.
  std::string needle(8, '\0');
  const uint64_t len = name.size();
  std::memcpy(needle.data(), &len, 8);
  needle += name;
  const size_t at = bytes.find(needle);
  if (at == std::string::npos) throw std::runtime_error("tensor info not found: " + name);
  return at + needle.size();
}

}  // namespace maas::testing

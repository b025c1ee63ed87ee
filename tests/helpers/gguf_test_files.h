// Test helpers for GGUF files: a temporary directory and raw byte access.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>

namespace maas::testing {

// A fresh directory under $TMPDIR (or /tmp), removed with everything in it on destruction.
class GgufTempDir {
 public:
  GgufTempDir();
  ~GgufTempDir();
  GgufTempDir(const GgufTempDir&) = delete;
  GgufTempDir& operator=(const GgufTempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }
  size_t entry_count() const;  // files currently in the directory

 private:
  std::string path_;
};

std::string gguf_read_bytes(const std::string& path);
void gguf_write_bytes(const std::string& path, const std::string& bytes);

// Overwrites sizeof(T) bytes at `offset` of `bytes` with `v` (little-endian).
template <typename T>
void gguf_patch(std::string& bytes, size_t offset, T v) {
  std::memcpy(bytes.data() + offset, &v, sizeof(T));
}

// Offset of the n_dims field of tensor `name`'s info record (right after its name).
size_t gguf_tensor_info_offset(const std::string& bytes, const std::string& name);

}  // namespace maas::testing

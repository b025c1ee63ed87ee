// GGUF (v2, v3) model files: metadata key/values and a tensor table over an mmap.
// Spec: github.com/ggml-org/ggml docs/gguf.md. Every read is bounds-checked; a bad
// file gives a Status naming what is wrong and where, never a crash.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "core/status.h"
#include "tensor/dtype.h"

namespace maas::llm {

enum class GgufType : uint32_t {
  kUint8 = 0, kInt8 = 1, kUint16 = 2, kInt16 = 3, kUint32 = 4, kInt32 = 5,
  kFloat32 = 6, kBool = 7, kString = 8, kArray = 9, kUint64 = 10, kInt64 = 11, kFloat64 = 12,
};

struct GgufValue;
struct GgufArray {
  GgufType elem_type = GgufType::kUint8;
  std::vector<GgufValue> items;
};

// One metadata value. Integers are widened to int64/uint64, floats to double.
struct GgufValue {
  GgufType type = GgufType::kUint8;
  std::variant<uint64_t, int64_t, double, bool, std::string, std::shared_ptr<GgufArray>> v;
};

struct GgufTensor {
  std::string name;
  std::vector<uint64_t> dims;   // GGUF order: dims[0] is the contiguous (row) length
  tensor::DType type = tensor::DType::kF32;
  uint64_t offset = 0;          // relative to the data section
  uint64_t nbytes = 0;
  const uint8_t* data = nullptr;  // points into the mapping
  uint64_t n_elements() const;
};

class GgufFile {
 public:
  // Maps and validates the whole file: header, metadata, tensor table, alignment, that
  // every tensor lies inside the file and has a known type.
  static Result<std::shared_ptr<GgufFile>> open(const std::string& path);
  ~GgufFile();
  GgufFile(const GgufFile&) = delete;
  GgufFile& operator=(const GgufFile&) = delete;

  uint32_t version() const { return version_; }
  uint64_t alignment() const { return alignment_; }
  const std::string& path() const { return path_; }
  size_t file_size() const { return size_; }
  // File offset where tensor data starts (tensor offsets are relative to it).
  uint64_t data_offset() const { return data_offset_; }

  const std::map<std::string, GgufValue>& metadata() const { return kv_; }
  const GgufValue* find(const std::string& key) const;
  bool has(const std::string& key) const { return find(key) != nullptr; }

  // Typed getters: an error if the key is missing or of an incompatible type.
  Result<std::string> get_string(const std::string& key) const;
  Result<uint64_t> get_uint(const std::string& key) const;   // any unsigned/signed >= 0 int
  Result<double> get_float(const std::string& key) const;    // float32/64 or integer
  Result<bool> get_bool(const std::string& key) const;
  Result<std::vector<std::string>> get_string_array(const std::string& key) const;
  Result<std::vector<double>> get_float_array(const std::string& key) const;
  Result<std::vector<int64_t>> get_int_array(const std::string& key) const;
  // Getters with a default for optional keys (still an error on a wrong type).
  Result<uint64_t> get_uint_or(const std::string& key, uint64_t fallback) const;
  Result<double> get_float_or(const std::string& key, double fallback) const;
  Result<bool> get_bool_or(const std::string& key, bool fallback) const;
  Result<std::string> get_string_or(const std::string& key, const std::string& fallback) const;

  const std::vector<GgufTensor>& tensors() const { return tensors_; }
  const GgufTensor* tensor(const std::string& name) const;

  // Hints that bytes [p, p + n) of the mapping will not be read again soon: the whole
  // pages inside are released (a later read maps them in again from the file). Used
  // once a tensor has been copied into another layout. Ignores ranges outside the map.
  void release_pages(const void* p, size_t n) const;

 private:
  GgufFile() = default;
  std::string path_;
  const uint8_t* base_ = nullptr;
  size_t size_ = 0;
  uint32_t version_ = 0;
  uint64_t alignment_ = 32;
  uint64_t data_offset_ = 0;
  std::map<std::string, GgufValue> kv_;
  std::vector<GgufTensor> tensors_;
  std::map<std::string, size_t> tensor_index_;
  friend class GgufParser;
};

// Cheap check used by `maas models import`: magic + version + counts readable.
Status gguf_check_header(const std::string& path);

// Format constants and small helpers shared by the reader and the writer.
inline constexpr uint32_t kGgufMagic = 0x46554747;  // "GGUF" read as a little-endian uint32
inline constexpr uint64_t kGgufDefaultAlignment = 32;
inline constexpr uint32_t kGgufMaxDims = 4;
inline constexpr size_t kGgufMaxTensorName = 63;  // ggml's GGML_MAX_NAME (64) minus the NUL
const char* gguf_type_name(GgufType type);        // "uint8", ..., "array"; "?" if unknown
bool gguf_type_is_valid(uint32_t type);
// Bytes of one fixed-size value of `type`; 0 for string and array.
size_t gguf_type_size(GgufType type);

}  // namespace maas::llm

// Builds a GGUF v3 file: metadata of every type (including nested arrays) and tensors
// of any DType given as raw bytes, written atomically (temp file + fsync + rename).
// Used by tests to create small models and by `maas quantize`.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "core/status.h"
#include "llm/gguf/gguf.h"

namespace maas::llm {

namespace gguf_detail {
class ByteSink;
}

class GgufWriter {
 public:
  // `alignment` of the tensor data (a power of two); a non-default value is recorded as
  // general.alignment. `version` is 3 (default) or 2 (same layout; for tests).
  explicit GgufWriter(uint64_t alignment = kGgufDefaultAlignment, uint32_t version = 3);

  // Metadata. Setting a key again replaces its value and keeps its position.
  void set_uint8(const std::string& key, uint8_t v);
  void set_int8(const std::string& key, int8_t v);
  void set_uint16(const std::string& key, uint16_t v);
  void set_int16(const std::string& key, int16_t v);
  void set_uint32(const std::string& key, uint32_t v);
  void set_int32(const std::string& key, int32_t v);
  void set_uint64(const std::string& key, uint64_t v);
  void set_int64(const std::string& key, int64_t v);
  void set_float32(const std::string& key, float v);
  void set_float64(const std::string& key, double v);
  void set_bool(const std::string& key, bool v);
  void set_string(const std::string& key, std::string v);
  void set_string_array(const std::string& key, const std::vector<std::string>& v);
  void set_float32_array(const std::string& key, const std::vector<float>& v);
  void set_int32_array(const std::string& key, const std::vector<int32_t>& v);
  // Any value, e.g. a nested array or one copied from a GgufFile (checked when written).
  void set_value(const std::string& key, GgufValue v);
  // Copies every metadata key of `file` except general.alignment.
  void copy_metadata_from(const GgufFile& file);
  bool remove(const std::string& key);

  // Tensors, written in the order added. `dims` in GGUF order (dims[0] contiguous);
  // `bytes` must be exactly the size the type and shape need.
  Status add_tensor(const std::string& name, tensor::DType type, std::vector<uint64_t> dims,
                    std::vector<uint8_t> bytes);
  // Same, without copying: `data` must stay valid until write() returns.
  Status add_tensor_view(const std::string& name, tensor::DType type, std::vector<uint64_t> dims,
                         const void* data, size_t nbytes);

  // Writes the file atomically: readers see no file or the whole file.
  Status write(const std::string& path) const;
  // The whole file in memory (tests, small files).
  Result<std::string> to_bytes() const;

  size_t tensor_count() const { return tensors_.size(); }

 private:
  struct PendingTensor {
    std::string name;
    tensor::DType type;
    std::vector<uint64_t> dims;
    std::vector<uint8_t> owned;
    const uint8_t* data = nullptr;
    size_t nbytes = 0;
  };
  Status check_tensor(const std::string& name, tensor::DType type, const std::vector<uint64_t>& dims,
                      size_t nbytes) const;
  Status emit(gguf_detail::ByteSink& sink) const;

  uint64_t alignment_;
  uint32_t version_;
  std::vector<std::pair<std::string, GgufValue>> kv_;
  std::vector<PendingTensor> tensors_;
};

// Helpers to build metadata values by hand (e.g. nested arrays).
GgufValue gguf_value_string(std::string s);
GgufValue gguf_value_uint32(uint32_t v);
GgufValue gguf_value_array(GgufType elem_type, std::vector<GgufValue> items);

}  // namespace maas::llm

// A bounds-checked little-endian reader over a byte range (internal to the GGUF code).
// Every read checks that the bytes exist; a short read is an error naming the offset.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "core/status.h"

namespace maas::llm::gguf_detail {

class Cursor {
 public:
  Cursor(const uint8_t* data, size_t size) : data_(data), size_(size) {}

  size_t offset() const { return pos_; }
  size_t remaining() const { return size_ - pos_; }
  size_t size() const { return size_; }

  Status need(size_t n, const char* what) const {
    if (n <= remaining()) return Status::ok();
    return data_loss("truncated file: {} needs {} bytes at offset {} but the file ends at {}",
                     what, n, pos_, size_);
  }

  template <typename T>
  Status read(T* out, const char* what) {
    MAAS_RETURN_IF_ERROR(need(sizeof(T), what));
    std::memcpy(out, data_ + pos_, sizeof(T));  // GGUF is little-endian, as are our hosts
    pos_ += sizeof(T);
    return Status::ok();
  }

  // A GGUF string: uint64 length + bytes (no terminator). `max_len` rejects absurd lengths
  // before anything is allocated.
  Status read_string(std::string* out, const char* what, uint64_t max_len) {
    const size_t at = pos_;
    uint64_t len = 0;
    MAAS_RETURN_IF_ERROR(read(&len, what));
    if (len > max_len)
      return data_loss("{} at offset {} has length {}, more than the limit of {} bytes", what, at,
                       len, max_len);
    if (len > remaining())
      return data_loss("truncated file: {} at offset {} has length {} but only {} bytes are left",
                       what, at, len, remaining());
    out->assign(reinterpret_cast<const char*>(data_ + pos_), static_cast<size_t>(len));
    pos_ += static_cast<size_t>(len);
    return Status::ok();
  }

  void seek(size_t pos) { pos_ = pos; }

 private:
  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
};

}  // namespace maas::llm::gguf_detail

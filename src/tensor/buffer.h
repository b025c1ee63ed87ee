// A 64-byte aligned heap buffer for weights. Large ones are 2 MiB aligned and advised
// as transparent huge pages: a matmul streaming hundreds of MiB then walks one TLB
// entry per 2 MiB instead of per 4 KiB, and the hardware prefetchers, which stop at
// page boundaries, run further ahead.
#pragma once

#include <cstddef>
#include <cstdint>

namespace maas::tensor {

class AlignedBuffer {
 public:
  AlignedBuffer() = default;
  // `bytes` of uninitialised memory; empty() if the allocation failed.
  explicit AlignedBuffer(size_t bytes);
  ~AlignedBuffer();
  AlignedBuffer(AlignedBuffer&& o) noexcept : data_(o.data_), size_(o.size_) { o.data_ = nullptr, o.size_ = 0; }
  AlignedBuffer& operator=(AlignedBuffer&& o) noexcept;
  AlignedBuffer(const AlignedBuffer&) = delete;
  AlignedBuffer& operator=(const AlignedBuffer&) = delete;

  uint8_t* data() const { return data_; }
  size_t size() const { return size_; }
  bool empty() const { return data_ == nullptr; }

 private:
  uint8_t* data_ = nullptr;
  size_t size_ = 0;
};

}  // namespace maas::tensor

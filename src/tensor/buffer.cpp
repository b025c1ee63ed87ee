#include "tensor/buffer.h"

#include <sys/mman.h>

#include <cstdlib>
#include <utility>

namespace maas::tensor {
namespace {

constexpr size_t kHugePage = size_t(2) << 20;

}  // namespace

AlignedBuffer::AlignedBuffer(size_t bytes) {
  if (bytes == 0) return;
  const size_t align = bytes >= kHugePage ? kHugePage : 64;
  const size_t size = (bytes + align - 1) / align * align;
  data_ = static_cast<uint8_t*>(std::aligned_alloc(align, size));
  if (data_ == nullptr) return;
  size_ = bytes;
  if (align == kHugePage) (void)::madvise(data_, size, MADV_HUGEPAGE);  // a hint: failure is harmless
}

AlignedBuffer::~AlignedBuffer() { std::free(data_); }

AlignedBuffer& AlignedBuffer::operator=(AlignedBuffer&& o) noexcept {
  if (this != &o) {
    std::free(data_);
    data_ = std::exchange(o.data_, nullptr);
    size_ = std::exchange(o.size_, 0);
  }
  return *this;
}

}  // namespace maas::tensor

#include "core/hash.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <vector>

#include <openssl/evp.h>
#include <openssl/rand.h>

namespace maas {
namespace {

std::string to_hex(const unsigned char* p, size_t n) {
  static const char* kDigits = "0123456789abcdef";
  std::string out(2 * n, '0');
  for (size_t i = 0; i < n; ++i) {
    out[2 * i] = kDigits[p[i] >> 4];
    out[2 * i + 1] = kDigits[p[i] & 15];
  }
  return out;
}

struct Sha256 {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx{EVP_MD_CTX_new(), EVP_MD_CTX_free};
  Sha256() { EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr); }
  void update(const void* p, size_t n) { EVP_DigestUpdate(ctx.get(), p, n); }
  std::string hex() {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_DigestFinal_ex(ctx.get(), md, &len);
    return to_hex(md, len);
  }
};

Status io_error(const char* what, const std::string& path) {
  return error(Code::kInvalidArgument, "cannot {} '{}': {}", what, path, std::strerror(errno));
}

}  // namespace

std::string sha256_hex(std::string_view bytes) {
  Sha256 h;
  h.update(bytes.data(), bytes.size());
  return h.hex();
}

Result<std::string> sha256_file(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return io_error("open", path);
  Sha256 h;
  std::vector<char> buf(1 << 20);
  for (;;) {
    ssize_t n = ::read(fd, buf.data(), buf.size());
    if (n < 0) {
      ::close(fd);
      return io_error("read", path);
    }
    if (n == 0) break;
    h.update(buf.data(), static_cast<size_t>(n));
  }
  ::close(fd);
  return h.hex();
}

Result<std::string> copy_and_hash(const std::string& src, const std::string& dst) {
  int in = ::open(src.c_str(), O_RDONLY | O_CLOEXEC);
  if (in < 0) return io_error("open", src);
  int out = ::open(dst.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (out < 0) {
    Status s = error(Code::kInternal, "cannot create '{}': {}", dst, std::strerror(errno));
    ::close(in);
    return s;
  }
  Sha256 h;
  std::vector<char> buf(1 << 20);
  Status status;
  for (;;) {
    ssize_t n = ::read(in, buf.data(), buf.size());
    if (n < 0) { status = io_error("read", src); break; }
    if (n == 0) break;
    h.update(buf.data(), static_cast<size_t>(n));
    for (ssize_t off = 0; off < n;) {
      ssize_t w = ::write(out, buf.data() + off, static_cast<size_t>(n - off));
      if (w < 0) { status = error(Code::kInternal, "cannot write '{}': {}", dst, std::strerror(errno)); break; }
      off += w;
    }
    if (!status.is_ok()) break;
  }
  if (status.is_ok() && ::fsync(out) != 0) status = error(Code::kInternal, "cannot fsync '{}': {}", dst, std::strerror(errno));
  ::close(in);
  ::close(out);
  if (!status.is_ok()) {
    ::unlink(dst.c_str());
    return status;
  }
  return h.hex();
}

std::string random_hex(size_t n) {
  std::vector<unsigned char> bytes(n);
  RAND_bytes(bytes.data(), static_cast<int>(n));
  return to_hex(bytes.data(), n);
}

}  // namespace maas

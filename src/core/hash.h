// SHA-256 (OpenSSL) of bytes and files, as lowercase hex.
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"

namespace maas {

std::string sha256_hex(std::string_view bytes);

// Streams the file; used to content-address artifacts.
Result<std::string> sha256_file(const std::string& path);

// Copies `src` to `dst` while hashing it, so an import reads the file once.
// Returns the sha256 of the bytes written. `dst` is fsync'ed.
Result<std::string> copy_and_hash(const std::string& src, const std::string& dst);

// `n` cryptographically random bytes rendered as hex (2n characters).
std::string random_hex(size_t n);

}  // namespace maas

// Small filesystem helpers with Status errors.
#pragma once

#include <string>

#include "core/status.h"

namespace maas {

Result<std::string> read_file(const std::string& path);

// Writes via a temporary file in the same directory + fsync + rename: readers see the
// old contents or the new, never half a file.
Status write_file_atomic(const std::string& path, const std::string& contents);

// mkdir -p; an error names the directory and the reason.
Status make_dirs(const std::string& path);

// fsyncs a directory so a rename or unlink inside it is durable.
Status fsync_dir(const std::string& path);

}  // namespace maas

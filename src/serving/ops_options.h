// Settings of the operations layer (keys, quotas, usage, metrics); part of ServiceOptions.
#pragma once

#include <string>

namespace maas::serving {

struct OpsOptions {
  std::string auth = "auto";     // auto (on while any key exists) | on | off (loopback binds only)
  int key_cache_ms = 1000;       // longest a revocation by another process takes to apply
  int usage_flush_ms = 250;      // usage rows are written at least this often
  int max_headers = 100;         // more request headers than this: 431
};

}  // namespace maas::serving

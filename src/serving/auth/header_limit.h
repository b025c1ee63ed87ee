// Bounds the number of request headers (cpp-httplib 0.11 bounds each header line and
// the request line to 8192 bytes — 400 / 414 beyond — but not their count).
// More than `max_headers` is refused with 431 before auth or any handler runs.
#pragma once

#include "serving/http/server.h"

namespace maas::serving::auth {

Middleware make_header_limit_middleware(int max_headers);

}  // namespace maas::serving::auth

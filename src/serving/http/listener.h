// The listening socket and the process limits it depends on, owned by maas rather than
// by cpp-httplib (whose compiled-in listen backlog is 5), and the TLS context.
#pragma once

#include <openssl/ssl.h>

#include <string>

#include "core/status.h"

namespace maas::serving {

struct ListenSocket {
  int fd = -1;
  int port = 0;  // the bound port (the chosen one for port 0)
};

// A non-blocking socket bound to host:port and listening with `backlog`; errors name
// the address and the reason (e.g. "address already in use").
Result<ListenSocket> listen_on(const std::string& host, int port, int backlog);

// Raises the soft limit of open files towards the hard one; returns the soft limit now.
int raise_open_file_limit();

// A TLS server context from PEM files (TLS 1.2 or later).
Result<SSL_CTX*> make_tls_context(const std::string& cert_path, const std::string& key_path);

}  // namespace maas::serving

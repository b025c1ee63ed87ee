// Names the calling thread (at most 15 characters on Linux), so `top -H`, perf and
// /proc/PID/task/*/comm tell maas's threads apart (e.g. to split CPU time between the
// forward pass and the HTTP edge).
#pragma once

namespace maas {

void set_thread_name(const char* name);

}  // namespace maas

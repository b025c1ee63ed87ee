// Memory read bandwidth of this machine, for reporting kernels as a fraction of it.
#pragma once

namespace maas::tensor {

class ThreadPool;

// Bytes per second read by all of `pool`'s threads from a buffer far larger than the
// last-level cache: the median of several passes. Takes about half a second.
double measure_read_bandwidth(ThreadPool& pool);

}  // namespace maas::tensor

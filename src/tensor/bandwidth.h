// Memory read bandwidth of this machine, for reporting kernels as a fraction of it.
#pragma once

namespace maas::tensor {

class ThreadPool;

// Bytes per second read by all of `pool`'s threads from a buffer far larger than the
// last-level cache: the median of several passes. Takes about half a second.
double measure_read_bandwidth(ThreadPool& pool);

// The same probe, also per busy CPU-second: bytes / (process CPU seconds / threads).
// On a shared machine where other processes take CPU time, wall-clock rates fall with
// the load while the CPU-time rate shows what the threads achieve while they run.
struct ReadBandwidth {
  double wall;      // bytes per second of wall-clock time (median pass)
  double cpu_time;  // bytes per second of CPU time per thread (median pass)
};
ReadBandwidth measure_read_bandwidth_detail(ThreadPool& pool);

// CPU seconds used by this process so far (all threads).
double process_cpu_seconds();

}  // namespace maas::tensor

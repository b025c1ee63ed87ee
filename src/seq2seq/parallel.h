// Row-parallel loops for the element-wise parts of the network: each row is computed by
// one thread, so results do not depend on the thread count.
#pragma once

#include <cstdint>

#include "tensor/thread_pool.h"

namespace maas::seq2seq {

template <typename Fn>
void for_rows(tensor::ThreadPool* pool, int64_t rows, Fn&& fn) {
  if (pool && pool->size() > 1 && rows > 1) {
    pool->parallel_for(rows, [&](int64_t b, int64_t e) {
      for (int64_t i = b; i < e; ++i) fn(i);
    });
  } else {
    for (int64_t i = 0; i < rows; ++i) fn(i);
  }
}

}  // namespace maas::seq2seq

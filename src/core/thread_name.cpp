#include "core/thread_name.h"

#include <pthread.h>

#include <algorithm>
#include <cstring>
#include <string>

namespace maas {

void set_thread_name(const char* name) {
  const std::string short_name(name, std::min<size_t>(std::strlen(name), 15));
  (void)pthread_setname_np(pthread_self(), short_name.c_str());  // best effort
}

}  // namespace maas

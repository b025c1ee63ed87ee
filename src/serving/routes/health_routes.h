// GET /healthz (alive) and GET /readyz (200 only when the registry is open and every
// wanted model is loaded; 503 with the reasons otherwise).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "serving/http/router.h"

namespace maas::serving {

struct Readiness {
  bool ready = false;
  std::vector<std::string> waiting_for;  // human-readable reasons when not ready
};

void add_health_routes(Router& router, std::function<Readiness()> readiness);

}  // namespace maas::serving

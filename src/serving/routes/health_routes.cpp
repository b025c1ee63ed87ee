#include "serving/routes/health_routes.h"

#include "serving/http/errors.h"

namespace maas::serving {

void add_health_routes(Router& router, std::function<Readiness()> readiness) {
  router.get("/healthz", [](HttpRequest&) { return HttpResponse::json({{"status", "ok"}}); }).public_route = true;
  router.get("/readyz", [readiness](HttpRequest&) {
    Readiness r = readiness();
    if (r.ready) return HttpResponse::json({{"status", "ready"}});
    HttpResponse res = error_response(503, "not ready: waiting for " + [&] {
      std::string s;
      for (const auto& w : r.waiting_for) s += (s.empty() ? "" : ", ") + w;
      return s;
    }(), "", "not_ready");
    return res;
  }).public_route = true;
}

}  // namespace maas::serving

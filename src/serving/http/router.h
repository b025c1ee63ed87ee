// Method + path routing with {name} segments. A path that matches no route is 404; a
// path that matches only under other methods is 405 with an Allow header.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "serving/http/http_types.h"

namespace maas::serving {

using Handler = std::function<HttpResponse(HttpRequest&)>;

struct Route {
  std::string method;
  std::string pattern;        // "/v1/models/{id}"
  Handler handler;
  bool admin = false;         // needs an admin key when auth is on
  bool public_route = false;  // no auth at all (health, readiness, metrics)
  std::vector<std::string> segments;  // pattern split on '/'
};

struct RouteMatch {
  const Route* route = nullptr;           // null: see allowed_methods
  std::vector<std::string> allowed_methods;  // non-empty: 405, else 404
};

class Router {
 public:
  Route& add(const std::string& method, const std::string& pattern, Handler handler);
  Route& get(const std::string& pattern, Handler h) { return add("GET", pattern, std::move(h)); }
  Route& post(const std::string& pattern, Handler h) { return add("POST", pattern, std::move(h)); }
  Route& put(const std::string& pattern, Handler h) { return add("PUT", pattern, std::move(h)); }
  Route& del(const std::string& pattern, Handler h) { return add("DELETE", pattern, std::move(h)); }

  // Fills req.path_params on a match.
  RouteMatch match(HttpRequest& req) const;

 private:
  std::vector<Route> routes_;
};

}  // namespace maas::serving

#include "serving/http/router.h"

#include <algorithm>

namespace maas::serving {
namespace {

std::vector<std::string> split_path(const std::string& path) {
  std::vector<std::string> parts;
  size_t i = 0;
  while (i <= path.size()) {
    size_t j = path.find('/', i);
    if (j == std::string::npos) j = path.size();
    if (j > i) parts.push_back(path.substr(i, j - i));
    i = j + 1;
  }
  return parts;
}

bool is_param(const std::string& seg) { return seg.size() > 2 && seg.front() == '{' && seg.back() == '}'; }

bool match_segments(const Route& route, const std::vector<std::string>& parts,
                    std::map<std::string, std::string>* params) {
  if (route.segments.size() != parts.size()) return false;
  std::map<std::string, std::string> found;
  for (size_t i = 0; i < parts.size(); ++i) {
    const std::string& seg = route.segments[i];
    if (is_param(seg))
      found[seg.substr(1, seg.size() - 2)] = parts[i];
    else if (seg != parts[i])
      return false;
  }
  if (params) *params = std::move(found);
  return true;
}

}  // namespace

Route& Router::add(const std::string& method, const std::string& pattern, Handler handler) {
  Route r;
  r.method = method;
  r.pattern = pattern;
  r.handler = std::move(handler);
  r.segments = split_path(pattern);
  routes_.push_back(std::move(r));
  return routes_.back();
}

RouteMatch Router::match(HttpRequest& req) const {
  RouteMatch m;
  std::vector<std::string> parts = split_path(req.path);
  // Literal segments win over parameters: try routes with fewer params first.
  const Route* best = nullptr;
  size_t best_params = SIZE_MAX;
  std::map<std::string, std::string> best_found;
  for (const Route& r : routes_) {
    std::map<std::string, std::string> found;
    if (!match_segments(r, parts, &found)) continue;
    if (r.method != req.method && !(req.method == "HEAD" && r.method == "GET")) {
      if (std::find(m.allowed_methods.begin(), m.allowed_methods.end(), r.method) == m.allowed_methods.end())
        m.allowed_methods.push_back(r.method);
      continue;
    }
    if (found.size() < best_params) {
      best = &r;
      best_params = found.size();
      best_found = std::move(found);
    }
  }
  if (best) {
    m.route = best;
    m.allowed_methods.clear();
    req.path_params = std::move(best_found);
  }
  return m;
}

}  // namespace maas::serving

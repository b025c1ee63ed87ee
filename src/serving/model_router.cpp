#include "serving/model_router.h"

#include "core/clock.h"
#include <algorithm>
#include <random>

#include <fmt/ranges.h>

#include "registry/model_ref.h"
#include "registry/store.h"

namespace maas::serving {

Result<RoutedModel> route_model(ServingContext& ctx, HttpRequest& req, const std::string& requested,
                                const std::string& capability, const std::string& user) {
  const std::string sticky_key = !user.empty() ? user : req.header("Authorization");
  if (requested.empty()) return invalid_argument("'model' is required").with_field("model");
  // A bare model name follows its traffic table (canary weights, sticky per caller).
  std::string reference = requested;
  std::vector<int64_t> shadows;
  Result<registry::ModelRef> ref = registry::parse_model_ref(requested);
  if (ref.is_ok() && !ref->version && !ref->alias) {
    const std::vector<registry::TrafficEntry> table = ctx.traffic.get(ref->name);
    double u = 0;
    if (!sticky_key.empty()) {
      u = sticky_draw(ref->name, sticky_key);
    } else {
      thread_local std::mt19937_64 rng{std::random_device{}()};
      u = std::uniform_real_distribution<double>(0.0, 1.0)(rng);
    }
    if (std::optional<int64_t> v = pick_version(table, u)) reference = ref->name + ":" + std::to_string(*v);
    for (const auto& e : table)
      if (e.shadow) shadows.push_back(e.version);
  }
  Result<registry::VersionInfo> found = ctx.registry.get_version(reference);
  if (!found.is_ok()) {
    if (found.status().code() == Code::kNotFound || found.status().code() == Code::kInvalidArgument)
      return not_found("The model '{}' does not exist ({})", requested, found.status().message()).with_field("model");
    return found.status();
  }
  RoutedModel routed;
  routed.requested = requested;
  routed.version = std::move(found).value();
  routed.shadows = std::move(shadows);
  req.routed_model = routed.version.model;
  req.routed_version = routed.version.version;
  const registry::VersionInfo& v = routed.version;
  const ModelFamily* family = ctx.families.find(v.family);
  if (!family) return Status(Code::kInternal, fmt::format("model {}:{} has unknown family '{}'", v.model, v.version, v.family));
  const std::vector<std::string> offered = family->capabilities();
  if (!capability.empty() && std::find(offered.begin(), offered.end(), capability) == offered.end())
    return invalid_argument("model '{}' is a '{}' model, which does not serve {} (it serves: {})", requested, v.family,
                            capability, fmt::join(offered, ", "))
        .with_field("model");
  if (v.stage == registry::Stage::kRetired || v.stage == registry::Stage::kRejected) {
    std::string successor = v.successor ? fmt::format("; use {}:{} instead", v.model, *v.successor) : "";
    return Status(v.stage == registry::Stage::kRetired ? Code::kGone : Code::kNotFound,
                  fmt::format("model {}:{} is {}{}", v.model, v.version, registry::stage_name(v.stage), successor))
        .with_field("model");
  }
  if (v.stage == registry::Stage::kDeprecated) {
    const int64_t since = v.stage_changed_at_ms.value_or(unix_millis()) / 1000;
    routed.headers.push_back({"Deprecation", "@" + std::to_string(since)});
    if (v.sunset_at_ms) routed.headers.push_back({"Sunset", http_date(*v.sunset_at_ms / 1000)});
    if (v.successor)
      routed.headers.push_back(
          {"Link", fmt::format("</v1/models/{}:{}>; rel=\"successor-version\"", v.model, *v.successor)});
  }
  MAAS_ASSIGN_OR_RETURN(routed.model, ctx.models.acquire(load_target(v)));
  return routed;
}

}  // namespace maas::serving

#include "serving/model_router.h"

#include "core/clock.h"
#include "registry/store.h"

namespace maas::serving {

Result<RoutedModel> route_model(ServingContext& ctx, const std::string& requested, const std::string& family,
                                const std::string& sticky_key) {
  (void)sticky_key;
  if (requested.empty()) return invalid_argument("'model' is required").with_field("model");
  Result<registry::VersionInfo> found = ctx.registry.get_version(requested);
  if (!found.is_ok()) {
    if (found.status().code() == Code::kNotFound || found.status().code() == Code::kInvalidArgument)
      return not_found("The model '{}' does not exist ({})", requested, found.status().message()).with_field("model");
    return found.status();
  }
  RoutedModel routed;
  routed.requested = requested;
  routed.version = std::move(found).value();
  const registry::VersionInfo& v = routed.version;
  if (v.family != family)
    return invalid_argument("model '{}' is a '{}' model; this endpoint serves '{}' models", requested, v.family, family)
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

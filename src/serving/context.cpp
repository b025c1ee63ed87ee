#include "serving/context.h"

namespace maas::serving {

Result<registry::ImportResult> import_model_file(registry::Registry& registry, const FamilyTable& families,
                                                 registry::ImportRequest request, const std::string& expected_family) {
  Result<DetectedFormat> detected = families.detect(request.path);
  if (!detected.is_ok()) return Status(detected.status().code(), detected.status().message()).with_field("path");
  const ModelFamily* family = detected->family;
  if (!expected_family.empty() && expected_family != family->name())
    return invalid_argument("'{}' is a '{}' model file, not '{}'", request.path, family->name(), expected_family)
        .with_field("family");
  request.family = family->name();
  request.format = detected->format;
  auto validate = [family, format = detected->format](const std::string& path) -> Status {
    Artifact a;
    a.path = path;
    a.format = format;
    Status st = family->validate(a);
    if (st.code() == Code::kDataLoss) return Status(Code::kInvalidArgument, st.message()).with_field("path");
    return st;
  };
  return registry.import_model(request, validate);
}

LoadTarget load_target(const registry::VersionInfo& v) {
  LoadTarget t;
  t.model = v.model;
  t.version = v.version;
  t.family = v.family;
  t.artifact.path = v.artifact_path;
  t.artifact.sha256 = v.sha256;
  t.artifact.format = v.format;
  t.artifact.size_bytes = static_cast<uint64_t>(v.size_bytes);
  t.artifact.params = v.params;
  return t;
}

}  // namespace maas::serving

#include "serving/context.h"

namespace maas::serving {

registry::Validator validator_for(const FamilyTable& families, const std::string& family) {
  const ModelFamily* f = families.find(family);
  return [f, family](const std::string& path) -> Status {
    if (!f) return invalid_argument("unknown model family '{}'", family).with_field("family");
    Artifact a;
    a.path = path;
    Status st = f->validate(a);
    // A corrupt file is the caller's bad input here, not a server fault.
    if (st.code() == Code::kDataLoss) return Status(Code::kInvalidArgument, st.message()).with_field("path");
    return st;
  };
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

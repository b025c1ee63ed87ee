#include "serving/default_model.h"

namespace maas::serving {

Result<std::optional<registry::VersionInfo>> register_default_model(registry::Registry& registry,
                                                                    const FamilyTable& families,
                                                                    const std::string& name,
                                                                    const std::string& path) {
  MAAS_ASSIGN_OR_RETURN(auto models, registry.list_models());
  if (!models.empty()) return std::optional<registry::VersionInfo>();
  registry::ImportRequest request;
  request.path = path;
  request.name = name;
  request.actor = "serve (default model)";
  request.description = "built-in default: the 260K-parameter TinyStories llama of llama2.c (MIT)";
  MAAS_ASSIGN_OR_RETURN(registry::ImportResult imported, import_model_file(registry, families, request));
  return std::optional<registry::VersionInfo>(imported.version);
}

}  // namespace maas::serving

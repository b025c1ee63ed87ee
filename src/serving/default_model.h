// The model a fresh install serves: with an empty registry, `maas serve` registers the
// file it was given (the repository's models/stories260K.gguf) under a fixed name, so
// the first request works with no download. A registry that has any model is left alone.
#pragma once

#include <optional>
#include <string>

#include "core/status.h"
#include "registry/store.h"
#include "serving/context.h"

namespace maas::serving {

// The version registered, or nullopt when the registry already had models.
Result<std::optional<registry::VersionInfo>> register_default_model(registry::Registry& registry,
                                                                    const FamilyTable& families,
                                                                    const std::string& name,
                                                                    const std::string& path);

}  // namespace maas::serving

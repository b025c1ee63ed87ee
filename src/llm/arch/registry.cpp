#include <array>

#include "llm/arch/architecture.h"

namespace maas::llm {

extern const Architecture kLlamaArchitecture;
extern const Architecture kQwen2Architecture;

namespace {
const std::array<const Architecture*, 2> kArchitectures = {&kLlamaArchitecture, &kQwen2Architecture};
}

const Architecture* find_architecture(std::string_view name) {
  for (const Architecture* a : kArchitectures)
    if (a->name == name) return a;
  return nullptr;
}

std::vector<std::string_view> architecture_names() {
  std::vector<std::string_view> names;
  for (const Architecture* a : kArchitectures) names.push_back(a->name);
  return names;
}

}  // namespace maas::llm

#include "serving/families.h"

#include "llm/family/llm_family.h"

namespace maas::serving {

void register_families(FamilyTable& table) {
  table.add(llm::make_llm_family());
}

}  // namespace maas::serving

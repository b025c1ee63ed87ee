// The family table: every model family maas knows, one line each.
#pragma once

#include "serving/model_manager.h"

namespace maas::serving {

void register_families(FamilyTable& table);

}  // namespace maas::serving

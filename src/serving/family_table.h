// Every model family maas knows (filled by register_families, serving/families.cpp),
// and the one place that tells which family reads a file.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/family.h"
#include "core/status.h"

namespace maas::serving {

struct DetectedFormat {
  const ModelFamily* family = nullptr;
  std::string format;
};

class FamilyTable {
 public:
  void add(std::unique_ptr<ModelFamily> family);
  const ModelFamily* find(const std::string& name) const;
  std::vector<std::string> names() const;
  std::vector<const ModelFamily*> all() const;

  // The family that reads the file at `path` (the first that claims it, in table
  // order). An unreadable file is kNotFound; a file no family reads is kInvalidArgument
  // naming what the file looked like.
  Result<DetectedFormat> detect(const std::string& path) const;

 private:
  std::vector<std::unique_ptr<ModelFamily>> families_;  // in registration order
};

// The probe of a file: its size, its first 64 KiB and, for GGUF, general.architecture.
Result<FileProbe> probe_file(const std::string& path);

}  // namespace maas::serving

#include "serving/family_table.h"

#include <filesystem>
#include <fstream>

#include "llm/gguf/gguf.h"

namespace maas::serving {

void FamilyTable::add(std::unique_ptr<ModelFamily> family) { families_.push_back(std::move(family)); }

const ModelFamily* FamilyTable::find(const std::string& name) const {
  for (const auto& f : families_)
    if (f->name() == name) return f.get();
  return nullptr;
}

std::vector<std::string> FamilyTable::names() const {
  std::vector<std::string> out;
  for (const auto& f : families_) out.push_back(f->name());
  return out;
}

std::vector<const ModelFamily*> FamilyTable::all() const {
  std::vector<const ModelFamily*> out;
  for (const auto& f : families_) out.push_back(f.get());
  return out;
}

Result<FileProbe> probe_file(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) return not_found("'{}' is not a readable file", path);
  FileProbe probe;
  probe.path = path;
  probe.size_bytes = std::filesystem::file_size(path, ec);
  std::ifstream in(path, std::ios::binary);
  if (!in) return not_found("cannot open '{}'", path);
  probe.head.resize(64 << 10);
  in.read(probe.head.data(), static_cast<std::streamsize>(probe.head.size()));
  probe.head.resize(static_cast<size_t>(in.gcount()));
  if (probe.head.size() >= 4 && probe.head.compare(0, 4, "GGUF") == 0) {
    MAAS_ASSIGN_OR_RETURN(std::shared_ptr<llm::GgufFile> file, llm::GgufFile::open(path));
    MAAS_ASSIGN_OR_RETURN(probe.gguf_architecture, file->get_string_or("general.architecture", ""));
  }
  return probe;
}

Result<DetectedFormat> FamilyTable::detect(const std::string& path) const {
  MAAS_ASSIGN_OR_RETURN(FileProbe probe, probe_file(path));
  for (const auto& f : families_)
    if (std::optional<std::string> format = f->detect(probe)) return DetectedFormat{f.get(), *format};
  std::string families;
  for (const auto& f : families_) families += (families.empty() ? "" : ", ") + f->name();
  if (!probe.gguf_architecture.empty())
    return invalid_argument("'{}' is a GGUF file of architecture '{}', which no model family serves (families: {})",
                            path, probe.gguf_architecture, families);
  return invalid_argument("'{}' is not a model file any family reads (families: {})", path, families);
}

}  // namespace maas::serving

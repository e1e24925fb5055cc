#include "host/engine/custom_sections.h"

#include <string>

#include "host/engine/wasm_reader.h"

namespace parigot::engine {

using internal::Reader;

Result<std::vector<std::span<const uint8_t>>> FindCustomSections(
    std::span<const uint8_t> wasm, std::string_view name) {
  Result<Reader> module = internal::ReadHeader(wasm);
  if (!module.ok()) return module.status();

  std::vector<std::span<const uint8_t>> found;
  while (!module->done()) {
    Result<internal::Section> section = internal::ReadSection(*module);
    if (!section.ok()) return section.status();
    if (section->id != internal::kCustomSectionId) continue;

    // A custom section's body: the name (u32 length + bytes), then the
    // payload, up to the end of the section.
    Reader body(section->body, section->body_offset);
    Result<uint32_t> name_size = body.U32("the custom section's name length");
    if (!name_size.ok()) return name_size.status();
    Result<std::span<const uint8_t>> section_name =
        body.Bytes(*name_size, "the custom section's name");
    if (!section_name.ok()) return section_name.status();
    const std::string_view actual(
        reinterpret_cast<const char*>(section_name->data()), section_name->size());
    if (actual == name) found.push_back(section->body.subspan(body.offset()));
  }
  return found;
}

GuestBuild BuildOf(std::span<const uint8_t> wasm) {
  Result<std::vector<std::span<const uint8_t>>> sections = FindCustomSections(wasm, kBuildSection);
  // Exactly one section: a guest linked from two objects that each carry
  // one would say it twice, and then nothing certain.
  if (!sections.ok() || sections->size() != 1) return GuestBuild::kUnknown;
  const std::string_view kind(reinterpret_cast<const char*>(sections->front().data()),
                              sections->front().size());
  if (kind == "optimized") return GuestBuild::kOptimized;
  if (kind == "unoptimized") return GuestBuild::kUnoptimized;
  return GuestBuild::kUnknown;
}

}  // namespace parigot::engine

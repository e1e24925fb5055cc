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

}  // namespace parigot::engine

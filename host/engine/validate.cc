// See validate.h.
#include "host/engine/validate.h"

#include <array>

#include "host/engine/wasm_reader.h"
#include "wabt/binary-reader-ir.h"
#include "wabt/binary-reader.h"
#include "wabt/error-formatter.h"
#include "wabt/feature.h"
#include "wabt/ir.h"
#include "wabt/validator.h"

namespace parigot::engine {
namespace {

using internal::Reader;

// The sections whose body starts with a vector count, with the fewest bytes
// one entry can be encoded in (0: not a vector section).
struct VectorSection {
  std::string_view name;
  uint32_t min_entry_bytes;
};
constexpr std::array<VectorSection, 13> kSections = {{
    {"custom", 0},
    {"type", 3},      // 0x60, no params, no results
    {"import", 4},    // two empty names, a kind, one byte of description
    {"function", 1},  // a type index
    {"table", 3},     // a reference type, limits flags, minimum
    {"memory", 2},    // limits flags, minimum
    {"global", 3},    // a value type, mutability, `end`
    {"export", 3},    // an empty name, a kind, an index
    {"start", 0},
    {"elem", 1},
    {"code", 3},      // a body size, no locals, `end`
    {"data", 2},      // a passive segment: flags, empty bytes
    {"data count", 0},
}};

constexpr uint8_t kTableSectionId = 4;
constexpr uint8_t kMemorySectionId = 5;
constexpr uint8_t kDataSectionId = 11;

Status Refuse(std::string_view debug_name, const Status& status) {
  return InvalidArgumentError(std::string(debug_name) + ": " + status.message());
}

// Limits (flags, minimum, optional maximum) of a table or a memory. Only the
// flags of the MVP (0, 1: a maximum follows) are read; other flags are left
// to the decoder (false).
Result<bool> ReadLimits(Reader& body, std::string_view what, uint64_t* min,
                        std::optional<uint64_t>* max) {
  Result<uint8_t> flags = body.Byte(what);
  if (!flags.ok()) return flags.status();
  if (*flags > 1) return false;
  Result<uint32_t> initial = body.U32(what);
  if (!initial.ok()) return initial.status();
  *min = *initial;
  if (*flags == 1) {
    Result<uint32_t> maximum = body.U32(what);
    if (!maximum.ok()) return maximum.status();
    *max = *maximum;
  }
  return true;
}

// The memory and table sections' limits: the facts, and the table limit.
// `body` is positioned after the section's count.
Status ReadSectionLimits(Reader& body, uint8_t id, uint32_t count, ModuleFacts& facts) {
  if (id == kMemorySectionId && count >= 1) {
    uint64_t min = 0;
    std::optional<uint64_t> max;
    Result<bool> read = ReadLimits(body, "the memory's limits", &min, &max);
    if (!read.ok()) return read.status();
    facts.has_memory = *read;
    facts.memory_min_pages = min;
    facts.memory_max_pages = max;
  }
  for (uint32_t i = 0; id == kTableSectionId && i < count; ++i) {
    const size_t entry_at = body.module_offset();
    Result<uint8_t> type = body.Byte("the table's type");
    if (!type.ok()) return type.status();
    uint64_t min = 0;
    std::optional<uint64_t> max;
    Result<bool> read = ReadLimits(body, "the table's limits", &min, &max);
    if (!read.ok()) return read.status();
    if (!*read) break;
    if (min > kMaxTableElements) {
      return Reader::Error("the table", "has a minimum of " + std::to_string(min) +
                                            " elements; at most " +
                                            std::to_string(kMaxTableElements) +
                                            " are allowed",
                           entry_at);
    }
  }
  return Status::Ok();
}

// Skips a constant expression up to and including its `end`. False if it
// holds an instruction this walk does not know (left to the decoder).
Result<bool> SkipConstExpr(Reader& body) {
  for (;;) {
    Result<uint8_t> op = body.Byte("a constant expression");
    if (!op.ok()) return op.status();
    Status skipped = Status::Ok();
    switch (*op) {
      case 0x0b: return true;  // end
      case 0x41:               // i32.const (sleb, read as a u32: same length)
      case 0x42:               // i64.const: a LEB of up to 10 bytes
        for (int i = 0;; ++i) {
          Result<uint8_t> b = body.Byte("a constant");
          if (!b.ok()) return b.status();
          if ((*b & 0x80) == 0) break;
          if (i == 9) return false;
        }
        break;
      case 0x43: skipped = body.Bytes(4, "an f32 constant").status(); break;
      case 0x44: skipped = body.Bytes(8, "an f64 constant").status(); break;
      case 0x23:  // global.get
      case 0xd2:  // ref.func
        skipped = body.U32("an index").status();
        break;
      case 0xd0: skipped = body.Byte("a reference type").status(); break;  // ref.null
      default: return false;
    }
    if (!skipped.ok()) return skipped;
  }
}

// The data segments' flags: 0 (active, memory 0), 1 (passive) or 2 (active,
// explicit memory). libwabt 1.0.32 reads 3 to 7 as well, and its
// interpreter then cannot read the module it re-encodes.
Status ReadDataSegments(Reader& body, uint32_t count) {
  for (uint32_t i = 0; i < count; ++i) {
    const size_t at = body.module_offset();
    Result<uint32_t> flags = body.U32("a data segment's flags");
    if (!flags.ok()) return flags.status();
    if (*flags > 2) {
      return Reader::Error("a data segment's flags",
                           "are " + std::to_string(*flags) + "; only 0, 1 and 2 exist", at);
    }
    if (*flags == 2) {
      Result<uint32_t> memory = body.U32("a data segment's memory");
      if (!memory.ok()) return memory.status();
    }
    if (*flags != 1) {
      Result<bool> skipped = SkipConstExpr(body);
      if (!skipped.ok()) return skipped.status();
      if (!*skipped) return Status::Ok();
    }
    Result<uint32_t> size = body.U32("a data segment's size");
    if (!size.ok()) return size.status();
    Status bytes = body.Bytes(*size, "a data segment's bytes").status();
    if (!bytes.ok()) return bytes;
  }
  return Status::Ok();
}

}  // namespace

Result<ModuleFacts> PreScanModule(std::span<const uint8_t> wasm, std::string_view debug_name) {
  Result<Reader> module = internal::ReadHeader(wasm);
  if (!module.ok()) return Refuse(debug_name, module.status());
  ModuleFacts facts;
  size_t sections = 0;
  while (!module->done()) {
    const size_t at = module->module_offset();
    if (++sections > kMaxSections) {
      return Refuse(debug_name, Reader::Error("the section",
                                              "is one more than the " +
                                                  std::to_string(kMaxSections) +
                                                  " sections a module may have",
                                              at));
    }
    Result<internal::Section> section = internal::ReadSection(*module);
    if (!section.ok()) return Refuse(debug_name, section.status());
    // An unknown id is left to the decoder, which names it.
    if (section->id >= kSections.size()) continue;
    Reader body(section->body, section->body_offset);
    if (section->id == internal::kCustomSectionId) {
      Result<uint32_t> name_size = body.U32("the custom section's name length");
      if (!name_size.ok()) return Refuse(debug_name, name_size.status());
      Result<std::span<const uint8_t>> name = body.Bytes(*name_size, "the custom section's name");
      if (!name.ok()) return Refuse(debug_name, name.status());
      continue;
    }
    const VectorSection& kind = kSections[section->id];
    if (kind.min_entry_bytes == 0) continue;
    const size_t count_at = body.module_offset();
    std::string what = "the " + std::string(kind.name) + " section's count";
    Result<uint32_t> count = body.U32(what);
    if (!count.ok()) return Refuse(debug_name, count.status());
    if (uint64_t{*count} * kind.min_entry_bytes > body.remaining()) {
      return Refuse(debug_name,
                    Reader::Error(what,
                                  "is " + std::to_string(*count) + ", more entries than its " +
                                      std::to_string(body.remaining()) + " bytes can hold",
                                  count_at));
    }
    Status entries = section->id == kDataSectionId
                         ? ReadDataSegments(body, *count)
                         : ReadSectionLimits(body, section->id, *count, facts);
    if (!entries.ok()) return Refuse(debug_name, entries);
  }
  return facts;
}

Result<ModuleFacts> ValidateModule(std::span<const uint8_t> wasm, std::string_view debug_name,
                                   wabt::Module* decoded) {
  Result<ModuleFacts> facts = PreScanModule(wasm, debug_name);
  if (!facts.ok()) return facts.status();

  // What wasm2c runs (and wasm-validate): libwabt's IR reader, then its
  // validator. The interpreter's own reader is laxer (wabt 1.0.32 accepts
  // code after a function's final `end`), so it is not the reference.
  std::string name(debug_name);
  wabt::Features features;
  wabt::ReadBinaryOptions options(features, nullptr, /*read_debug_names=*/true,
                                  /*stop_on_first_error=*/true,
                                  /*fail_on_custom_section_error=*/false);
  wabt::Errors errors;
  wabt::Module local;
  wabt::Module& module = decoded != nullptr ? *decoded : local;
  if (wabt::Failed(wabt::ReadBinaryIr(name.c_str(), wasm.data(), wasm.size(), options, &errors,
                                      &module)) ||
      wabt::Failed(wabt::ValidateModule(&module, &errors, wabt::ValidateOptions(features)))) {
    std::string msg = wabt::FormatErrorsToString(errors, wabt::Location::Type::Binary);
    while (!msg.empty() && msg.back() == '\n') msg.pop_back();
    return InvalidArgumentError(name + ": invalid wasm: " + msg);
  }
  // The interpreter adds an export of its own by this name
  // (interp/interrupt_checks.h): refused on every engine, not just there.
  for (const wabt::Export* exported : module.exports) {
    if (exported->name == kReservedExport) {
      return InvalidArgumentError(name + ": exports " + std::string(kReservedExport) +
                                  ", a name reserved for the host");
    }
  }
  return facts;
}

uint64_t MemoryLimitPages(const InstanceOptions& options) {
  constexpr uint64_t kWasm32Pages = 65536;
  uint64_t pages = options.memory_limit / kWasmPageSize;
  return pages < kWasm32Pages ? pages : kWasm32Pages;
}

Status CheckMemoryLimit(std::string_view debug_name, const ModuleFacts& facts,
                        const InstanceOptions& options) {
  if (!facts.has_memory || facts.memory_min_pages <= MemoryLimitPages(options)) {
    return Status::Ok();
  }
  return ResourceExhaustedError(
      std::string(debug_name) + ": its memory's minimum, " +
      FormatBytes(facts.memory_min_pages * kWasmPageSize) + " (" +
      std::to_string(facts.memory_min_pages) + " pages), exceeds its memory limit of " +
      FormatBytes(MemoryLimitPages(options) * kWasmPageSize));
}

std::string FormatBytes(uint64_t bytes) {
  constexpr std::array<std::string_view, 4> kUnits = {"bytes", "KiB", "MiB", "GiB"};
  size_t unit = 0;
  while (unit + 1 < kUnits.size() && bytes >= 1024 && bytes % 1024 == 0) {
    bytes /= 1024;
    ++unit;
  }
  if (unit == 0) return std::to_string(bytes) + " bytes";
  return std::to_string(bytes) + " " + std::string(kUnits[unit]);
}

}  // namespace parigot::engine

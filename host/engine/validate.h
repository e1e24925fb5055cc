// The one module validator every engine runs first.
//
// Engine::Load (and LoadFile) of every engine validates a module before it
// allocates anything for it, so the engines accept and refuse exactly the
// same modules, with the same message, and a malformed module costs time
// and memory in proportion to its size. Two steps:
//
// 1. PreScanModule: the framing, read by hand, allocating nothing: the
//    header; every section's size within the module and, for a custom
//    section, its name within the section; at most kMaxSections sections
//    (custom ones included: 8 MB of zeros would otherwise be millions of
//    empty custom sections); for every section that is a vector, a count its
//    bytes can hold at the smallest encoding of an entry (the decoder
//    reserves vectors by those counts, so no count reaches it that could
//    reserve more than a small multiple of the module's size); data
//    segments' flags (0, 1 or 2: libwabt 1.0.32 reads 3 to 7 as well); and
//    this host's limits beyond the standard: a table of at most
//    kMaxTableElements elements (V8's limit), since both engines allocate a
//    table's minimum eagerly. It also reads the ModuleFacts Instantiate
//    needs.
// 2. Full decoding and validation by libwabt, as wasm2c does it: its IR
//    reader and its validator (wabt's default features); and no export
//    named kReservedExport.
//
// ValidateModule runs both; every engine calls it first, except that the AOT
// engine, which finds a module's compiled artifact by the hash of its bytes,
// runs step 1 first and step 2 only when it has no artifact: an artifact is
// only ever compiled from bytes that passed step 2 (and wasm2c's own
// validation, the same libwabt validator), so the verdict is the same, and
// a guest with an artifact does not pay the full decode (about 5 ms for a
// 400 KB guest) on every start.
//
// Per-instance limits (the memory limit) are checked at Instantiate, against
// the ModuleFacts: CheckMemoryLimit.
//
// Thread safety: pure functions; may be called from any thread at once.
#ifndef PARIGOT_HOST_ENGINE_VALIDATE_H_
#define PARIGOT_HOST_ENGINE_VALIDATE_H_

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "host/engine/engine.h"
#include "host/engine/limits.h"
#include "parigot/status.h"

namespace wabt {
struct Module;
}  // namespace wabt

namespace parigot::engine {

// At most this many sections, custom sections included. A clang-built guest
// has about 25 (the standard ones, producers, target_features, name, DWARF
// and parigot's own).
inline constexpr size_t kMaxSections = 1024;

inline constexpr uint64_t kWasmPageSize = 65536;

// An export name that the host keeps for itself (the interpreter's
// interrupt flag): a module exporting it is refused.
inline constexpr std::string_view kReservedExport = "__parigot_interrupt";

// What Instantiate needs to know about a valid module.
struct ModuleFacts {
  // The module's own linear memory, in 64 KiB pages: its declared minimum
  // and maximum (nullopt: none declared). No memory: has_memory false.
  bool has_memory = false;
  uint64_t memory_min_pages = 0;
  std::optional<uint64_t> memory_max_pages;
};

// Step 1 of the file comment. Errors: InvalidArgument, "<debug_name>:
// malformed wasm module: <what> at byte N <problem>" (or "<debug_name>: not
// a wasm module...").
Result<ModuleFacts> PreScanModule(std::span<const uint8_t> wasm, std::string_view debug_name);

// Steps 1 and 2. If `decoded` is not null, it receives the decoded module
// (for an engine that works on libwabt's IR). Errors: as PreScanModule, then
// InvalidArgument, "<debug_name>: invalid wasm: <libwabt's message>", or
// "<debug_name>: exports __parigot_interrupt, a name reserved for the host".
Result<ModuleFacts> ValidateModule(std::span<const uint8_t> wasm, std::string_view debug_name,
                                   wabt::Module* decoded = nullptr);

// The whole pages `options.memory_limit` allows (rounded down; at most
// 65536, all of wasm32's address space).
uint64_t MemoryLimitPages(const InstanceOptions& options);

// Refuses to instantiate a module whose memory's minimum exceeds the memory
// limit. Errors: ResourceExhausted, naming the guest, its minimum and the
// limit.
Status CheckMemoryLimit(std::string_view debug_name, const ModuleFacts& facts,
                        const InstanceOptions& options);

// "64 KiB", "256 MiB", "4 GiB", or "<n> bytes" when not a whole KiB.
std::string FormatBytes(uint64_t bytes);

}  // namespace parigot::engine

#endif  // PARIGOT_HOST_ENGINE_VALIDATE_H_

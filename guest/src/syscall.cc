#include "guest/src/syscall.h"

#include <algorithm>

#include "parigot/exchange.h"

namespace parigot::internal {

// The imports themselves, one per entry of the shared list, and exchange.
extern "C" {
#define PARIGOT_SYSCALL(name, Message)                                 \
  __attribute__((import_module("parigot"), import_name(#name))) int32_t \
      parigot_import_##name(const void*, uint32_t, void*, uint32_t,    \
                                   uint32_t*);
#include "parigot/syscalls.def"
#undef PARIGOT_SYSCALL
// An attribute needs a literal; the static_assert below ties it to the
// host's name.
__attribute__((import_module("parigot"), import_name("exchange"))) int32_t
parigot_import_exchange(const void*, uint32_t, void*, uint32_t, uint32_t*);
}

static_assert(exchange::kImportName == "exchange");

namespace {
// Responses are usually small; start here and grow on demand. Allocated
// once: most system calls then touch no allocator at all.
constexpr size_t kInitialResponseCapacity = 4096;
}  // namespace

syscall::v1::KernelErr RawSyscall(SyscallImport import, std::string_view request,
                                  std::vector<char>* buffer, std::string_view* response) {
  if (buffer->empty()) buffer->resize(kInitialResponseCapacity);
  for (;;) {
    uint32_t length = 0;
    auto err = static_cast<syscall::v1::KernelErr>(
        import(request.data(), static_cast<uint32_t>(request.size()),
               buffer->data(), static_cast<uint32_t>(buffer->size()), &length));
    if (err == syscall::v1::KernelErr::DataTooLarge && length > buffer->size()) {
      // Doubling, so that responses which grow a little each time (an
      // exchange's batch of events) do not hit DataTooLarge every time.
      buffer->resize(std::max<size_t>(length, 2 * buffer->size()));
      continue;
    }
    if (err == syscall::v1::KernelErr::NoError) *response = {buffer->data(), length};
    return err;
  }
}

syscall::v1::KernelErr RawSyscall(SyscallImport import, std::string_view request,
                                  std::string_view* response) {
  static std::vector<char> buffer;
  return RawSyscall(import, request, &buffer, response);
}

#define PARIGOT_SYSCALL(import_name, Message)                                \
  syscall::v1::KernelErr Sys##Message(                                       \
      const syscall::v1::Message##Request& request,                          \
      syscall::v1::Message##Response* response) {                            \
    return Syscall(&parigot_import_##import_name, request, response);         \
  }
#include "parigot/syscalls.def"
#undef PARIGOT_SYSCALL

syscall::v1::KernelErr SysExchange(std::string_view request, std::vector<char>* buffer,
                                   std::string_view* response) {
  return RawSyscall(&parigot_import_exchange, request, buffer, response);
}

}  // namespace parigot::internal

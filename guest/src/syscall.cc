#include "guest/src/syscall.h"

namespace parigot::internal {

// The imports themselves, one per entry of the shared list.
extern "C" {
#define PARIGOT_SYSCALL(name, Message)                                 \
  __attribute__((import_module("parigot"), import_name(#name))) int32_t \
      parigot_import_##name(const void*, uint32_t, void*, uint32_t,    \
                                   uint32_t*);
#include "parigot/syscalls.def"
#undef PARIGOT_SYSCALL
}

namespace {
// Responses are usually small; start here and grow on demand. Allocated
// once: most system calls then touch no allocator at all.
constexpr size_t kInitialResponseCapacity = 4096;
}  // namespace

syscall::v1::KernelErr RawSyscall(SyscallImport import, std::string_view request,
                                  std::string_view* response) {
  static std::vector<char> buffer(kInitialResponseCapacity);
  for (;;) {
    uint32_t length = 0;
    auto err = static_cast<syscall::v1::KernelErr>(
        import(request.data(), static_cast<uint32_t>(request.size()),
               buffer.data(), static_cast<uint32_t>(buffer.size()), &length));
    if (err == syscall::v1::KernelErr::DataTooLarge && length > buffer.size()) {
      buffer.resize(length);
      continue;
    }
    if (err == syscall::v1::KernelErr::NoError) *response = {buffer.data(), length};
    return err;
  }
}

#define PARIGOT_SYSCALL(import_name, Message)                                \
  syscall::v1::KernelErr Sys##Message(                                       \
      const syscall::v1::Message##Request& request,                          \
      syscall::v1::Message##Response* response) {                            \
    return Syscall(&parigot_import_##import_name, request, response);         \
  }
#include "parigot/syscalls.def"
#undef PARIGOT_SYSCALL

}  // namespace parigot::internal

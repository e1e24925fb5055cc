// Typed system calls: encode the request, call the import, decode the
// response, growing the response buffer when the host answers DataTooLarge.
#ifndef PARIGOT_GUEST_SRC_SYSCALL_H_
#define PARIGOT_GUEST_SRC_SYSCALL_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "parigot/syscall/v1/syscall.parigot.h"

namespace parigot::internal {

using SyscallImport = int32_t (*)(const void* req, uint32_t req_len, void* resp,
                                  uint32_t resp_cap, uint32_t* resp_len);

// Calls `import` with `request`; a DataTooLarge answer is retried with a
// buffer of the size the host asked for (the host keeps the response, so the
// call's effect happens once). On success `*response` views the response
// bytes in a buffer owned by this module, valid until the next system call.
syscall::v1::KernelErr RawSyscall(SyscallImport import, std::string_view request,
                                  std::string_view* response);

// Encodes `request` into a buffer reused by every call (a system call is on
// every hot path: no allocation, no zero-filling).
template <typename Request>
std::string_view EncodeRequest(const Request& request) {
  static std::vector<char> buffer;
  size_t size = request.ByteSizeLong();
  if (buffer.size() < size) buffer.resize(size);
  ::parigot::wire::Writer writer(buffer.data());
  request.SerializeWithCachedSizes(writer);
  return {buffer.data(), size};
}

template <typename Request, typename Response>
syscall::v1::KernelErr Syscall(SyscallImport import, const Request& request,
                               Response* response) {
  std::string_view bytes;
  syscall::v1::KernelErr err = RawSyscall(import, EncodeRequest(request), &bytes);
  if (err != syscall::v1::KernelErr::NoError) return err;
  if (!response->ParseFromString(bytes)) {
    return syscall::v1::KernelErr::UnmarshalFailed;
  }
  return err;
}

// One typed function per system call, from the shared list:
//   KernelErr SysLocate(const LocateRequest&, LocateResponse*);
#define PARIGOT_SYSCALL(import_name, Message)                    \
  syscall::v1::KernelErr Sys##Message(                           \
      const syscall::v1::Message##Request& request,              \
      syscall::v1::Message##Response* response);
#include "parigot/syscalls.def"
#undef PARIGOT_SYSCALL

}  // namespace parigot::internal

#endif  // PARIGOT_GUEST_SRC_SYSCALL_H_

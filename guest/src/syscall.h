// Typed system calls: encode the request, call the import, decode the
// response, growing the response buffer when the host answers DataTooLarge.
#ifndef PARIGOT_GUEST_SRC_SYSCALL_H_
#define PARIGOT_GUEST_SRC_SYSCALL_H_

#include <cstdint>
#include <string>

#include "parigot/syscall/v1/syscall.parigot.h"

namespace parigot::internal {

using SyscallImport = int32_t (*)(const void* req, uint32_t req_len, void* resp,
                                  uint32_t resp_cap, uint32_t* resp_len);

// Calls `import` once per attempt; a DataTooLarge answer is retried with a
// buffer of the size the host asked for (the host keeps the response, so the
// call's effect happens once). A response that does not decode answers
// UnmarshalFailed.
syscall::v1::KernelErr RawSyscall(SyscallImport import, const std::string& request,
                                  std::string* response);

template <typename Request, typename Response>
syscall::v1::KernelErr Syscall(SyscallImport import, const Request& request,
                               Response* response) {
  std::string bytes;
  syscall::v1::KernelErr err =
      RawSyscall(import, request.SerializeAsString(), &bytes);
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

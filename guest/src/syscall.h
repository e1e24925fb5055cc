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

// Calls `import` with `request`, with `*buffer` as the response buffer; a
// DataTooLarge answer is retried with the buffer grown to at least the size
// the host asked for (the host keeps the response, so the call's effect
// happens once). On success `*response` views the response bytes in `*buffer`.
syscall::v1::KernelErr RawSyscall(SyscallImport import, std::string_view request,
                                  std::vector<char>* buffer, std::string_view* response);

// RawSyscall with a buffer shared by every protobuf system call: the
// response is valid until the next one.
syscall::v1::KernelErr RawSyscall(SyscallImport import, std::string_view request,
                                  std::string_view* response);

// Encodes `request` into a buffer reused by every call (no allocation, no
// zero-filling).
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

// One typed function per protobuf system call, from the shared list:
//   KernelErr SysLocate(const LocateRequest&, LocateResponse*);
#define PARIGOT_SYSCALL(import_name, Message)                    \
  syscall::v1::KernelErr Sys##Message(                           \
      const syscall::v1::Message##Request& request,              \
      syscall::v1::Message##Response* response);
#include "parigot/syscalls.def"
#undef PARIGOT_SYSCALL

// The exchange system call (parigot/exchange.h): `request` is a whole
// exchange request; the response lands in `*buffer` (grown on demand) and
// `*response` views it.
syscall::v1::KernelErr SysExchange(std::string_view request, std::vector<char>* buffer,
                                   std::string_view* response);

}  // namespace parigot::internal

#endif  // PARIGOT_GUEST_SRC_SYSCALL_H_

// The "parigot" import module: the system calls a guest makes to the kernel.
//
// Calling convention (docs/abi.md has the full contract). Every system call
// listed in common/include/parigot/syscalls.def, and `exchange`
// (parigot/exchange.h, exchange.h here), is one import
//
//   parigot.<name>(req_ptr, req_len, resp_ptr, resp_cap, resp_len_ptr) -> err
//
// all i32. The request is a protobuf syscall.v1.<Message>Request in guest
// memory (exchange: its own layout); the host writes the
// syscall.v1.<Message>Response at resp_ptr and its length at resp_len_ptr
// (u32, little-endian), and returns a syscall.v1.KernelErr. Failures of the
// call itself come back as the error code and never harm the host:
//   * a pointer or length outside guest memory: GuestReadFailed (request) or
//     GuestWriteFailed (response or length);
//   * request bytes that are not a valid request: UnmarshalFailed;
//   * a response larger than resp_cap: DataTooLarge, with the needed size at
//     resp_len_ptr. The call has had its effect; the host keeps the response,
//     and the identical request retried (with a large enough buffer) returns
//     it without running the call again.
#ifndef PARIGOT_HOST_ABI_SYSCALLS_H_
#define PARIGOT_HOST_ABI_SYSCALLS_H_

#include <vector>

#include "host/abi/test_sink.h"
#include "host/engine/engine.h"
#include "host/kernel/kernel.h"

namespace parigot::abi {

// Module name of the system call imports.
inline constexpr std::string_view kParigotModule = "parigot";

// The import functions of one guest, bound to `kernel` on behalf of `guest`.
// `kernel` must outlive the instance that uses them. The functions of one
// guest must not run concurrently with each other (true of any instance: one
// thread at a time). `tests`: where a Test program's test_begin and
// test_report go (not owned; it must outlive the instance); null for every
// other guest, whose calls of them answer BadState.
std::vector<engine::HostFunction> MakeSyscallImports(kernel::Kernel& kernel,
                                                     GuestId guest,
                                                     TestSink* tests = nullptr);

}  // namespace parigot::abi

#endif  // PARIGOT_HOST_ABI_SYSCALLS_H_

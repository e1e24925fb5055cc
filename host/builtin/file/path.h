// The rules for the paths a guest gives the file built-in, checked before
// any reaches the file system (proto/parigot/file/v1/file.proto): relative,
// "/"-separated, valid UTF-8; no empty, "." or ".." component; no byte
// below 0x20 nor 0x7f; components of at most kMaxNameBytes, the whole at
// most kMaxPathBytes. These rules alone keep a path inside the sandbox
// lexically; symbolic links are the sandbox's (openat2) to police.
//
// Thread safety: pure functions.
#ifndef PARIGOT_HOST_BUILTIN_FILE_PATH_H_
#define PARIGOT_HOST_BUILTIN_FILE_PATH_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "host/builtin/file/error.h"

namespace parigot::builtin::file {

// Linux's NAME_MAX and PATH_MAX (less its terminating NUL).
inline constexpr size_t kMaxNameBytes = 255;
inline constexpr size_t kMaxPathBytes = 4095;

// Whether `name` can be one component of a path: non-empty, at most
// kMaxNameBytes, not "." or "..", no "/", no control byte, valid UTF-8.
bool IsValidName(std::string_view name);

enum class RootPath {
  kRefused,  // "" is InvalidArgument (a file, or what Delete removes)
  kAllowed,  // "" names the sandbox itself (Stat, List)
};

// OK when `path` follows the rules above, else InvalidArgument naming the
// first rule it breaks.
FileResult<Done> CheckPath(std::string_view path, RootPath root);

// A checked path's directory and last component: "a/b/c" is {"a/b", "c"},
// "c" is {"", "c"}. REQUIRES: `path` passed CheckPath and is not "".
struct SplitPath {
  std::string_view parent;
  std::string_view name;
};
SplitPath Split(std::string_view path);

}  // namespace parigot::builtin::file

#endif  // PARIGOT_HOST_BUILTIN_FILE_PATH_H_

#!/usr/bin/env bash
# Usage: list-std-names.sh macros|globals
#
# Prints, sorted, the names that a translation unit can see after including
# the C++20 standard library headers, with glibc/libstdc++ (the host) and
# with wasi-libc/libc++ (guests), in GNU mode (which adds `linux` and
# `unix`):
#   macros   every macro name;
#   globals  every name declared in the global namespace (the C library's
#            functions, types and variables: exit, time, stat, div_t, ...).
# Names beginning with an underscore are left out: the code generator
# escapes every such reserved identifier anyway.
#
# protoc-gen-parigot appends `_` to proto names in the macro list anywhere,
# so that a field or enum value called EOF, NAN or EINVAL cannot be
# swallowed by a macro, and to names in the globals list where it declares
# names in the global namespace (files without a package), so that a message
# called `exit` or `time` cannot meet a C function. The lists are committed
# as codegen/std_macros.txt and codegen/std_globals.txt (the plugin's output
# must not depend on the machine it runs on); the ctests
# `codegen_std_macros_current` and `codegen_std_globals_current` run this
# script and fail when the toolchain declares a name the list lacks.
# Refresh them with:
#   scripts/list-std-names.sh macros > codegen/std_macros.txt
#   scripts/list-std-names.sh globals > codegen/std_globals.txt
set -euo pipefail
kind=${1:-}
if [[ $kind != macros && $kind != globals ]]; then
  echo "usage: $0 macros|globals" >&2
  exit 2
fi
CXX=${CXX_FOR_MACROS:-clang++-19}
headers=(algorithm any array atomic barrier bit bitset cassert cctype cerrno
  cfenv cfloat charconv chrono cinttypes climits clocale cmath codecvt compare
  complex concepts condition_variable coroutine csetjmp csignal cstdarg cstddef
  cstdint cstdio cstdlib cstring ctime cuchar cwchar cwctype deque exception
  execution filesystem format forward_list fstream functional future
  initializer_list iomanip ios iosfwd iostream istream iterator latch limits
  list locale map memory memory_resource mutex new numbers numeric optional
  ostream queue random ranges ratio regex scoped_allocator semaphore set
  shared_mutex source_location span sstream stack stdexcept stop_token
  streambuf string string_view syncstream system_error thread tuple
  type_traits typeindex typeinfo unordered_map unordered_set utility valarray
  variant vector version)
targets=("" "--target=wasm32-wasi --sysroot=/usr -fno-exceptions")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for target in "${targets[@]}"; do
  includes=""
  for h in "${headers[@]}"; do
    # A header the target lacks, or that refuses to compile there (wasi has no
    # signals or threads), is left out rather than failing the list.
    # shellcheck disable=SC2086
    if echo "#include <$h>" | $CXX $target -std=gnu++20 -E -x c++ - \
        -o /dev/null 2>/dev/null; then
      includes+="#include <$h>"$'\n'
    fi
  done
  if [[ $kind == macros ]]; then
    # shellcheck disable=SC2086
    printf '%s' "$includes" | $CXX $target -std=gnu++20 -dM -E -x c++ - \
      | sed -n 's/^#define \([A-Za-z][A-Za-z0-9_]*\).*/\1/p' >>"$tmp/names"
  else
    # -ast-list prints every declaration's qualified name, one a line;
    # global ones have no `::`.
    printf '%s' "$includes" >"$tmp/all.cc"
    # shellcheck disable=SC2086
    $CXX $target -std=gnu++20 -fsyntax-only -Xclang -ast-list "$tmp/all.cc" \
      | grep -E '^[A-Za-z][A-Za-z0-9_]*$' >>"$tmp/names"
  fi
done
LC_ALL=C sort -u "$tmp/names"

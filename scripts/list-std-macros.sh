#!/usr/bin/env bash
# Prints, sorted, every macro name that a translation unit can see after
# including the C++20 standard library headers, with glibc/libstdc++ (the
# host) and with wasi-libc/libc++ (guests), in GNU mode (which adds `linux`
# and `unix`). Names beginning with an underscore are left out: the code
# generator escapes every such reserved identifier anyway.
#
# protoc-gen-parigot appends `_` to proto names in this list, so that a field
# or enum value called EOF, NAN or EINVAL cannot be swallowed by a macro. The
# list is committed as codegen/std_macros.txt (the plugin's output must not
# depend on the machine it runs on); the ctest `codegen_std_macros_current`
# runs this script and fails when the toolchain defines a macro the list
# lacks. Refresh it with:  scripts/list-std-macros.sh > codegen/std_macros.txt
set -euo pipefail
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
  # shellcheck disable=SC2086
  printf '%s' "$includes" | $CXX $target -std=gnu++20 -dM -E -x c++ - \
    >>"$tmp/defines"
done
sed -n 's/^#define \([A-Za-z][A-Za-z0-9_]*\).*/\1/p' "$tmp/defines" | LC_ALL=C sort -u

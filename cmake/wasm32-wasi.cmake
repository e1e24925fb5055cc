# Toolchain file for parigot guests: C and C++ compiled by clang-19 for
# wasm32-wasi against Debian's wasi-libc and libc++ (sysroot /usr holds
# include/wasm32-wasi and lib/wasm32-wasi).
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR wasm32)

set(CMAKE_C_COMPILER clang-19)
set(CMAKE_CXX_COMPILER clang++-19)
set(CMAKE_C_COMPILER_TARGET wasm32-wasi)
set(CMAKE_CXX_COMPILER_TARGET wasm32-wasi)
set(CMAKE_SYSROOT /usr)

set(CMAKE_EXECUTABLE_SUFFIX .wasm)
# Guests never throw (DESIGN.md section 4). Bulk memory: memcpy and memset
# become memory.copy and memory.fill, which both engines run as the host's
# memmove and memset instead of a loop of wasm loads and stores.
set(CMAKE_C_FLAGS_INIT "-mbulk-memory")
set(CMAKE_CXX_FLAGS_INIT "-fno-exceptions -mbulk-memory")
# A 1 MiB shadow stack instead of wasm-ld's 64 KiB: generated message code
# recurses with the nesting depth of the data.
set(CMAKE_EXE_LINKER_FLAGS_INIT "-Wl,-z,stack-size=1048576")

set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)

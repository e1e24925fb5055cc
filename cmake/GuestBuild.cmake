# Builds every guest (.wasm) of the project as a second CMake build with the
# wasm32-wasi toolchain, after the host's code generator exists. Included by
# the top-level CMakeLists.txt. Guests land in ${PARIGOT_WASM_DIR}.
include(ExternalProject)

set(guest_launcher "")
if(CCACHE_PROGRAM)
  set(guest_launcher -DCMAKE_C_COMPILER_LAUNCHER=${CCACHE_PROGRAM}
                     -DCMAKE_CXX_COMPILER_LAUNCHER=${CCACHE_PROGRAM})
endif()

ExternalProject_Add(guests
  SOURCE_DIR ${PROJECT_SOURCE_DIR}/guest
  BINARY_DIR ${CMAKE_BINARY_DIR}/guest-build
  CMAKE_GENERATOR ${CMAKE_GENERATOR}
  CMAKE_ARGS
    -DCMAKE_TOOLCHAIN_FILE=${PROJECT_SOURCE_DIR}/cmake/wasm32-wasi.cmake
    -DCMAKE_BUILD_TYPE=Release
    -DPARIGOT_CODEGEN_EXECUTABLE=$<TARGET_FILE:protoc-gen-parigot>
    -DPARIGOT_WASM_OUTPUT_DIR=${PARIGOT_WASM_DIR}
    # Compiles each guest's AOT artifact next to it (ParigotGuest.cmake).
    -DPARIGOT_AOT_EXECUTABLE=$<TARGET_FILE:parigot-aot>
    # protoc and its google/*.proto run on the build machine; the host
    # build has found them already.
    -DPARIGOT_PROTOC=${Protobuf_PROTOC_EXECUTABLE}
    -DPARIGOT_PROTOBUF_INCLUDE_DIR=${Protobuf_INCLUDE_DIRS}
    ${guest_launcher}
  BUILD_ALWAYS ON
  INSTALL_COMMAND ""
  USES_TERMINAL_BUILD ON
  DEPENDS protoc-gen-parigot parigot-aot)

# parigot_add_guest: one call turns C++ sources and .proto files into a guest.
#
#   parigot_add_guest(greet
#     SOURCES greet.cc
#     PROTOS proto/greeting/v1/greeting.proto
#     IMPORT_DIRS proto)          # optional: roots for `import "..."`
#
# produces ${PARIGOT_WASM_OUTPUT_DIR}/greet.wasm, linked with the guest SDK
# (target parigot_guest) and the code protoc-gen-parigot generates for PROTOS.
# The directory of each .proto is an import root unless IMPORT_DIRS is given;
# parigot's own proto/ (protosupport, syscall) is always one.
# Requires the wasm32-wasi toolchain (cmake/wasm32-wasi.cmake).
include_guard(GLOBAL)
include(${CMAKE_CURRENT_LIST_DIR}/ParigotProto.cmake)

if(NOT DEFINED PARIGOT_WASM_OUTPUT_DIR)
  set(PARIGOT_WASM_OUTPUT_DIR ${CMAKE_BINARY_DIR}/wasm)
endif()

function(parigot_add_guest name)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "" "SOURCES;PROTOS;IMPORT_DIRS;LIBRARIES")
  if(arg_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "parigot_add_guest(${name}): unknown arguments ${arg_UNPARSED_ARGUMENTS}")
  endif()
  if(NOT arg_SOURCES)
    message(FATAL_ERROR "parigot_add_guest(${name}): SOURCES is required")
  endif()
  set(generated "")
  set(gen_dir ${CMAKE_CURRENT_BINARY_DIR}/${name}.gen)
  if(arg_PROTOS)
    set(import_dirs ${arg_IMPORT_DIRS})
    if(NOT import_dirs)
      foreach(proto IN LISTS arg_PROTOS)
        get_filename_component(dir ${proto} DIRECTORY)
        get_filename_component(dir ${dir} ABSOLUTE)
        list(APPEND import_dirs ${dir})
      endforeach()
      list(REMOVE_DUPLICATES import_dirs)
    endif()
    parigot_generate_protos(generated
      OUT_DIR ${gen_dir}
      IMPORT_DIRS ${import_dirs} ${PARIGOT_PROTO_DIR}
      PROTOS ${arg_PROTOS})
  endif()
  add_executable(${name} ${arg_SOURCES} ${generated})
  target_include_directories(${name} PRIVATE ${gen_dir})
  target_link_libraries(${name} PRIVATE parigot_guest ${arg_LIBRARIES})
  set_target_properties(${name} PROPERTIES
    RUNTIME_OUTPUT_DIRECTORY ${PARIGOT_WASM_OUTPUT_DIR})
endfunction()

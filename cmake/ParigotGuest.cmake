# parigot_add_guest: one call turns C++ sources and .proto files into a guest.
# Applications get it from find_package(Parigot) (the installed SDK,
# host/package/ParigotConfig.cmake.in); parigot's own guest build includes it
# directly (guest/CMakeLists.txt).
#
#   parigot_add_guest(greet
#     SOURCES greet.cc
#     PROTOS proto/greeting/v1/greeting.proto
#     IMPORT_DIRS proto)          # optional: roots for `import "..."`
#
# produces <wasm dir>/greet.wasm, where <wasm dir> is PARIGOT_WASM_OUTPUT_DIR
# if set, else ${CMAKE_BINARY_DIR}/wasm, linked with the guest SDK (target
# parigot_guest) and the code protoc-gen-parigot generates for PROTOS.
# Without IMPORT_DIRS, each .proto's import root is found from its package:
# proto/greeting/v1/greeting.proto with `package greeting.v1;` has root
# proto/, so its code is included as "greeting/v1/greeting.parigot.h" (a file
# whose directories do not match its package is its own root). parigot's own
# .proto files (PARIGOT_PROTO_DIR: protosupport, syscall) are always an
# import root.
# If PARIGOT_AOT_EXECUTABLE names the `parigot-aot` tool (the installed
# SDK's, or the host build's for parigot's own guests), the guest's AOT
# artifact (native code for the aot engine) is compiled too, into
# <wasm dir>/aot/<key>/, where `parigot` looks first for a .wasm it loads
# from <wasm dir>. Artifacts are content-addressed: a guest whose .wasm did
# not change is never compiled again, and a changed guest's old artifact is
# removed.
# A guest with PROTOS carries their descriptors: its .wasm has a custom section
# `parigot.descriptors` holding a serialized google.protobuf.FileDescriptorSet
# of PROTOS and everything they import, so that the host can serve the
# guest's services over gRPC (reflection, generic calls) without C++ code for
# them (see _parigot_embed_descriptors).
# Requires the wasm32-wasi toolchain (wasm32-wasi.cmake); says so otherwise.
include_guard(GLOBAL)

# AOT compiles take ~10 s and a lot of memory each: two at a time at most.
set_property(GLOBAL APPEND PROPERTY JOB_POOLS parigot_aot=2)
include(${CMAKE_CURRENT_LIST_DIR}/ParigotProto.cmake)


# Sets `out_var` to the import root of `proto` (see above).
function(_parigot_proto_root proto out_var)
  get_filename_component(dir ${proto} DIRECTORY)
  get_filename_component(dir ${dir} ABSOLUTE)
  set(root ${dir})
  file(STRINGS ${proto} package_lines REGEX "^[ \t]*package[ \t]+[A-Za-z0-9_.]+[ \t]*;")
  if(package_lines)
    list(GET package_lines 0 line)
    string(REGEX REPLACE "^[ \t]*package[ \t]+([A-Za-z0-9_.]+).*" "\\1" package "${line}")
    string(REPLACE "." "/" package_dir "${package}")
    string(LENGTH "${dir}" dir_length)
    string(LENGTH "/${package_dir}" suffix_length)
    if(dir_length GREATER suffix_length)
      math(EXPR start "${dir_length} - ${suffix_length}")
      string(SUBSTRING "${dir}" ${start} -1 tail)
      if(tail STREQUAL "/${package_dir}")
        string(SUBSTRING "${dir}" 0 ${start} root)
      endif()
    endif()
  endif()
  set(${out_var} ${root} PARENT_SCOPE)
endfunction()

# parigot_descriptor_set(OUTPUT <file> IMPORT_DIRS <dir>... PROTOS <proto>...)
# adds a build rule that writes to <file> the serialized
# google.protobuf.FileDescriptorSet of PROTOS and of every file they import
# (protoc --include_imports; protoc's own google/*.proto are always found),
# rebuilt when a listed .proto changes, and with one .proto listed also when
# a file it imports changes (protoc's --dependency_out takes one input).
# Guests embed it (below); host tests use it to get the descriptors a guest
# would carry.
function(parigot_descriptor_set)
  cmake_parse_arguments(PARSE_ARGV 0 arg "" "OUTPUT" "IMPORT_DIRS;PROTOS")
  if(NOT arg_OUTPUT OR NOT arg_PROTOS OR arg_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "parigot_descriptor_set: OUTPUT and PROTOS are required "
                        "(unknown: ${arg_UNPARSED_ARGUMENTS})")
  endif()
  _parigot_find_protoc()
  set(include_args)
  foreach(dir IN LISTS arg_IMPORT_DIRS PARIGOT_PROTOBUF_INCLUDE_DIR)
    get_filename_component(abs ${dir} ABSOLUTE)
    list(APPEND include_args -I${abs})
  endforeach()
  set(abs_protos)
  foreach(proto IN LISTS arg_PROTOS)
    get_filename_component(abs ${proto} ABSOLUTE)
    list(APPEND abs_protos ${abs})
  endforeach()
  get_filename_component(out_dir ${arg_OUTPUT} DIRECTORY)
  get_filename_component(out_name ${arg_OUTPUT} NAME)
  set(depfile_args)
  set(depfile)
  list(LENGTH abs_protos proto_count)
  if(proto_count EQUAL 1)
    set(depfile_args --dependency_out=${arg_OUTPUT}.d)
    set(depfile DEPFILE ${arg_OUTPUT}.d)
  endif()
  add_custom_command(OUTPUT ${arg_OUTPUT}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${out_dir}
    COMMAND ${PARIGOT_PROTOC} --include_imports
            --descriptor_set_out=${arg_OUTPUT} ${depfile_args}
            ${include_args} ${abs_protos}
    DEPENDS ${abs_protos}
    ${depfile}
    COMMENT "protoc --descriptor_set_out ${out_name}"
    VERBATIM)
endfunction()

# Sets `out_var` to a generated C source that, linked into guest `name`, makes
# wasm-ld emit the custom section `parigot.descriptors` holding the guest's
# descriptor set (parigot_descriptor_set of `PROTOS`). The source pulls the
# file into a `.custom_section.*` section with the assembler's .incbin (a C
# array with __attribute__((section)) becomes a data segment instead). The
# section is part of the linked .wasm, so the AOT step sees it; the set is
# rebuilt, and the guest relinked, only when a proto changes.
function(_parigot_embed_descriptors name gen_dir out_var)
  cmake_parse_arguments(PARSE_ARGV 3 arg "" "" "IMPORT_DIRS;PROTOS")
  set(descriptor_set ${gen_dir}/${name}.descriptors.pb)
  if(descriptor_set MATCHES "[\"\\\\]")
    message(FATAL_ERROR "parigot_add_guest(${name}): the build directory's path "
                        "(${descriptor_set}) cannot hold a quote or a backslash")
  endif()
  parigot_descriptor_set(OUTPUT ${descriptor_set}
    IMPORT_DIRS ${arg_IMPORT_DIRS} PROTOS ${arg_PROTOS})
  set(source ${gen_dir}/${name}.descriptors.c)
  file(CONFIGURE OUTPUT ${source} CONTENT
"// Generated by parigot_add_guest: the custom section parigot.descriptors.
__asm__(\".section .custom_section.parigot.descriptors,\\\"\\\",@\\n\"
        \".incbin \\\"@descriptor_set@\\\"\\n\"
        \".text\\n\");
" @ONLY)
  # .incbin is invisible to the compiler's dependency scan.
  set_source_files_properties(${source} PROPERTIES OBJECT_DEPENDS ${descriptor_set})
  set(${out_var} ${source} PARENT_SCOPE)
endfunction()

# Sets `out_var` to a generated C++ source that records in the custom section
# `parigot.build` whether the guest's C++ was compiled with optimization
# (__OPTIMIZE__, which clang defines from -O1 up): "optimized" or
# "unoptimized". The host multiplies an unoptimized guest's time limits
# (docs/runtime.md, "Engines and build types"). The source is compiled with
# each guest's own flags, so it reports what they were.
function(_parigot_build_info_source out_var)
  set(source ${CMAKE_BINARY_DIR}/parigot.build_info.cc)
  file(CONFIGURE OUTPUT ${source} CONTENT
"// Generated by parigot_add_guest: the custom section parigot.build.
#ifdef __OPTIMIZE__
#define PARIGOT_BUILD_KIND \"optimized\"
#else
#define PARIGOT_BUILD_KIND \"unoptimized\"
#endif
__asm__(\".section .custom_section.parigot.build,\\\"\\\",@\\n\"
        \".ascii \\\"\" PARIGOT_BUILD_KIND \"\\\"\\n\"
        \".text\\n\");
" @ONLY)
  set(${out_var} ${source} PARENT_SCOPE)
endfunction()

function(parigot_add_guest name)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "" "SOURCES;PROTOS;IMPORT_DIRS;LIBRARIES")
  if(arg_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "parigot_add_guest(${name}): unknown arguments ${arg_UNPARSED_ARGUMENTS}")
  endif()
  if(NOT arg_SOURCES)
    message(FATAL_ERROR "parigot_add_guest(${name}): SOURCES is required")
  endif()
  if(NOT CMAKE_SYSTEM_PROCESSOR STREQUAL "wasm32")
    message(FATAL_ERROR "parigot_add_guest(${name}): this project is built for "
      "${CMAKE_SYSTEM_PROCESSOR}, but guests are wasm32-wasi: call "
      "find_package(Parigot) before project(), or configure with "
      "--toolchain <parigot prefix>/lib/cmake/Parigot/wasm32-wasi.cmake")
  endif()
  if(NOT TARGET parigot_guest AND COMMAND _parigot_import_guest_sdk)
    _parigot_import_guest_sdk()  # installed SDK (ParigotConfig.cmake)
  endif()
  if(NOT TARGET parigot_guest OR NOT PARIGOT_PROTO_DIR)
    message(FATAL_ERROR "parigot_add_guest(${name}): no guest SDK; use "
                        "find_package(Parigot REQUIRED) first")
  endif()
  set(wasm_dir ${PARIGOT_WASM_OUTPUT_DIR})
  if(NOT wasm_dir)
    set(wasm_dir ${CMAKE_BINARY_DIR}/wasm)
  endif()
  set(generated "")
  set(gen_dir ${CMAKE_CURRENT_BINARY_DIR}/${name}.gen)
  if(arg_PROTOS)
    set(import_dirs ${arg_IMPORT_DIRS})
    if(NOT import_dirs)
      foreach(proto IN LISTS arg_PROTOS)
        _parigot_proto_root(${proto} root)
        list(APPEND import_dirs ${root})
      endforeach()
      list(REMOVE_DUPLICATES import_dirs)
    endif()
    parigot_generate_protos(generated
      OUT_DIR ${gen_dir}
      IMPORT_DIRS ${import_dirs} ${PARIGOT_PROTO_DIR}
      PROTOS ${arg_PROTOS})
    _parigot_embed_descriptors(${name} ${gen_dir} descriptors_source
      IMPORT_DIRS ${import_dirs} ${PARIGOT_PROTO_DIR}
      PROTOS ${arg_PROTOS})
    list(APPEND generated ${descriptors_source})
  endif()
  _parigot_build_info_source(build_info_source)
  add_executable(${name} ${arg_SOURCES} ${generated} ${build_info_source})
  target_include_directories(${name} PRIVATE ${gen_dir})
  target_link_libraries(${name} PRIVATE parigot_guest ${arg_LIBRARIES})
  # __FILE__ relative to the project (the test API reports failures as
  # file:line): the same text on every machine, and no build machine's
  # paths inside the .wasm. In parigot's own guest build, relative to the
  # repository.
  if(PARIGOT_ROOT)
    set(file_root ${PARIGOT_ROOT})
  else()
    set(file_root ${CMAKE_SOURCE_DIR})
  endif()
  # The compiler may be handed the source relative to the build directory
  # (ccache's base_dir rewrites paths so).
  file(RELATIVE_PATH file_root_from_build ${CMAKE_BINARY_DIR} ${file_root})
  string(REGEX REPLACE "/+$" "" file_root_from_build "${file_root_from_build}")
  target_compile_options(${name} PRIVATE "-fmacro-prefix-map=${file_root}/="
                         "-fmacro-prefix-map=${file_root_from_build}/=")
  set_target_properties(${name} PROPERTIES
    RUNTIME_OUTPUT_DIRECTORY ${wasm_dir}
    SUFFIX .wasm)
  if(PARIGOT_AOT_EXECUTABLE)
    set(stamp ${CMAKE_CURRENT_BINARY_DIR}/${name}.aot.stamp)
    add_custom_command(OUTPUT ${stamp}
      COMMAND ${PARIGOT_AOT_EXECUTABLE} --out-dir ${wasm_dir}/aot
              --stamp ${stamp} $<TARGET_FILE:${name}>
      DEPENDS ${name} ${PARIGOT_AOT_EXECUTABLE}
      JOB_POOL parigot_aot
      COMMENT "AOT-compiling ${name}.wasm (skipped if unchanged)"
      VERBATIM)
    add_custom_target(${name}_aot ALL DEPENDS ${stamp})
  endif()
endfunction()

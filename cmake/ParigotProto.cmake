# parigot_generate_protos(): run protoc with protoc-gen-parigot at build time.
#
#   parigot_generate_protos(<out_srcs_var>
#     OUT_DIR <dir>                 # where foo/v1/foo.parigot.{h,cc} go
#     IMPORT_DIRS <dir>...          # -I for protoc; each PROTO must be under one
#     PROTOS <file.proto>...        # the files to generate code for
#     [NS_PREFIX <name>])           # extra outer C++ namespace (tests only)
#
# Sets <out_srcs_var> to the generated .cc files (the .h files sit beside them
# under OUT_DIR, which callers add to their include path). Regenerates when a
# listed .proto or the plugin changes. protoc's own include directory (for
# google/protobuf/*.proto) is always on the import path.
#
# The plugin is ${PARIGOT_CODEGEN_EXECUTABLE}: the host build sets it to the
# protoc-gen-parigot target's file (codegen/CMakeLists.txt); a separate guest
# build passes the host-built plugin's path in with -D. Works in cross builds
# (wasm32-wasi): protoc and its include dir are looked up on the build machine.
include_guard(GLOBAL)

function(_parigot_find_protoc)
  if(NOT PARIGOT_PROTOC)
    if(TARGET protobuf::protoc)
      set(PARIGOT_PROTOC protobuf::protoc CACHE INTERNAL "")
    elseif(Protobuf_PROTOC_EXECUTABLE)
      set(PARIGOT_PROTOC ${Protobuf_PROTOC_EXECUTABLE} CACHE INTERNAL "")
    else()
      find_program(PARIGOT_PROTOC_PROGRAM protoc NO_CMAKE_FIND_ROOT_PATH REQUIRED)
      set(PARIGOT_PROTOC ${PARIGOT_PROTOC_PROGRAM} CACHE INTERNAL "")
    endif()
  endif()
  if(NOT PARIGOT_PROTOBUF_INCLUDE_DIR)
    # Next to protoc (<prefix>/bin/protoc -> <prefix>/include) works in cross
    # builds too, where the default search paths are the target's.
    set(protoc_path ${PARIGOT_PROTOC})
    if(TARGET ${PARIGOT_PROTOC})
      get_target_property(protoc_path ${PARIGOT_PROTOC} IMPORTED_LOCATION)
      if(NOT protoc_path)
        get_target_property(protoc_path ${PARIGOT_PROTOC} IMPORTED_LOCATION_RELEASE)
      endif()
    endif()
    get_filename_component(protoc_dir "${protoc_path}" DIRECTORY)
    find_path(PARIGOT_PROTOBUF_INCLUDE_DIR google/protobuf/descriptor.proto
              HINTS ${Protobuf_INCLUDE_DIRS} ${Protobuf_INCLUDE_DIR}
                    ${protoc_dir}/../include
              NO_CMAKE_FIND_ROOT_PATH)
    if(NOT PARIGOT_PROTOBUF_INCLUDE_DIR)
      message(FATAL_ERROR "parigot: cannot find google/protobuf/descriptor.proto; "
                          "install protobuf-compiler/libprotobuf-dev or set "
                          "PARIGOT_PROTOBUF_INCLUDE_DIR")
    endif()
  endif()
endfunction()

function(parigot_generate_protos out_var)
  cmake_parse_arguments(ARG "" "OUT_DIR;NS_PREFIX" "IMPORT_DIRS;PROTOS" ${ARGN})
  if(NOT ARG_OUT_DIR OR NOT ARG_PROTOS)
    message(FATAL_ERROR "parigot_generate_protos: OUT_DIR and PROTOS are required")
  endif()
  if(NOT PARIGOT_CODEGEN_EXECUTABLE)
    message(FATAL_ERROR "parigot_generate_protos: PARIGOT_CODEGEN_EXECUTABLE "
                        "(the protoc-gen-parigot binary) is not set")
  endif()
  _parigot_find_protoc()

  set(include_args)
  set(abs_imports)
  foreach(dir IN LISTS ARG_IMPORT_DIRS)
    get_filename_component(abs ${dir} ABSOLUTE)
    list(APPEND abs_imports ${abs})
    list(APPEND include_args -I${abs})
  endforeach()
  list(APPEND include_args -I${PARIGOT_PROTOBUF_INCLUDE_DIR})
  list(APPEND abs_imports ${PARIGOT_PROTOBUF_INCLUDE_DIR})

  set(param "")
  if(ARG_NS_PREFIX)
    set(param "ns_prefix=${ARG_NS_PREFIX}:")
  endif()

  set(plugin_dep ${PARIGOT_CODEGEN_EXECUTABLE})
  if(TARGET protoc-gen-parigot)
    set(plugin_dep protoc-gen-parigot)
  endif()

  set(srcs)
  foreach(proto IN LISTS ARG_PROTOS)
    get_filename_component(abs_proto ${proto} ABSOLUTE)
    set(rel "")
    foreach(dir IN LISTS abs_imports)
      file(RELATIVE_PATH candidate ${dir} ${abs_proto})
      if(NOT candidate MATCHES "^\\.\\./")
        set(rel ${candidate})
        break()
      endif()
    endforeach()
    if(rel STREQUAL "")
      message(FATAL_ERROR "parigot_generate_protos: ${proto} is under none of "
                          "the IMPORT_DIRS (${ARG_IMPORT_DIRS})")
    endif()
    string(REGEX REPLACE "\\.proto$" "" stem ${rel})
    set(gen_h ${ARG_OUT_DIR}/${stem}.parigot.h)
    set(gen_cc ${ARG_OUT_DIR}/${stem}.parigot.cc)
    add_custom_command(
      OUTPUT ${gen_h} ${gen_cc}
      COMMAND ${CMAKE_COMMAND} -E make_directory ${ARG_OUT_DIR}
      COMMAND ${PARIGOT_PROTOC}
              --plugin=protoc-gen-parigot=${PARIGOT_CODEGEN_EXECUTABLE}
              --parigot_out=${param}${ARG_OUT_DIR}
              ${include_args} ${abs_proto}
      DEPENDS ${abs_proto} ${plugin_dep}
      COMMENT "protoc-gen-parigot ${rel}"
      VERBATIM)
    list(APPEND srcs ${gen_cc})
  endforeach()
  set(${out_var} ${srcs} PARENT_SCOPE)
endfunction()

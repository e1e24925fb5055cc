# libFuzzer targets, each run for a bounded time by ctest (label "fuzz").
#
#   parigot_fuzz_target(NAME <name>
#     SOURCES <files...>          the target's LLVMFuzzerTestOneInput and the
#                                 sources under test (compiled instrumented)
#     [LIBS <targets...>]         linked as they are (uninstrumented unless
#                                 built with parigot_fuzz_library)
#     [INCLUDES <dirs...>] [DEFINITIONS <defs...>]
#     [SECONDS <n>])              ctest's fuzzing time (default 12)
#
# builds `fuzz_<name>` with -fsanitize=fuzzer,address,undefined and
# -fno-sanitize-recover=all, with NDEBUG undefined so that assertions, ours
# and our libraries' headers', are live (an assertion reachable from input
# is a bug). The seed corpus is ${CMAKE_CURRENT_SOURCE_DIR}/corpus. The test
# `fuzz_<name>` fuzzes for SECONDS (tests/fuzz/run_fuzz.sh): new inputs go to
# a scratch directory in the build tree, the checked-in seeds are only read;
# a crash, leak, UB report, a 10 s input or 2 GB of RSS fails it, leaving the
# input in <build>/tests/fuzz/<name>/artifacts/.
#
#   parigot_fuzz_library(<name> SOURCES <files...> [LIBS ...] [INCLUDES ...])
#
# builds a static library instrumented the same way (-fsanitize=fuzzer-no-link),
# for code under test that several fuzz targets share.
#
#   parigot_fuzz_sources_of(<var> <targets...>)
#
# sets <var> to the sources of the project's own library targets, so that
# a fuzz target compiles the code under test from the list its library
# keeps (a file added there is fuzzed too).
#
# Without the sanitizer and libFuzzer runtimes (Debian: libclang-rt-19-dev)
# the targets are skipped with a message, as tests/codec does for ASan.
include(CheckCXXSourceCompiles)

set(PARIGOT_FUZZ_FLAGS -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all)
set(PARIGOT_FUZZ_LIB_FLAGS -fsanitize=fuzzer-no-link,address,undefined
    -fno-sanitize-recover=all)
# -O1 as libFuzzer's docs advise: fast enough, and sanitizer reports stay
# readable. -UNDEBUG comes after the build type's -DNDEBUG.
set(PARIGOT_FUZZ_COMPILE_OPTIONS -O1 -g -UNDEBUG -fno-omit-frame-pointer)

if(NOT DEFINED PARIGOT_HAVE_LIBFUZZER)
  string(REPLACE ";" " " CMAKE_REQUIRED_FLAGS "${PARIGOT_FUZZ_FLAGS}")
  set(CMAKE_REQUIRED_LINK_OPTIONS ${PARIGOT_FUZZ_FLAGS})
  check_cxx_source_compiles([[
    #include <cstddef>
    #include <cstdint>
    extern "C" int LLVMFuzzerTestOneInput(const uint8_t*, size_t) { return 0; }
  ]] PARIGOT_HAVE_LIBFUZZER)
  unset(CMAKE_REQUIRED_FLAGS)
  unset(CMAKE_REQUIRED_LINK_OPTIONS)
  if(NOT PARIGOT_HAVE_LIBFUZZER)
    message(STATUS "fuzz: libFuzzer or sanitizer runtimes missing "
                   "(libclang-rt-19-dev); skipping the fuzz targets")
  endif()
endif()

function(parigot_fuzz_sources_of var)
  set(out)
  foreach(target IN LISTS ARGN)
    get_target_property(sources ${target} SOURCES)
    get_target_property(dir ${target} SOURCE_DIR)
    foreach(source IN LISTS sources)
      if(NOT IS_ABSOLUTE ${source})
        set(source ${dir}/${source})
      endif()
      list(APPEND out ${source})
    endforeach()
  endforeach()
  set(${var} ${out} PARENT_SCOPE)
endfunction()

function(_parigot_fuzz_common target)
  cmake_parse_arguments(F "" "" "LIBS;INCLUDES;DEFINITIONS" ${ARGN})
  target_compile_options(${target} PRIVATE ${PARIGOT_FUZZ_COMPILE_OPTIONS})
  target_include_directories(${target} PRIVATE ${F_INCLUDES})
  target_compile_definitions(${target} PRIVATE ${F_DEFINITIONS})
  target_link_libraries(${target} PRIVATE ${F_LIBS})
endfunction()

function(parigot_fuzz_library name)
  if(NOT PARIGOT_HAVE_LIBFUZZER)
    return()
  endif()
  cmake_parse_arguments(F "" "" "SOURCES;LIBS;INCLUDES;DEFINITIONS" ${ARGN})
  add_library(${name} STATIC EXCLUDE_FROM_ALL ${F_SOURCES})
  target_compile_options(${name} PRIVATE ${PARIGOT_FUZZ_LIB_FLAGS}
                         ${PARIGOT_FUZZ_COMPILE_OPTIONS})
  # The fuzz targets that link it see what it sees.
  target_include_directories(${name} PUBLIC ${F_INCLUDES})
  target_compile_definitions(${name} PUBLIC ${F_DEFINITIONS})
  target_link_libraries(${name} PUBLIC ${F_LIBS})
endfunction()

function(parigot_fuzz_target)
  if(NOT PARIGOT_HAVE_LIBFUZZER)
    return()
  endif()
  cmake_parse_arguments(F "" "NAME;SECONDS" "SOURCES;LIBS;INCLUDES;DEFINITIONS" ${ARGN})
  if(NOT F_NAME OR NOT F_SOURCES)
    message(FATAL_ERROR "parigot_fuzz_target: NAME and SOURCES are required")
  endif()
  if(NOT F_SECONDS)
    set(F_SECONDS 12)
  endif()
  set(target fuzz_${F_NAME})
  add_executable(${target} ${F_SOURCES})
  target_compile_options(${target} PRIVATE ${PARIGOT_FUZZ_FLAGS})
  target_link_options(${target} PRIVATE ${PARIGOT_FUZZ_FLAGS})
  _parigot_fuzz_common(${target} LIBS ${F_LIBS} INCLUDES ${F_INCLUDES}
                       DEFINITIONS ${F_DEFINITIONS})
  set(seeds ${CMAKE_CURRENT_SOURCE_DIR}/corpus)
  if(NOT EXISTS ${seeds})
    message(FATAL_ERROR "parigot_fuzz_target(${F_NAME}): no seed corpus at ${seeds}")
  endif()
  add_test(NAME ${target}
    COMMAND ${PROJECT_SOURCE_DIR}/tests/fuzz/run_fuzz.sh $<TARGET_FILE:${target}>
            ${seeds} ${CMAKE_CURRENT_BINARY_DIR}/work -max_total_time=${F_SECONDS})
  # The timeout leaves room for loading the corpus and for the final stats.
  math(EXPR ctest_timeout "${F_SECONDS} + 60")
  set_tests_properties(${target} PROPERTIES LABELS fuzz TIMEOUT ${ctest_timeout})
endfunction()

# ctest codegen_std_macros_current: fails when the toolchain's standard
# headers define a macro that codegen/std_macros.txt lacks, so that
# protoc-gen-parigot would leave a proto name that the macro swallows.
execute_process(COMMAND bash ${SCRIPT} OUTPUT_VARIABLE current RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "list-std-macros.sh failed (${rc})")
endif()
file(STRINGS ${LIST} committed)
string(REPLACE "\n" ";" current "${current}")
list(REMOVE_ITEM current ${committed} "")
list(LENGTH current missing)
if(missing GREATER 0)
  list(JOIN current " " names)
  message(FATAL_ERROR "${missing} macros of the standard headers are missing "
    "from codegen/std_macros.txt: ${names}\nRefresh it: "
    "scripts/list-std-macros.sh > codegen/std_macros.txt")
endif()
message(STATUS "std_macros.txt covers every macro of the standard headers")

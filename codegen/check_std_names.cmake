# ctests codegen_std_macros_current and codegen_std_globals_current: fail
# when the toolchain's standard headers declare a macro (KIND=macros) or a
# global name (KIND=globals) that the committed LIST lacks, so that
# protoc-gen-parigot would leave a proto name that meets it.
#   cmake -DSCRIPT=scripts/list-std-names.sh -DKIND=macros|globals
#         -DLIST=codegen/std_<kind>.txt -P check_std_names.cmake
execute_process(COMMAND bash ${SCRIPT} ${KIND} OUTPUT_VARIABLE current
                RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "list-std-names.sh ${KIND} failed (${rc})")
endif()
file(STRINGS ${LIST} committed)
string(REPLACE "\n" ";" current "${current}")
list(REMOVE_ITEM current ${committed} "")
list(LENGTH current missing)
if(missing GREATER 0)
  list(JOIN current " " names)
  get_filename_component(list_name ${LIST} NAME)
  message(FATAL_ERROR "${missing} ${KIND} of the standard headers are missing "
    "from codegen/${list_name}: ${names}\nRefresh it: "
    "scripts/list-std-names.sh ${KIND} > codegen/${list_name}")
endif()
message(STATUS "${LIST} covers every name of its kind in the standard headers")

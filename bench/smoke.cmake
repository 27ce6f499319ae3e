# ctest bench-smoke: `keyform-bench --quick` must exit 0 and print the results table and the tiny
# rate-limited apply's row (exit 0 means it converged). No timing is checked.
execute_process(COMMAND ${BENCH} --quick RESULT_VARIABLE code OUTPUT_VARIABLE out ERROR_VARIABLE err)
message("${out}")
if(NOT code EQUAL 0)
  message(FATAL_ERROR "keyform-bench --quick exited with ${code}\n${err}")
endif()
foreach(row "\\| run \\| actions \\| wall \\| CPU \\| peak RSS \\|" "\\| keyform plan \\|" "\\| baseline apply \\|"
            "\\| keyform apply -p 10 \\|" "\\| ORG \\(tiny\\) \\| 1 ORGANIZATION bucket")
  if(NOT out MATCHES "${row}")
    message(FATAL_ERROR "keyform-bench --quick printed no results table (no line matching ${row})\n${err}")
  endif()
endforeach()

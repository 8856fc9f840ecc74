# CPack pre-build script (CPACK_PRE_BUILD_SCRIPTS in packaging/CMakeLists.txt): before a package is
# packed, its staged desktop entry must pass desktop-file-validate and its AppStream metadata
# `appstreamcli validate --no-net`. A missing validator or a failed check stops the package.
file(GLOB_RECURSE desktop_files "${CPACK_TEMPORARY_DIRECTORY}/*.desktop")
file(GLOB_RECURSE metainfo_files "${CPACK_TEMPORARY_DIRECTORY}/*.metainfo.xml")
if(NOT desktop_files OR NOT metainfo_files)
    message(FATAL_ERROR "validate_staged: no .desktop or .metainfo.xml staged under "
        "${CPACK_TEMPORARY_DIRECTORY}")
endif()

function(run_validator tool package)
    if(NOT tool)
        message(FATAL_ERROR "validate_staged: ${package} was not found when cmake ran; "
            "apt-get install ${package} (bash packaging/setup.sh package does), then re-run cmake")
    endif()
    execute_process(COMMAND ${tool} ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out
        ERROR_VARIABLE out)
    if(NOT rc EQUAL 0)
        string(JOIN " " args ${ARGN})
        message(FATAL_ERROR "validate_staged: ${tool} ${args} failed:\n${out}")
    endif()
    string(JOIN " " args ${ARGN})
    message(STATUS "validate_staged: ${tool} ${args}: ok")
endfunction()

foreach(f ${desktop_files})
    run_validator("${CPACK_DIFFUSCOPE_DESKTOP_FILE_VALIDATE}" desktop-file-utils ${f})
endforeach()
foreach(f ${metainfo_files})
    run_validator("${CPACK_DIFFUSCOPE_APPSTREAMCLI}" appstream validate --no-net ${f})
endforeach()

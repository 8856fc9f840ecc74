# Helpers of the build-time embedding scripts (embed_scenes.cmake, embed_text.cmake).

# Reads PATH into VAR, refusing a file that contains the raw-string delimiter )dfs" that the
# generated C++ wraps it in.
function(dfs_read_raw_text path var)
    file(READ "${path}" text)
    string(FIND "${text}" ")dfs\"" clash)
    if(NOT clash EQUAL -1)
        message(FATAL_ERROR "${path}: contains the raw-string delimiter )dfs\"")
    endif()
    set(${var} "${text}" PARENT_SCOPE)
endfunction()

# Writes CONTENT to OUT only when it differs, so an unchanged input does not recompile OUT.
function(dfs_write_if_changed out content)
    if(EXISTS "${out}")
        file(READ "${out}" old)
        if(old STREQUAL content)
            return()
        endif()
    endif()
    file(WRITE "${out}" "${content}")
endfunction()

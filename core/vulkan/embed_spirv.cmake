# Turns a SPIR-V file into a C++ source defining dfs::vk::<SYMBOL> (cmake -P script).
# Arguments: -DIN=<file.spv> -DOUT=<file.cpp> -DNAME=<shader name> -DSYMBOL=<identifier>
file(READ "${IN}" hex HEX)
string(LENGTH "${hex}" len)
if(len EQUAL 0)
    message(FATAL_ERROR "empty SPIR-V module ${IN}")
endif()
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
math(EXPR size "${len} / 2")
file(WRITE "${OUT}" "// Generated from ${IN} by embed_spirv.cmake; do not edit.\n"
    "#include \"core/vulkan/spirv.hpp\"\n"
    "namespace dfs::vk {\n"
    "alignas(4) static const unsigned char kBytes[] = {${bytes}};\n"
    "extern const SpirvModule ${SYMBOL};\n"
    "const SpirvModule ${SYMBOL} = {\"${NAME}\", kBytes, ${size}};\n"
    "}\n")

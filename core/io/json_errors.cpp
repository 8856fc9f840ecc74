// Plain-language JSON errors.
#include "core/io/json_errors.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace dfs {

std::string jsonSyntaxProblem(std::string_view text, std::size_t byte) {
    // The library counts bytes from 1 and reports the one it stopped at.
    const std::size_t at = std::min(byte > 0 ? byte - 1 : 0, text.size());
    std::size_t line = 1, column = 1;
    for (std::size_t i = 0; i < at; ++i) {
        if (text[i] == '\n')
            ++line, column = 1;
        else
            ++column;
    }
    const std::string where = fmt::format("line {}, column {}", line, column);
    const bool ended =
        at >= text.size() || text.find_first_not_of(" \t\r\n", at) == std::string_view::npos;
    if (ended) return where + ": the text ends early (an unclosed bracket, brace or string?)";
    const unsigned char c = static_cast<unsigned char>(text[at]);
    if (c == ' ' || c == '\t') return where + ": unexpected space (an unfinished word before it?)";
    if (c == '\n' || c == '\r')
        return where + ": unexpected line break (an unfinished word before it?)";
    if (c < 0x20 || c >= 0x7f)
        return fmt::format("{}: unexpected character (byte 0x{:02x})", where, unsigned(c));
    return fmt::format("{}: unexpected '{}'", where, char(c));
}

std::string jsonProblem(const char* what) {
    std::string s = what ? what : "";
    const std::string code = "[json.exception.";
    for (std::size_t at = s.find(code); at != std::string::npos; at = s.find(code, at)) {
        const std::size_t close = s.find(']', at);
        if (close == std::string::npos) break;
        s.erase(at, close + 1 - at + (close + 1 < s.size() && s[close + 1] == ' ' ? 1 : 0));
    }
    return s;
}

} // namespace dfs

// Plain-language messages for JSON the program cannot read: where the text went wrong (line and
// column) and what was expected, without the JSON library's exception codes, so that a message
// shown to a user names the file and the problem in its own words.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace dfs {

/// "line 3, column 7: unexpected '}'" for a parse failure at byte offset `byte` of `text`
/// (the library's 1-based position just past the offending character), or "line 3, column 7:
/// the text ends early (an unclosed bracket, brace or string?)" when it lies at the end.
std::string jsonSyntaxProblem(std::string_view text, std::size_t byte);

/// A message without the JSON library's "[json.exception.NAME.ID] " codes, wherever they are:
/// "[json.exception.out_of_range.403] key 'dim' not found" gives "key 'dim' not found". The
/// window and the CLI pass every message they show through it, as a last guard.
std::string jsonProblem(const char* what);

} // namespace dfs

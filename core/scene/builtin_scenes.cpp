// Built-in scenes: lookup and parsing of the embedded resources/scenes/*.json.
#include "core/scene/builtin_scenes.hpp"

#include "core/errors.hpp"
#include "core/scene/scene_io.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace dfs {

std::vector<std::string> builtinSceneNames() {
    std::vector<std::string> names;
    for (const BuiltinSceneText& s : builtinSceneTexts()) names.push_back(s.name);
    return names;
}

Scene builtinScene(const std::string& name) {
    for (const BuiltinSceneText& s : builtinSceneTexts())
        if (s.name == name) return sceneFromJson(s.json, fmt::format("built-in scene '{}'", name));
    throw UsageError(fmt::format("unknown built-in scene '{}' (choose from {})", name,
                                 fmt::join(builtinSceneNames(), ", ")));
}

} // namespace dfs

// The scenes shipped in resources/scenes/, compiled into the program (cmake/embed_scenes.cmake):
// the File > Examples gallery and the perspectives' guided presets open them by name, wherever
// the binaries are installed.
#pragma once

#include "core/scene/scene.hpp"

#include <string>
#include <vector>

namespace dfs {

struct BuiltinSceneText {
    std::string name; ///< the file's name without ".json", e.g. "moons-ideal"
    std::string json; ///< the file's text
};

/// Every built-in scene's text, sorted by name (generated at build time).
const std::vector<BuiltinSceneText>& builtinSceneTexts();

/// The names of the built-in scenes, sorted.
std::vector<std::string> builtinSceneNames();
/// The built-in scene `name`, parsed and validated. UsageError naming the choices for an unknown
/// name.
Scene builtinScene(const std::string& name);

} // namespace dfs

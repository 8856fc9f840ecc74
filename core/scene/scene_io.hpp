// Scene files: versioned JSON, validated on load, written atomically.
#pragma once

#include "core/scene/scene.hpp"

#include <string>

namespace dfs {

std::string sceneToJson(const Scene& scene);
/// Parses and validates a scene. `source` names the file in messages. Throws DataError for
/// malformed JSON, a wrong type, an unknown version or a value out of range (naming the key).
Scene sceneFromJson(const std::string& text, const std::string& source);

Scene loadScene(const std::string& path);
/// Writes atomically: the previous file stays intact if anything fails.
void saveScene(const std::string& path, const Scene& scene);

} // namespace dfs

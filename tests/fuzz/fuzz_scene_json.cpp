// libFuzzer target: each input as a scene file (JSON).
#include "tests/fuzz/fuzz_target.hpp"

DIFFUSCOPE_FUZZ_TARGET("scene_json")

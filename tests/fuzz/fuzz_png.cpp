// libFuzzer target: each input as a PNG in an image folder (--dataset FOLDER).
#include "tests/fuzz/fuzz_target.hpp"

DIFFUSCOPE_FUZZ_TARGET("png")

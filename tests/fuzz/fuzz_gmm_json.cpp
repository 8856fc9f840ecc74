// libFuzzer target: each input as a Gaussian mixture file (--dataset gmm:FILE.json).
#include "tests/fuzz/fuzz_target.hpp"

DIFFUSCOPE_FUZZ_TARGET("gmm_json")

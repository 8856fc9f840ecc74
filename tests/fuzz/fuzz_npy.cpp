// libFuzzer target: each input as a NumPy .npy points file (--dataset FILE.npy).
#include "tests/fuzz/fuzz_target.hpp"

DIFFUSCOPE_FUZZ_TARGET("npy")

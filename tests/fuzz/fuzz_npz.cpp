// libFuzzer target: each input as a NumPy .npz archive of points (--dataset FILE.npz).
#include "tests/fuzz/fuzz_target.hpp"

DIFFUSCOPE_FUZZ_TARGET("npz")

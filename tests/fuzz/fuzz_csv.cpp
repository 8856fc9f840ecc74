// libFuzzer target: each input as a points CSV (--dataset FILE.csv).
#include "tests/fuzz/fuzz_target.hpp"

DIFFUSCOPE_FUZZ_TARGET("csv")

// libFuzzer target: each input as an IDX file, plain or gzip (the MNIST family).
#include "tests/fuzz/fuzz_target.hpp"

DIFFUSCOPE_FUZZ_TARGET("idx")

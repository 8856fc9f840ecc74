// libFuzzer target: each input as a model checkpoint (--denoiser MODEL.dsm).
#include "tests/fuzz/fuzz_target.hpp"

DIFFUSCOPE_FUZZ_TARGET("dsm")

// libFuzzer target: each input as a safetensors model (--denoiser MODEL.safetensors).
#include "tests/fuzz/fuzz_target.hpp"

DIFFUSCOPE_FUZZ_TARGET("safetensors")

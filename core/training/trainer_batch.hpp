// The trainer's private parts shared by its CPU loop (trainer.cpp) and its device loop
// (trainer_device.cpp): one micro-batch's arrays and the Philox substreams of its draws.
#pragma once

#include "core/training/trainer.hpp"

#include <cstdint>
#include <vector>

namespace dfs {

/// Philox substreams of a training batch: the rows and times, the noise, the time normals.
inline constexpr std::uint32_t kSubDraw = 0x54524e00, kSubNoise = 0x54524e01, kSubTime = 0x54524e02;

struct Trainer::Batch {
    FloatBuffer input, target, weight, factor, gradOut, out, grads;
    NetworkWorkspace ws;
    std::vector<int> bucket;
    std::vector<double> x0Error; ///< per sample: squared error in x0 units, per coordinate
    double loss = 0;
};

} // namespace dfs

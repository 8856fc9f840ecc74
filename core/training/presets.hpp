// Training presets: settings that train each built-in 2D dataset to good samples quickly
// (tuned and checked by tests/training/test_training_quality.cpp).
#pragma once

#include "core/training/trainer.hpp"

#include <string>

namespace dfs {

/// The preset for a dataset name (built-in or a file: files get the general preset).
TrainConfig trainPreset(const std::string& dataset);

} // namespace dfs

// Model checkpoints (.dsm): a versioned, checksummed container for a learned denoiser.
//
//   bytes 0..7   magic "DSMODEL\n"
//   u32          format version (kCheckpointVersion), little-endian
//   u32          length of the JSON metadata in bytes (at most 1 MiB)
//   ...          JSON: {"architecture": {...}, "target", "schedule", "sigma_data",
//                "normalisation": {"mean", "scale"}, "dataset", "step", "seed", ...}
//   u64          number of float32 weights (must equal what the architecture needs)
//   ...          float32 weights, little-endian, in the MLP's flat order
//   u64          FNV-1a 64-bit hash of every byte before it
//
// Writing is atomic; loading validates everything and names what is wrong. A path ending in
// .safetensors is written and read as safetensors instead (safetensors.hpp; MLP models only).
#pragma once

#include "core/model/model.hpp"

#include <cstdint>
#include <memory>
#include <string>

namespace dfs {

inline constexpr std::uint32_t kCheckpointVersion = 1;

/// Free-form facts stored beside the model (where it came from).
struct CheckpointInfo {
    std::string dataset;
    long step = 0;
    std::uint64_t seed = 0;
    double loss = 0;
};

/// Throws DataError if the file cannot be written (the previous file, if any, is kept).
void saveCheckpoint(const std::string& path, const Model& model, const CheckpointInfo& info);

/// Throws DataError naming the file and the problem: missing, truncated, wrong magic or
/// version, bad checksum, malformed or inconsistent metadata, wrong weight count, non-finite
/// weights. `info` (optional) receives the stored facts.
std::shared_ptr<Model> loadCheckpoint(const std::string& path, CheckpointInfo* info = nullptr);

/// Whether a --denoiser argument names a model file (ends in .dsm or .safetensors).
bool isCheckpointPath(const std::string& name);

} // namespace dfs

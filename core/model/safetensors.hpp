// MLP models as safetensors files (https://github.com/huggingface/safetensors, README "Format"):
//
//   u64          N, the length of the JSON header, little-endian
//   N bytes      JSON: {"TENSOR": {"dtype": "F32", "shape": [...], "data_offsets": [BEGIN, END]},
//                ..., "__metadata__": {string: string}}, padded at the end with spaces
//   the rest     the byte buffer: the tensors' data, little-endian, row-major (C order); offsets
//                are relative to the buffer's start, and the tensors cover it exactly, without
//                holes or overlaps
//
// The tensors are those of a PyTorch model whose `layers` is an nn.ModuleList of nn.Linear:
// "layers.L.weight" of shape [out, in] and "layers.L.bias" of shape [out] for L = 0 .. depth,
// with the activation between them (tools/diffuscope_torch.py defines that network). The
// metadata holds what the .dsm file's JSON holds, as strings: format "diffuscope-model",
// format_version "1", architecture "mlp", dim, embed, classes, width, depth, activation, target,
// schedule, sigma_data, normalisation_mean (a JSON array), normalisation_scale, and optionally
// dataset, step, seed, loss. The network's input is the same as the .dsm model's (model.hpp:
// c_in x, the sinusoidal embedding of c_noise, the one-hot label).
//
// Written: F32 tensors, the header padded to a multiple of 8 bytes. Read: F32 or F64 tensors
// (F64 rounded to float32). Refused with DataError naming the file: a header length past the
// end of the file or over 100 MB, JSON that does not parse or is not an object, an unknown or
// unsupported dtype, a shape or data_offsets that do not agree with each other or with the
// architecture, offsets outside the buffer, overlapping offsets or holes, a missing or unknown
// tensor, metadata that is missing or invalid, non-finite weights. U-Net models are refused on
// writing (UsageError: only MLPs are written as safetensors).
#pragma once

#include "core/model/checkpoint.hpp"

#include <memory>
#include <string>

namespace dfs {

/// Whether `path` ends in .safetensors (case-insensitive).
bool isSafetensorsPath(const std::string& path);

/// Writes an MLP model atomically. UsageError for a U-Net; DataError for a write error.
void saveSafetensors(const std::string& path, const Model& model, const CheckpointInfo& info);

/// Loads and validates an MLP model; `info` (optional) receives the stored facts.
std::shared_ptr<Model> loadSafetensors(const std::string& path, CheckpointInfo* info = nullptr);

} // namespace dfs

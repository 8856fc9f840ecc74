// The window's file dialogs offer every format the core reads or writes by the file's
// extension: tables as CSV, JSON, NumPy .npy or .npz (core/io/table_io.hpp), models as .dsm or
// safetensors (core/model/checkpoint.hpp), points from CSV, .npy or .npz.
#pragma once

#include <QString>
#include <algorithm>

namespace dfs::gui {

/// File > Export data: CSV first (the default), then JSON, .npy, .npz.
inline const QString kDataExportFilters = "CSV (*.csv);;JSON (*.json);;NumPy array "
                                          "(*.npy);;NumPy columns (*.npz)";
/// Save model: .dsm (any model), .safetensors (MLP models, PyTorch nn.Linear layout).
inline const QString kModelSaveFilters =
    "Diffuscope models (*.dsm);;safetensors, MLP models (*.safetensors)";
/// Load model: either.
inline const QString kModelOpenFilters =
    "Models (*.dsm *.safetensors);;Diffuscope models (*.dsm);;safetensors (*.safetensors)";
/// Import points: any table the dataset loader reads.
inline const QString kPointsOpenFilters =
    "Points (*.csv *.npy *.npz);;CSV (*.csv);;NumPy (*.npy *.npz)";

/// `path` as typed, or with the chosen filter's first extension when it has none ("samples" with
/// "NumPy array (*.npy)" chosen: "samples.npy").
inline QString withFilterSuffix(const QString& path, const QString& filter) {
    const qsizetype star = filter.indexOf("*.");
    if (star < 0 || path.isEmpty()) return path;
    const qsizetype slash = std::max<qsizetype>(path.lastIndexOf('/'), 0);
    if (path.indexOf('.', slash) >= 0) return path;
    qsizetype end = star + 2;
    while (end < filter.size() && filter[end].isLetterOrNumber()) ++end;
    return path + filter.mid(star + 1, end - star - 1);
}

} // namespace dfs::gui

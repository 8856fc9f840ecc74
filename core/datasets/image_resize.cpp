// Area resampling as two 1-D passes with the same overlap matrix W (to x side): out = W X W^T.
#include "core/datasets/image_resize.hpp"

#include "core/errors.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace dfs {

namespace {

/// W(i, j): the share of input cell j in output cell i (rows sum to 1).
Eigen::MatrixXd overlap(int side, int to) {
    Eigen::MatrixXd w = Eigen::MatrixXd::Zero(to, side);
    const double scale = double(side) / to; // input cells per output cell
    for (int i = 0; i < to; ++i) {
        const double a = i * scale, b = (i + 1) * scale;
        for (int j = int(a); j < side && j < b; ++j)
            w(i, j) = (std::min(b, j + 1.0) - std::max(a, double(j))) / scale;
    }
    return w;
}

} // namespace

Matrix areaResize(const Matrix& images, int side, int to) {
    if (side < 1 || to < 1)
        throw UsageError(fmt::format("image sides must be >= 1 (got {} -> {})", side, to));
    if (images.cols() != Index(side) * side)
        throw UsageError(
            fmt::format("images of {} pixels are not {}x{}", images.cols(), side, side));
    if (side == to) return images;
    const Eigen::MatrixXd w = overlap(side, to);
    Matrix out(images.rows(), Index(to) * to);
    for (Index r = 0; r < images.rows(); ++r) {
        const Eigen::Map<const Eigen::Matrix<double, -1, -1, Eigen::RowMajor>> x(
            images.row(r).data(), side, side);
        Eigen::Map<Eigen::Matrix<double, -1, -1, Eigen::RowMajor>> y(out.row(r).data(), to, to);
        y = w * x * w.transpose();
    }
    return out;
}

} // namespace dfs

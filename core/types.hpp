// Core numeric types: a batch of points is a row-major matrix, one row per sample.
#pragma once

#include <Eigen/Core>

namespace dfs {

/// A batch of points or vectors: one row per sample, one column per dimension.
using Matrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using Vector = Eigen::VectorXd;
using Index = Eigen::Index;

} // namespace dfs

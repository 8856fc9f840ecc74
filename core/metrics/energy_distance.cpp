// Energy distance (V-statistic over all pairs).
#include "core/metrics/energy_distance.hpp"

#include <cmath>

namespace dfs {
namespace {

double meanPairDistance(const Matrix& a, const Matrix& b) {
    double sum = 0;
    for (Index i = 0; i < a.rows(); ++i) {
        double row = 0;
        for (Index j = 0; j < b.rows(); ++j) row += (a.row(i) - b.row(j)).norm();
        sum += row;
    }
    return sum / (double(a.rows()) * double(b.rows()));
}

} // namespace

double energyDistance(const Matrix& a, const Matrix& b) {
    return 2 * meanPairDistance(a, b) - meanPairDistance(a, a) - meanPairDistance(b, b);
}

} // namespace dfs

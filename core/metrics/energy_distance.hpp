// Energy distance between two samples (Szekely & Rizzo 2013, "Energy statistics", eq. 2.1):
//   E(X, Y) = 2 E||X - Y|| - E||X - X'|| - E||Y - Y'||,
// estimated with the V-statistic over all pairs. Zero iff the distributions agree.
#pragma once

#include "core/types.hpp"

namespace dfs {

double energyDistance(const Matrix& a, const Matrix& b);

} // namespace dfs

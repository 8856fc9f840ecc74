// Levels evenly spaced in logSNR.
#include "core/schedules/log_snr_sweep.hpp"

#include "core/schedules/schedule.hpp"

namespace dfs {

std::vector<double> logSnrSweep(const Schedule& schedule, int n) {
    std::vector<double> out;
    if (n <= 0) return out;
    const double hi = schedule.gridLogSnrMax(), lo = schedule.gridLogSnrMin();
    for (int k = 0; k < n; ++k) out.push_back(n == 1 ? hi : hi + (lo - hi) * double(k) / (n - 1));
    return out;
}

} // namespace dfs

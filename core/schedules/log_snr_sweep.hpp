// Levels evenly spaced in logSNR across a schedule: what a view uses to show a few times that
// differ visibly (uniform t crowds them into pure noise on most schedules).
#pragma once

#include <vector>

namespace dfs {

class Schedule;

/// n >= 2 log-SNR values evenly spaced from the schedule's grid span's clean end
/// (gridLogSnrMax) down to its noisy end (gridLogSnrMin), so the first is nearly data and the
/// last nearly pure noise; n = 1 gives the clean end, n <= 0 none.
std::vector<double> logSnrSweep(const Schedule& schedule, int n);

} // namespace dfs

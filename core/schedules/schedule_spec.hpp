// Schedules with parameters, written as a spec string: a built-in name, optionally followed by
// parameters in parentheses, e.g. "vp-linear(beta_max=10)" or "edm(sigma_max=20, rho=5)".
// Parameters left out keep their paper's default; makeSchedule (schedule.hpp) accepts specs.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace dfs {

struct ScheduleParameter {
    std::string key;
    double defaultValue, min, max; ///< the paper's value and the accepted range
    std::string about;
};

/// The tunable parameters of a built-in schedule, in display order (empty for rf). Throws
/// UsageError for an unknown name.
const std::vector<ScheduleParameter>& scheduleParameters(const std::string& name);

struct ScheduleSpec {
    std::string name;                                   ///< the built-in schedule
    std::vector<std::pair<std::string, double>> values; ///< every parameter, defaults filled in
    double value(const std::string& key) const;
};

/// Parses and validates a spec. Throws UsageError naming the spec and the parameter for an
/// unknown name or key, a malformed number, a value outside its range, or an inconsistent pair
/// (a minimum not below its maximum).
ScheduleSpec parseScheduleSpec(const std::string& spec);

/// The spec string: the name alone when every parameter has its default.
std::string formatScheduleSpec(const ScheduleSpec& spec);

} // namespace dfs

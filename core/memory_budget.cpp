// The memory budget: physical memory from sysconf, an override from the environment.
#include "core/memory_budget.hpp"

#include "core/errors.hpp"

#include <fmt/format.h>

#include <cmath>
#include <cstdlib>
#include <unistd.h>

namespace dfs {

namespace {

constexpr const char* kVariable = "DIFFUSCOPE_MEMORY_BUDGET";

std::uint64_t physicalMemory() {
    const long pages = ::sysconf(_SC_PHYS_PAGES), page = ::sysconf(_SC_PAGESIZE);
    if (pages <= 0 || page <= 0) return std::uint64_t(8) << 30; // unknown: assume 8 GiB
    return std::uint64_t(pages) * std::uint64_t(page);
}

/// "6G", "512M", "1000000" -> bytes; 0 when malformed or not positive.
std::uint64_t parseSize(const std::string& text) {
    char* end = nullptr;
    const double v = std::strtod(text.c_str(), &end);
    if (end == text.c_str() || !std::isfinite(v) || v <= 0) return 0;
    double scale = 1;
    const std::string unit = end;
    if (unit == "K" || unit == "k")
        scale = 0x1p10;
    else if (unit == "M" || unit == "m")
        scale = 0x1p20;
    else if (unit == "G" || unit == "g")
        scale = 0x1p30;
    else if (unit == "T" || unit == "t")
        scale = 0x1p40;
    else if (!unit.empty())
        return 0;
    const double bytes = v * scale;
    return bytes >= 1 && bytes < 0x1p62 ? std::uint64_t(bytes) : 0;
}

std::string budgetMessage(double estimate, const std::string& what, const std::string& hint) {
    return fmt::format("{} needs about {} of memory, more than the budget of {} ({}); {}", what,
                       memoryText(estimate), memoryText(double(memoryBudgetBytes())),
                       memoryBudgetSource(), hint);
}

} // namespace

std::string memoryText(double bytes) {
    if (bytes < double(1 << 30)) return fmt::format("{:.0f} MiB", bytes / double(1 << 20));
    return fmt::format("{:.1f} GiB", bytes / double(1 << 30));
}

std::uint64_t memoryBudgetBytes() {
    if (const char* env = std::getenv(kVariable); env && *env) {
        const std::uint64_t bytes = parseSize(env);
        if (bytes == 0)
            throw UsageError(
                fmt::format("{} must be a size such as 6G or 512M (got '{}')", kVariable, env));
        return bytes;
    }
    return physicalMemory() / 4;
}

std::string memoryBudgetSource() {
    if (const char* env = std::getenv(kVariable); env && *env) return fmt::format("{}", kVariable);
    return fmt::format("a quarter of this machine's {}; set {} to change it",
                       memoryText(double(physicalMemory())), kVariable);
}

void requireWithinMemoryBudget(double estimateBytes, const std::string& what,
                               const std::string& hint) {
    if (estimateBytes > double(memoryBudgetBytes()))
        throw UsageError(budgetMessage(estimateBytes, what, hint));
}

void requireDataWithinMemoryBudget(double estimateBytes, const std::string& what,
                                   const std::string& hint) {
    if (estimateBytes > double(memoryBudgetBytes()))
        throw DataError(budgetMessage(estimateBytes, what, hint));
}

} // namespace dfs

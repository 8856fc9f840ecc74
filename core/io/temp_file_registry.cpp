// A fixed table of in-flight temporary paths and the signal handler that unlinks them.
#include "core/io/temp_file_registry.hpp"

#include <atomic>
#include <csignal>
#include <cstring>
#include <mutex>
#include <unistd.h>

namespace dfs {

namespace {

constexpr int kSlots = 64;
constexpr std::size_t kMaxPath = 4096;

/// state: 0 free, 1 being filled, 2 holds a path the handler may unlink.
struct Slot {
    std::atomic<int> state{0};
    char path[kMaxPath];
};

Slot g_slots[kSlots];
constexpr int kSignals[] = {SIGINT, SIGTERM, SIGHUP};

extern "C" void removeTempFilesAndReraise(int sig) {
    for (Slot& s : g_slots)
        if (s.state.load(std::memory_order_acquire) == 2) ::unlink(s.path);
    // The signal's own action (the process ends as the user asked), with its exit status.
    struct sigaction dfl {};
    dfl.sa_handler = SIG_DFL;
    sigemptyset(&dfl.sa_mask);
    ::sigaction(sig, &dfl, nullptr);
    ::raise(sig);
}

void installHandlers() {
    for (int sig : kSignals) {
        struct sigaction old {};
        if (::sigaction(sig, nullptr, &old) != 0) continue;
        const bool ours = !(old.sa_flags & SA_SIGINFO) && old.sa_handler == SIG_DFL;
        if (!ours) continue; // ignored, or the program's own handler: leave it
        struct sigaction sa {};
        sa.sa_handler = removeTempFilesAndReraise;
        sigemptyset(&sa.sa_mask);
        for (int other : kSignals) sigaddset(&sa.sa_mask, other);
        ::sigaction(sig, &sa, nullptr);
    }
}

} // namespace

int registerTempFile(const std::string& path) {
    static std::once_flag installed;
    std::call_once(installed, installHandlers);
    if (path.size() >= kMaxPath) return -1;
    for (int i = 0; i < kSlots; ++i) {
        int expected = 0;
        if (!g_slots[i].state.compare_exchange_strong(expected, 1, std::memory_order_acq_rel))
            continue;
        std::memcpy(g_slots[i].path, path.c_str(), path.size() + 1);
        g_slots[i].state.store(2, std::memory_order_release);
        return i;
    }
    return -1;
}

void unregisterTempFile(int slot) {
    if (slot >= 0 && slot < kSlots) g_slots[slot].state.store(0, std::memory_order_release);
}

} // namespace dfs

// Backends by name: the CPU backend, plus any provider registered at start-up.
#include "core/backend/backend.hpp"
#include "core/backend/cpu_backend.hpp"
#include "core/errors.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <mutex>
#include <thread>

namespace dfs {

namespace {

std::mutex& registryMutex() {
    static std::mutex m;
    return m;
}

std::vector<BackendProvider>& providers() {
    static std::vector<BackendProvider> p;
    return p;
}

} // namespace

void registerBackendProvider(BackendProvider provider) {
    std::lock_guard lock(registryMutex());
    for (auto& p : providers())
        if (p.name == provider.name) {
            p = std::move(provider);
            return;
        }
    providers().push_back(std::move(provider));
}

std::vector<BackendInfo> listBackends() {
    const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
    std::vector<BackendInfo> out = {
        {"cpu", fmt::format("CPU, {} thread{}", cores, cores == 1 ? "" : "s"), true}};
    std::vector<BackendProvider> registered;
    {
        std::lock_guard lock(registryMutex()); // not held while providers query their devices
        registered = providers();
    }
    bool vulkan = false;
    for (const auto& p : registered) {
        for (auto& info : p.list()) out.push_back(std::move(info));
        vulkan = vulkan || p.name == "vulkan";
    }
    if (!vulkan)
        out.push_back(
            {"vulkan", "not in this build (configure with Vulkan and glslc installed)", false});
    return out;
}

std::unique_ptr<Backend> makeBackend(const std::string& name, int threads) {
    if (threads < 0 || threads > kMaxThreads)
        throw UsageError(
            fmt::format("--threads must be in [0, {}] (got {})", kMaxThreads, threads));
    if (name == "cpu") return std::make_unique<CpuBackend>(threads);
    BackendProvider found;
    {
        std::lock_guard lock(registryMutex());
        for (const auto& p : providers())
            if (p.name == name) found = p;
    }
    if (found.make) return found.make(threads);
    for (const auto& b : listBackends())
        if (b.name == name)
            throw UsageError(fmt::format("backend '{}' is unavailable: {}", name, b.device));
    throw UsageError(fmt::format("unknown backend '{}' (choose from cpu, vulkan)", name));
}

} // namespace dfs

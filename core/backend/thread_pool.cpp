// Persistent thread pool with a chunked, blocking parallel-for.
#include "core/backend/thread_pool.hpp"

namespace dfs {

ThreadPool::ThreadPool(int threads) {
    if (threads <= 0) threads = int(std::max(1u, std::thread::hardware_concurrency()));
    try {
        for (int i = 1; i < threads; ++i) m_workers.emplace_back([this] { workerLoop(); });
    } catch (...) { // the system refused a thread: stop the ones started, then report
        stopWorkers();
        throw;
    }
}

ThreadPool::~ThreadPool() {
    stopWorkers();
}

void ThreadPool::stopWorkers() {
    {
        std::lock_guard lock(m_mutex);
        m_stop = true;
    }
    m_wake.notify_all();
    for (auto& w : m_workers) w.join();
    m_workers.clear();
}

// Takes chunks until none are left; the last chunk to finish wakes the caller.
void ThreadPool::runChunks() {
    std::unique_lock lock(m_mutex);
    while (m_next < m_n) {
        const std::size_t begin = m_next;
        const std::size_t end = std::min(m_n, begin + m_grain);
        m_next = end;
        const auto* fn = m_fn;
        lock.unlock();
        try {
            (*fn)(begin, end);
        } catch (...) {
            std::lock_guard errLock(m_mutex);
            if (!m_error) m_error = std::current_exception();
        }
        lock.lock();
        if (--m_pending == 0) m_done.notify_all();
    }
}

void ThreadPool::workerLoop() {
    std::size_t seen = 0;
    for (;;) {
        {
            std::unique_lock lock(m_mutex);
            m_wake.wait(lock, [&] { return m_stop || m_generation != seen; });
            if (m_stop) return;
            seen = m_generation;
        }
        runChunks();
    }
}

void ThreadPool::parallelFor(std::size_t n, std::size_t grain,
                             const std::function<void(std::size_t, std::size_t)>& fn) {
    if (n == 0) return;
    grain = std::max<std::size_t>(grain, 1);
    if (m_workers.empty() || n <= grain) {
        for (std::size_t b = 0; b < n; b += grain) fn(b, std::min(n, b + grain));
        return;
    }
    {
        std::lock_guard lock(m_mutex);
        m_fn = &fn;
        m_n = n;
        m_grain = grain;
        m_next = 0;
        m_pending = (n + grain - 1) / grain;
        m_error = nullptr;
        ++m_generation;
    }
    m_wake.notify_all();
    runChunks();
    std::unique_lock lock(m_mutex);
    m_done.wait(lock, [&] { return m_pending == 0; });
    m_fn = nullptr;
    if (m_error) std::rethrow_exception(m_error);
}

} // namespace dfs

// A small persistent thread pool with a blocking parallel-for over fixed-size chunks. Work is
// split by index, never by thread, so results do not depend on the number of threads.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace dfs {

class ThreadPool {
public:
    /// threads <= 0 means std::thread::hardware_concurrency(). The caller's thread also works,
    /// so a pool of 1 starts no thread at all.
    explicit ThreadPool(int threads = 0);
    ~ThreadPool();
    ThreadPool(const ThreadPool&) = delete;
    ThreadPool& operator=(const ThreadPool&) = delete;

    int threads() const { return int(m_workers.size()) + 1; }

    /// Calls fn(begin, end) for the chunks [0, grain), [grain, 2 grain), ... of [0, n) and
    /// returns when all are done. The first exception thrown by fn is rethrown here.
    void parallelFor(std::size_t n, std::size_t grain,
                     const std::function<void(std::size_t, std::size_t)>& fn);

private:
    void workerLoop();
    void stopWorkers();
    void runChunks();

    std::vector<std::thread> m_workers;
    std::mutex m_mutex;
    std::condition_variable m_wake, m_done;
    const std::function<void(std::size_t, std::size_t)>* m_fn = nullptr;
    std::size_t m_n = 0, m_grain = 1, m_next = 0, m_pending = 0;
    std::size_t m_generation = 0;
    std::exception_ptr m_error;
    bool m_stop = false;
};

} // namespace dfs

// The trainer on a device (Backend::mlpTrainDevice): the seed's batches drawn here as
// SampleDraws, many optimiser steps a submission, the next chunk drawn while the device runs.
#include "core/training/trainer.hpp"

#include "core/backend/backend.hpp"
#include "core/backend/train_device.hpp"
#include "core/training/trainer_batch.hpp"

#include <algorithm>
#include <cmath>
#include <future>

namespace dfs {

namespace {
/// Host memory for one chunk of a device submission's batches (trainOnDevice keeps two).
constexpr double kHostChunkBytes = 128.0 * 1024 * 1024;
} // namespace

bool Trainer::useDevice(Backend& backend) {
    // Once on a device the Adam moments live there only: the trainer stays with it.
    if (m_device) return true;
    if (!m_model.net.mlp()) return false;
    std::unique_ptr<TrainDevice> device =
        backend.mlpTrainDevice(*m_model.net.mlp(), m_config.batch);
    if (!device) return false;
    const ModelSpec& spec = m_model.spec;
    FloatBuffer points(std::size_t(m_data.size()));
    for (Index r = 0; r < m_data.rows(); ++r) // row after row
        for (Index c = 0; c < m_data.cols(); ++c)
            points[std::size_t(r * m_data.cols() + c)] = float(m_data(r, c));
    TrainData data;
    data.points = points.data();
    data.rows = std::size_t(m_data.rows());
    data.dim = spec.dim;
    data.embedDim = spec.embedDim;
    data.classes = spec.classes;
    data.seed = m_config.seed;
    data.noiseSubstream = kSubNoise;
    if (!device->setData(data)) return false;
    device->load(m_model.net.params(), m_adam.firstMoment(), m_adam.secondMoment(), m_adam.steps(),
                 m_ema);
    m_device = std::move(device);
    return true;
}

void Trainer::drawChunk(DeviceChunk& c, long offset, int micro) {
    const auto batch = std::size_t(m_config.batch), all = std::size_t(micro * c.steps);
    c.draws.resize(batch * std::size_t(c.steps));
    m_pool.parallelFor(all, 1, [&](std::size_t lo, std::size_t hi) {
        for (std::size_t i = lo; i < hi; ++i) { // step i / micro's draws from its sample 0 on
            const std::size_t step = i / std::size_t(micro);
            drawMicroBatch(c.slot + i, int(i % std::size_t(micro)), m_step + offset + long(step),
                           c.draws.data() + step * batch);
        }
    });
}

TrainProgress Trainer::trainOnDevice(long k) {
    TrainProgress p;
    const auto d = std::size_t(m_model.spec.dim), batch = std::size_t(m_config.batch);
    // Steps a submission: as many as the device takes, within a host budget for each of the
    // two chunks (the draws, the micro-batches' books and the errors: about 3 d + 14 floats a
    // sample), so that an MLP on images at a large batch stays in memory.
    const double hostBytesPerStep = 4.0 * double(batch) * double(3 * int(d) + 14);
    const int most = std::max(
        1, std::min(m_device->maxSteps(m_config.batch), int(kHostChunkBytes / hostBytesPerStep)));
    const int micro = microBatches(2 * int(std::min<long>(most, k))); // slots for two chunks
    std::vector<StepPlan> plan;
    std::vector<double> norm2;
    const auto stepsFrom = [&](long done) { return int(std::min<long>(most, k - done)); };
    m_chunks[0].slot = 0;
    m_chunks[1].slot = std::size_t(micro) * std::size_t(stepsFrom(0));
    int cur = 0;
    m_chunks[0].steps = stepsFrom(0);
    if (k > 0) drawChunk(m_chunks[0], 0, micro);
    for (long done = 0; done < k;) {
        // The batches of this chunk's steps (the seed's batches, as on the CPU) run on the device
        // in one submission while the next chunk's are drawn here; then the books, step by step.
        DeviceChunk& c = m_chunks[cur];
        const int steps = c.steps;
        plan.resize(std::size_t(steps));
        norm2.resize(std::size_t(steps));
        for (int s = 0; s < steps; ++s)
            plan[std::size_t(s)] = {learningRate(m_config.adam, m_step + s),
                                    emaDecayAt(m_step + s)};
        m_out.resize(d * batch * std::size_t(steps));
        auto run = std::async(std::launch::async, [&] {
            m_device->steps(steps, m_config.batch, c.draws.data(), std::uint32_t(m_step),
                            plan.data(), m_config.gradClip, m_config.adam, m_out.data(),
                            norm2.data());
        });
        DeviceChunk& next = m_chunks[1 - cur];
        next.steps = done + steps < k ? stepsFrom(done + steps) : 0;
        try {
            if (next.steps > 0) drawChunk(next, steps, micro);
        } catch (...) {
            run.wait(); // the device thread uses this frame's buffers
            throw;
        }
        run.get(); // a device error comes out here
        m_pool.parallelFor(std::size_t(micro * steps), 1, [&](std::size_t lo, std::size_t hi) {
            for (std::size_t i = lo; i < hi; ++i) { // the errors back into their micro-batches
                Batch& b = *m_batches[c.slot + i];
                const std::size_t first = (i / std::size_t(micro)) * batch * d +
                                          (i % std::size_t(micro)) * std::size_t(microSize()) * d;
                std::copy_n(m_out.begin() + std::ptrdiff_t(first), b.out.size(), b.out.begin());
                lossOf(b, int(b.weight.size()), true);
            }
        });
        for (int s = 0; s < steps; ++s) {
            const double loss = collect(int(c.slot) + s * micro, micro),
                         norm = std::sqrt(norm2[std::size_t(s)]);
            if (diverges(loss, norm, p)) {
                m_device->keep(s); // the device ran on past it: back to the weights of step s
                m_device->read(m_model.net.params(), m_ema);
                return p;
            }
            m_log.push_back({m_step, loss, plan[std::size_t(s)].lr, norm});
            ++m_step;
            ++p.steps;
        }
        done += steps;
        cur = 1 - cur;
    }
    // The weights come back from the device when the call ends (after a device error they stay
    // those of the last call).
    m_device->read(m_model.net.params(), m_ema);
    return p;
}

} // namespace dfs

// Whole sampler runs on the device (Backend::runSampler): the particles stay in a bank of slots
// on the device from the first step to the last, and each step's traced program
// (core/samplers/step_program.hpp) is recorded as dispatches: the model's kernels for its
// Denoise ops, shaders/combine.comp (with the Philox noise) for its Combine ops. A run is one
// command buffer per chunk of particles unless its work exceeds a submission's budget.
#include "core/vulkan/mlp_run.hpp"
#include "core/vulkan/run_denoisers.hpp"

#include "core/denoisers/denoiser.hpp"
#include "core/denoisers/learned_denoiser.hpp"
#include "core/errors.hpp"
#include "core/samplers/sampler_run.hpp"
#include "core/samplers/step_program.hpp"

#include <fmt/format.h>

#include <cstring>

namespace dfs::vk {

namespace {

/// Most slots a run may use (a step with more values runs as a SamplerRun on the CPU).
constexpr int kMaxSlots = 64;

} // namespace

long VulkanBackend::runSampler(const Denoiser& model, const Schedule& schedule,
                               const SamplerRunConfig& config, Matrix& x, const RunFrames* frames) {
    if (!m_onDevice || x.rows() == 0) return 0;
    if (x.cols() != model.dim())
        throw UsageError(
            fmt::format("points have {} dimensions but the model has {}", x.cols(), model.dim()));
    const std::vector<StepProgram> programs = tracePrograms(schedule, config);
    const SlotPlan plan = planSlots(programs);
    if (programs.empty() || plan.slots > kMaxSlots) return 0;
    long nfe = 0;
    for (const StepProgram& p : programs) nfe += p.denoiserCalls();
    // Steps after which x goes to the host for `frames` (the last always does).
    const std::size_t every = frames ? std::size_t(std::max(1, frames->every)) : programs.size();
    const auto frameAfter = [&](std::size_t step) {
        return step % every == 0 || step == programs.size();
    };
    std::vector<NoiseLevel> levels; // every evaluation of the run, in order
    std::vector<Term> terms;        // every Combine's terms, in order
    std::vector<double> stepWork;   // per particle
    for (std::size_t i = 0; i < programs.size(); ++i) {
        stepWork.push_back(0);
        for (const ProgramOp& op : programs[i].ops) {
            if (op.kind == ProgramOp::Kind::Denoise) {
                if (!(op.level.sigma > 0)) return 0;
                levels.push_back(op.level);
                continue;
            }
            for (const ProgramTerm& t : op.terms)
                terms.push_back(
                    {std::uint32_t(plan.slot[i][std::size_t(t.var)]), 0, float(t.coef), 0});
            for (const NoiseTerm& z : op.noise) terms.push_back({z.substream, 1, float(z.coef), 0});
            stepWork.back() += 10.0 * double(op.terms.size() + op.noise.size());
        }
    }
    m_ctx->throwIfLost(); // before any buffer is rewritten: a given-up submission may use it
    discardUploads();
    if (const auto* learned = dynamic_cast<const LearnedDenoiser*>(&model);
        learned && m_options.wholeRunKernel && !frames) {
        Matrix whole = x;
        if (runMlpWhole(*this, *learned, programs, plan, config.seed,
                        std::uint32_t(config.firstParticle), whole)) {
            if (!whole.allFinite())
                throw DataError(fmt::format("sampler '{}' produced non-finite values on the device",
                                            config.sampler->name));
            x = std::move(whole);
            return nfe;
        }
    }
    const std::unique_ptr<RunDenoiser> denoiser = runDenoiserFor(*this, model);
    if (!denoiser) return 0;
    for (std::size_t i = 0; i < programs.size(); ++i)
        stepWork[i] += denoiser->workPerRow() * programs[i].denoiserCalls();
    denoiser->prepare(levels);
    m_lastKernel = "general";
    terms.push_back({}); // never empty
    Buffer& termBuffer = scratch(m_terms, sizeof(Term) * terms.size());
    put(termBuffer, 0, terms.data(), sizeof(Term) * terms.size());
    Pipeline& combine = pipeline(kSpirv_combine, 2, sizeof(CombinePush));

    // Particles in chunks: one step of the heaviest kind within a submission's budget, the
    // slots within memory, and the kernels' dispatch limits (the combine's one value per
    // invocation too). On a GPU, 10^6 particles of the standard MLP are one chunk.
    const double budget = submissionBudget(*m_ctx);
    const auto dim = std::uint32_t(x.cols());
    const double heaviest = *std::max_element(stepWork.begin(), stepWork.end());
    const Index chunk = chunkRows(heaviest, 4.0 * plan.slots * dim,
                                  std::min(denoiser->maxRows(), Index(65535) * kGroup / dim));
    std::vector<Matrix> frameX; // x after each frame's step, all chunks
    for (std::size_t s = 1; s <= programs.size(); ++s)
        if (frames && frameAfter(s)) frameX.emplace_back(x.rows(), x.cols());
    Matrix result(x.rows(), x.cols());
    for (Index first = 0; first < x.rows(); first += chunk) {
        const auto n = std::uint32_t(std::min(chunk, x.rows() - first));
        const std::uint32_t stride = n * dim;
        Buffer& slots = scratch(m_slots, sizeof(float) * std::size_t(plan.slots) * stride);
        upload(x.middleRows(first, n), slots); // x starts in slot 0, the previous D (0) in 1
        const std::vector<float> zeros(stride, 0.0f);
        put(slots, sizeof(float) * stride, zeros.data(), sizeof(float) * stride);
        denoiser->bind(slots, n);
        const VkDescriptorSet combineSet = combine.allocateSets({{&slots, &termBuffer}})[0];
        std::size_t eval = 0, term = 0, i = 0, frame = 0;
        while (i < programs.size()) {
            m_ctx->submit([&](VkCommandBuffer cmd) {
                recordUploads(cmd); // the first submission of the run's first chunk has some
                double work = 0;
                do {
                    const StepProgram& p = programs[i];
                    for (std::size_t k = 0; k < p.ops.size(); ++k) {
                        if (work > 0 || k > 0 || i > 0) barrierBetweenDispatches(cmd);
                        const ProgramOp& op = p.ops[k];
                        const auto out = std::uint32_t(plan.slot[i][2 + k]);
                        if (op.kind == ProgramOp::Kind::Denoise) {
                            const auto in = std::uint32_t(plan.slot[i][std::size_t(op.input)]);
                            denoiser->record(cmd, eval++, in, out, n, stride);
                            continue;
                        }
                        const auto count = std::uint32_t(op.terms.size() + op.noise.size());
                        const CombinePush push{n,
                                               dim,
                                               stride,
                                               out,
                                               std::uint32_t(term),
                                               count,
                                               std::uint32_t(config.seed),
                                               std::uint32_t(config.seed >> 32),
                                               p.step,
                                               std::uint32_t(config.firstParticle + first)};
                        term += count;
                        combine.record(cmd, combineSet, &push, groupsFor(Index(stride)));
                    }
                    work += stepWork[i++] * n;
                } while (i < programs.size() && work + stepWork[i] * n <= budget &&
                         !(frames && frameAfter(i)));
                if (i == programs.size() || (frames && frameAfter(i))) { // x to the host
                    const int at = plan.slot[i - 1][std::size_t(programs[i - 1].xOut)];
                    recordDownload(cmd, slots, sizeof(float) * std::size_t(at) * stride,
                                   sizeof(float) * stride);
                }
            });
            if (frames && frameAfter(i)) {
                Matrix part;
                downloadedRows(part, n, dim);
                frameX[frame++].middleRows(first, n) = part;
            }
        }
        Matrix part;
        downloadedRows(part, n, dim);
        result.middleRows(first, n) = part;
    }
    if (!result.allFinite())
        throw DataError(fmt::format("sampler '{}' produced non-finite values on the device",
                                    config.sampler->name));
    x = std::move(result);
    if (frames && frames->sink) {
        std::size_t k = 0;
        for (std::size_t s = 1; s <= programs.size(); ++s)
            if (frameAfter(s)) frames->sink(int(s), frameX[k++]);
    }
    return nfe;
}

} // namespace dfs::vk

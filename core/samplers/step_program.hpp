// A sampler step as a small linear program, for backends that keep the particles on their device
// for a whole run. Every built-in step except the predictor-corrector's is linear in the
// particle matrices it handles (x, the denoiser's outputs, the noise, DPM-Solver++'s previous
// prediction), with scalar coefficients that depend only on the schedule, the options and the
// step. tracePrograms() runs the real step functions on symbolic probes, one row per basis
// value, so it reads those coefficients off the code that the CPU runs: there is no second
// copy of any sampler's formulas for a device to drift from.
#pragma once

#include "core/schedules/schedule.hpp"
#include "core/types.hpp"

#include <cstdint>
#include <vector>

namespace dfs {

class Backend;
class Denoiser;
struct SamplerRunConfig;

/// Variables of a step: 0 is x at the start of the step, 1 DPM-Solver++'s previous prediction
/// (defined once a step has written it), 2 + k the value op k defines.
struct ProgramTerm {
    int var = 0;
    double coef = 0;
};
/// coef times the standard normals of Philox substream `substream` at this step (rng/noise.hpp).
struct NoiseTerm {
    std::uint32_t substream = 0;
    double coef = 0;
};

struct ProgramOp {
    enum class Kind { Denoise, Combine };
    Kind kind = Kind::Combine;
    int input = 0;                  ///< Denoise: D is evaluated at this variable ...
    NoiseLevel level;               ///< ... at this noise level (sigma > 0)
    std::vector<ProgramTerm> terms; ///< Combine: sum of coef x var ...
    std::vector<NoiseTerm> noise;   ///< ... plus sum of coef x z
};

struct StepProgram {
    std::uint32_t step = 0; ///< the grid step i (the noise's step counter)
    std::vector<ProgramOp> ops;
    int xOut = 0;    ///< the variable holding x after the step
    int prevOut = 1; ///< the variable holding the previous prediction after the step
    int vars() const { return 2 + int(ops.size()); }
    int denoiserCalls() const;
};

/// The programs of a whole run, one per grid step, or an empty vector when the sampler's step
/// is not linear in the particles (SamplerInfo::linear is false: the predictor-corrector
/// scales its Langevin step by norms over all particles). Throws UsageError for a bad config,
/// as SamplerRun does.
std::vector<StepProgram> tracePrograms(const Schedule& schedule, const SamplerRunConfig& config);

/// Where each variable of each step lives in a bank of equally sized slots, a slot being
/// reused once no live variable holds it: slot[i][v] for variable v of step i. x and the
/// previous prediction stay in their slots from one step to the next (x starts in slot 0, the
/// previous prediction in slot 1).
struct SlotPlan {
    std::vector<std::vector<int>> slot;
    int slots = 2;
};
SlotPlan planSlots(const std::vector<StepProgram>& programs);

/// Runs the programs on the CPU from x (rows are particles config.firstParticle + r): the
/// reference that device implementations are held to, and the check that tracing loses nothing
/// (it must give what SamplerRun gives). D is evaluated by `backend`.
Matrix runPrograms(const std::vector<StepProgram>& programs, const Denoiser& model,
                   Backend& backend, std::uint64_t seed, std::uint32_t firstParticle, Matrix x);

} // namespace dfs

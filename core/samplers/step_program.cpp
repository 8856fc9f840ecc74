// Tracing sampler steps into linear programs, and the CPU's run of such programs.
//
// A traced value is a column of coefficients over a basis: one row per variable (x, the
// previous prediction, each value an op defines) and one per noise substream. The step
// functions only scale and add matrices, so on these columns they compute exactly the
// coefficients they apply to the real particles, row by row.
#include "core/samplers/step_program.hpp"

#include "core/backend/backend.hpp"
#include "core/rng/noise.hpp"
#include "core/samplers/sampler_run.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <stdexcept>

namespace dfs {

int StepProgram::denoiserCalls() const {
    int n = 0;
    for (const ProgramOp& op : ops) n += op.kind == ProgramOp::Kind::Denoise;
    return n;
}

namespace {

class Tracer {
public:
    Tracer(int basis, std::uint32_t step) : m_basis(basis) {
        m_program.step = step;
        m_rows = {{false, 0}, {false, 1}};
    }

    Matrix unit(int row) const {
        Matrix m = Matrix::Zero(m_basis, 1);
        m(row, 0) = 1;
        return m;
    }
    Matrix variable(int var) const { return unit(rowOfVar(var)); }

    /// The variable holding value e: e itself when it is one variable, else a new Combine.
    int materialize(const Matrix& value) {
        const Matrix e = reduced(value);
        ProgramOp op;
        for (int r = 0; r < int(m_rows.size()); ++r) {
            const double c = e(r, 0);
            if (c == 0) continue;
            if (m_rows[std::size_t(r)].noise)
                op.noise.push_back({std::uint32_t(m_rows[std::size_t(r)].index), c});
            else
                op.terms.push_back({m_rows[std::size_t(r)].index, c});
        }
        if (op.noise.empty() && op.terms.size() == 1 && op.terms[0].coef == 1.0)
            return op.terms[0].var;
        const int var = define(std::move(op));
        int pivot = int(m_rows.size()) - 2; // its newest basis value (the last row is var's)
        while (pivot > 0 && e(pivot, 0) == 0) --pivot;
        m_defs.push_back({var, pivot, e});
        return var;
    }

    /// e written with fewer values where an earlier Combine's variable stands for part of it:
    /// e = k v + (e - k def_v), k chosen to cancel def_v's newest value. Annealed Langevin's
    /// x_{k+1} = x_k + a D_k + b z_k thus reads x_k's variable, not every earlier D and z again
    /// (so its slots and noise draws stay linear in the steps per level, not quadratic).
    Matrix reduced(Matrix e) const {
        const auto nonzero = [](const Matrix& m) { return (m.array() != 0).count(); };
        // Oldest first: each definition is itself written with the ones before it.
        for (auto it = m_defs.begin(); it != m_defs.end(); ++it) {
            const double k = e(it->pivot, 0) / it->value(it->pivot, 0);
            if (k == 0 || !std::isfinite(k)) continue;
            Matrix r = e - k * it->value;
            r(it->pivot, 0) = 0;
            // What cancels up to rounding is zero (1e-12 of the largest coefficient).
            const double tiny = 1e-12 * e.cwiseAbs().maxCoeff();
            r = (r.array().abs() <= tiny).select(0.0, r);
            r(rowOfVar(it->var), 0) += k;
            if (nonzero(r) < nonzero(e)) e = std::move(r);
        }
        return e;
    }

    Matrix denoise(const Matrix& e, const NoiseLevel& level) {
        ProgramOp op;
        op.kind = ProgramOp::Kind::Denoise;
        op.input = materialize(e);
        op.level = level;
        return variable(define(std::move(op)));
    }

    Matrix noise(std::uint32_t substream) {
        auto [it, added] = m_noiseRows.try_emplace(substream, int(m_rows.size()));
        if (added) addRow({true, int(substream)});
        return unit(it->second);
    }

    StepProgram finish(const SamplerState& st) {
        m_program.xOut = materialize(st.x);
        m_program.prevOut = st.prevX0 == variable(1) ? 1 : materialize(st.prevX0);
        return std::move(m_program);
    }

private:
    struct Row {
        bool noise;
        int index; ///< the variable, or the noise substream
    };
    int define(ProgramOp op) {
        m_program.ops.push_back(std::move(op));
        const int var = m_program.vars() - 1;
        m_varRows[var] = int(m_rows.size());
        addRow({false, var});
        return var;
    }
    void addRow(Row row) {
        if (int(m_rows.size()) >= m_basis)
            throw std::logic_error("step_program: a step needs more values than its trace basis");
        m_rows.push_back(row);
    }
    int rowOfVar(int var) const { return var < 2 ? var : m_varRows.at(var); }

    int m_basis;
    StepProgram m_program;
    std::vector<Row> m_rows;
    std::map<int, int> m_varRows;
    std::map<std::uint32_t, int> m_noiseRows;
    struct Definition {
        int var, pivot; ///< a Combine's variable, and its value's newest basis row
        Matrix value;
    };
    std::vector<Definition> m_defs;
};

} // namespace

std::vector<StepProgram> tracePrograms(const Schedule& schedule, const SamplerRunConfig& config) {
    validateRunConfig(config);
    if (!config.sampler->linear) return {};
    const auto& grid = config.grid;
    const int steps = int(grid.size()) - 1;
    // Each Langevin iteration defines at most three values (a state, D, a noise substream).
    const int basis = 16 + 3 * (config.options.langevinSteps + config.options.correctorSteps);
    std::vector<StepProgram> programs;
    SamplerState st; // the scalars (hasPrev, prevHalfLogSnr) carry over from step to step
    for (int i = 0; i < steps; ++i) {
        Tracer tracer(basis, std::uint32_t(i));
        StepContext ctx = stepContext(schedule, config, i);
        Matrix start;
        ctx.denoise = [&](const Matrix& x, const NoiseLevel& l) { return tracer.denoise(x, l); };
        ctx.startPrediction = [&]() -> const Matrix& {
            if (start.size() == 0) start = tracer.denoise(tracer.variable(0), ctx.cur);
            return start;
        };
        ctx.noise = [&](std::uint32_t substream) { return tracer.noise(substream); };
        st.x = tracer.variable(0);
        st.prevX0 = tracer.variable(1);
        config.sampler->step(ctx, st);
        programs.push_back(tracer.finish(st));
    }
    return programs;
}

SlotPlan planSlots(const std::vector<StepProgram>& programs) {
    SlotPlan plan;
    std::vector<int> users = {1, 1}; // live variables per slot
    int xSlot = 0, prevSlot = 1;
    for (const StepProgram& p : programs) {
        const int nOps = int(p.ops.size());
        std::vector<int> lastUse(std::size_t(p.vars()), -1); // op index; nOps: an output
        for (int k = 0; k < nOps; ++k) {
            const ProgramOp& op = p.ops[std::size_t(k)];
            if (op.kind == ProgramOp::Kind::Denoise) lastUse[std::size_t(op.input)] = k;
            for (const ProgramTerm& t : op.terms) lastUse[std::size_t(t.var)] = k;
        }
        lastUse[std::size_t(p.xOut)] = lastUse[std::size_t(p.prevOut)] = nOps;
        std::vector<int>& slot = plan.slot.emplace_back(std::size_t(p.vars()), -1);
        slot[0] = xSlot;
        slot[1] = prevSlot;
        const auto release = [&](int var, int at) {
            if (lastUse[std::size_t(var)] == at) --users[std::size_t(slot[std::size_t(var)])];
        };
        release(0, -1);
        release(1, -1);
        for (int k = 0; k < nOps; ++k) {
            const int var = 2 + k;
            const auto free = std::find(users.begin(), users.end(), 0);
            slot[std::size_t(var)] = int(free - users.begin());
            if (free == users.end()) users.push_back(0);
            ++users[std::size_t(slot[std::size_t(var)])];
            release(var, -1); // a value nothing reads (none of the samplers makes one)
            for (int v = 0; v < var; ++v) release(v, k); // after the output has its slot
        }
        xSlot = slot[std::size_t(p.xOut)];
        prevSlot = slot[std::size_t(p.prevOut)];
        // Both carry into the next step as two variables: count each holder once.
        std::fill(users.begin(), users.end(), 0);
        ++users[std::size_t(xSlot)];
        ++users[std::size_t(prevSlot)];
    }
    plan.slots = int(users.size());
    return plan;
}

Matrix runPrograms(const std::vector<StepProgram>& programs, const Denoiser& model,
                   Backend& backend, std::uint64_t seed, std::uint32_t firstParticle, Matrix x) {
    // In the slots of planSlots(), as a device holds them, so that the plan is tested too.
    const SlotPlan plan = planSlots(programs);
    std::vector<Matrix> bank(std::size_t(plan.slots), Matrix::Zero(x.rows(), x.cols()));
    bank[0] = std::move(x);
    for (std::size_t i = 0; i < programs.size(); ++i) {
        const StepProgram& p = programs[i];
        const auto at = [&](int var) -> Matrix& {
            return bank[std::size_t(plan.slot[i][std::size_t(var)])];
        };
        for (std::size_t k = 0; k < p.ops.size(); ++k) {
            const ProgramOp& op = p.ops[k];
            Matrix& out = at(int(2 + k));
            if (op.kind == ProgramOp::Kind::Denoise) {
                backend.denoise(model, at(op.input), op.level, out);
                continue;
            }
            out.setZero();
            for (const ProgramTerm& t : op.terms) out += t.coef * at(t.var);
            for (const NoiseTerm& z : op.noise)
                out += z.coef * gaussianNoise(seed, firstParticle, out.rows(), out.cols(), p.step,
                                              z.substream);
        }
        if (i + 1 == programs.size()) return std::move(at(p.xOut));
    }
    return std::move(bank[0]);
}

} // namespace dfs

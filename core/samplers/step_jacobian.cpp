// Unrolling a traced sampler run into its cells' Jacobians (diffusion-math.md Section 1.6).
//
// A step program defines its values in order; each value's derivative with respect to the
// step's x (the cell's Jacobian) and with respect to the run's start (the end-to-end Jacobian)
// follow by the chain rule: a Combine is linear (noise has derivative zero), a Denoise
// multiplies by J_D at its input.
#include "core/samplers/step_jacobian.hpp"

#include "core/denoisers/denoiser.hpp"
#include "core/denoisers/denoiser_jacobian.hpp"
#include "core/errors.hpp"
#include "core/rng/noise.hpp"
#include "core/samplers/sampler_run.hpp"
#include "core/samplers/step_program.hpp"

#include <Eigen/SVD>
#include <cmath>
#include <fmt/format.h>

namespace dfs {

namespace {

/// A program value written over the step's leaves: x (var 0), the previous prediction (var 1),
/// each Denoise's output, and the noise.
struct Leaves {
    double x = 0, prev = 0, noise2 = 0;
    std::vector<std::pair<int, double>> denoised; ///< (var, coefficient)
};

Leaves expand(const StepProgram& p, int var) {
    Leaves out;
    if (var == 0) {
        out.x = 1;
        return out;
    }
    if (var == 1) {
        out.prev = 1;
        return out;
    }
    const ProgramOp& op = p.ops[std::size_t(var - 2)];
    if (op.kind == ProgramOp::Kind::Denoise) {
        out.denoised.push_back({var, 1.0});
        return out;
    }
    for (const NoiseTerm& z : op.noise) out.noise2 += z.coef * z.coef;
    for (const ProgramTerm& t : op.terms) {
        const Leaves l = expand(p, t.var);
        out.x += t.coef * l.x;
        out.prev += t.coef * l.prev;
        out.noise2 += t.coef * t.coef * l.noise2; // independent draws: variances add
        for (const auto& [v, c] : l.denoised) {
            bool merged = false;
            for (auto& [w, d] : out.denoised)
                if (w == v) d += t.coef * c, merged = true;
            if (!merged) out.denoised.push_back({v, t.coef * c});
        }
    }
    return out;
}

Matrix jacobianOfD(const Denoiser& model, const Vector& x, const NoiseLevel& level, bool& exact) {
    if (auto j = denoiserJacobian(model, x, level)) return std::move(*j);
    exact = false;
    return denoiserJacobianFd(model, x, level, 1e-4);
}

} // namespace

UnrolledJacobian unrollJacobians(const Schedule& schedule, const SamplerRunConfig& config,
                                 const Denoiser& model, const Vector& xStart,
                                 std::uint32_t particle) {
    const auto programs = tracePrograms(schedule, config); // UsageError for a bad config
    if (programs.empty())
        throw UsageError(fmt::format("the step Jacobians need a sampler whose step is affine in "
                                     "x and D; '{}' is not",
                                     config.sampler->name));
    const Index d = model.dim();
    if (xStart.size() != d)
        throw UsageError(fmt::format("step Jacobians: the start has {} coordinates; the model "
                                     "'{}' has dimension {}",
                                     xStart.size(), model.name(), d));
    const Matrix eye = Matrix::Identity(d, d);
    UnrolledJacobian u;
    u.path.push_back(xStart);
    u.endToEnd = eye;
    u.fromStart.push_back(eye);
    Vector prevValue = Vector::Zero(d);
    Matrix prevTotal = Matrix::Zero(d, d); // d(previous prediction)/d(x_0)
    for (const StepProgram& p : programs) {
        const std::size_t vars = std::size_t(p.vars());
        std::vector<Vector> value(vars);
        std::vector<Matrix> local(vars), total(vars);
        value[0] = u.path.back(), local[0] = eye, total[0] = u.endToEnd;
        value[1] = prevValue, local[1] = Matrix::Zero(d, d), total[1] = prevTotal;
        CellJacobian cell;
        cell.step = int(p.step);
        cell.t = config.grid[p.step];
        cell.tNext = config.grid[p.step + 1];
        for (int k = 0; k < int(p.ops.size()); ++k) {
            const ProgramOp& op = p.ops[std::size_t(k)];
            const std::size_t v = std::size_t(2 + k);
            if (op.kind == ProgramOp::Kind::Denoise) {
                const Vector& in = value[std::size_t(op.input)];
                Matrix out(1, d);
                model.denoiseRows(in.transpose(), op.level, out, 0, 1);
                value[v] = out.row(0).transpose();
                if (cell.nfe == 0) cell.prediction = value[v];
                const Matrix jd = jacobianOfD(model, in, op.level, u.exactJacobian);
                local[v] = jd * local[std::size_t(op.input)];
                total[v] = jd * total[std::size_t(op.input)];
                ++cell.nfe;
                continue;
            }
            value[v] = Vector::Zero(d), local[v] = Matrix::Zero(d, d),
            total[v] = Matrix::Zero(d, d);
            for (const ProgramTerm& t : op.terms) {
                value[v] += t.coef * value[std::size_t(t.var)];
                local[v] += t.coef * local[std::size_t(t.var)];
                total[v] += t.coef * total[std::size_t(t.var)];
            }
            for (const NoiseTerm& z : op.noise) // the run's draws for this particle (noise.hpp)
                value[v] += z.coef * gaussianNoise(config.seed, config.firstParticle + particle, 1,
                                                   d, p.step, z.substream)
                                         .row(0)
                                         .transpose();
        }
        const Leaves l = expand(p, p.xOut);
        cell.a = l.x, cell.prev = l.prev, cell.c = std::sqrt(l.noise2);
        for (const auto& [var, coef] : l.denoised) {
            cell.b += coef;
            cell.bPerCall.push_back(coef);
        }
        cell.jacobian = local[std::size_t(p.xOut)];
        Eigen::JacobiSVD<Matrix> svd(cell.jacobian);
        cell.singularValues = svd.singularValues();
        cell.logAbsDet = cell.singularValues.array().log().sum();
        u.cells.push_back(std::move(cell));
        u.path.push_back(value[std::size_t(p.xOut)]);
        u.endToEnd = total[std::size_t(p.xOut)];
        u.fromStart.push_back(u.endToEnd);
        prevValue = value[std::size_t(p.prevOut)];
        prevTotal = total[std::size_t(p.prevOut)];
    }
    return u;
}

Matrix cellProduct(const UnrolledJacobian& u, int from, int to) {
    if (from < 0 || to > int(u.cells.size()) || from > to)
        throw UsageError(fmt::format("cell product: steps [{}, {}) out of range 0..{}", from, to,
                                     u.cells.size()));
    const Index d = u.endToEnd.rows();
    Matrix m = Matrix::Identity(d, d);
    for (int i = from; i < to; ++i) m = u.cells[std::size_t(i)].jacobian * m;
    return m;
}

} // namespace dfs

// Hutchinson's probe terms through the U-Net by reverse mode (see learned_vjp.hpp).
#include "core/denoisers/learned_vjp.hpp"

#include "core/errors.hpp"

#include <fmt/format.h>
#include <vector>

namespace dfs {

LearnedVjp::LearnedVjp(const LearnedDenoiser& model) : m_model(model) {
    if (model.model().net.mlp())
        throw UsageError("the reverse-mode probe terms are for a U-Net; an MLP has its exact "
                         "Jacobian by forward mode");
}

void LearnedVjp::evaluate(const Matrix& x, const NoiseLevel& level, const Matrix& probes, Matrix& d,
                          Matrix& terms) const {
    const ModelSpec& spec = m_model.model().spec;
    const int dim = spec.dim, in = spec.inputDim();
    if (x.cols() != dim || probes.cols() != dim)
        throw UsageError(fmt::format("the points have {} and the probes {} columns; the model "
                                     "takes {}",
                                     x.cols(), probes.cols(), dim));
    const LearnedDenoiser::Affine f = m_model.affine(level);
    const Index n = x.rows(), k = probes.rows();
    d.resize(n, dim);
    terms.resize(n, k);
    if (n == 0) return;
    // Network inputs (in x n, column-major): [c_in x*, the embedding and label].
    std::vector<double> xs(std::size_t(n) * dim);
    std::vector<float> input(std::size_t(n) * in), out(std::size_t(n) * dim);
    f.inputs(spec, x, level, xs.data(), input.data());
    NetworkWorkspace ws;
    const Network& net = m_model.model().net;
    net.forward(input.data(), int(n), out.data(), ws);
    for (Index r = 0; r < n; ++r)
        for (int i = 0; i < dim; ++i)
            d(r, i) = spec.mean[std::size_t(i)] +
                      spec.scale * (f.a * xs[std::size_t(r * dim + i)] +
                                    f.b * double(out[std::size_t(r * dim + i)]));
    // One backward pass per probe, the probe in every row: dIn = J_F^T v.
    std::vector<float> dOut(std::size_t(n) * dim), dIn(std::size_t(n) * dim);
    for (Index p = 0; p < k; ++p) {
        for (Index r = 0; r < n; ++r)
            for (int i = 0; i < dim; ++i) dOut[std::size_t(r * dim + i)] = float(probes(p, i));
        net.imageInputVjp(dOut.data(), int(n), ws, dIn.data());
        const double vv = probes.row(p).squaredNorm();
        for (Index r = 0; r < n; ++r) {
            double vjv = 0;
            for (int i = 0; i < dim; ++i)
                vjv += probes(p, i) * double(dIn[std::size_t(r * dim + i)]);
            terms(r, p) = f.ratio * (f.a * vv + f.b * f.cin * vjv);
        }
    }
}

} // namespace dfs

// Exact Jacobian of the learned denoiser (see learned_jacobian.hpp).
#include "core/denoisers/learned_jacobian.hpp"

#include "core/errors.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <vector>

namespace dfs {

namespace {
const Mlp& mlpOf(const LearnedDenoiser& model) {
    const Mlp* mlp = model.model().net.mlp();
    if (!mlp)
        throw UsageError(fmt::format("the exact Jacobian of the learned model needs an MLP; this "
                                     "model is a {} (images need Hutchinson's estimator)",
                                     model.model().spec.architecture));
    return *mlp;
}
} // namespace

LearnedJacobian::LearnedJacobian(const LearnedDenoiser& model, bool single)
    : m_model(model), m_net(mlpOf(model)), m_dim(model.dim()), m_single(single) {}

void LearnedJacobian::evaluate(const Matrix& x, const NoiseLevel& level, Matrix& d,
                               Matrix& jac) const {
    const ModelSpec& spec = m_model.model().spec;
    const LearnedDenoiser::Affine f = m_model.affine(level);
    const Index n = x.rows();
    const int dim = m_dim, in = m_net.inDim();
    d.resize(n, dim);
    jac.resize(n, Index(dim) * dim);
    if (n == 0) return;
    std::vector<double> xs(std::size_t(n) * dim), input(std::size_t(n) * in);
    f.inputs(spec, x, level, xs.data(), input.data());
    std::vector<double> out(std::size_t(n) * dim), tangents(std::size_t(n) * dim * dim);
    if (m_single) {
        const std::vector<float> inF(input.begin(), input.end());
        std::vector<float> outF(out.size()), tanF(tangents.size());
        m_net.forwardFloat(inF.data(), int(n), dim, outF.data(), tanF.data());
        std::copy(outF.begin(), outF.end(), out.begin());
        std::copy(tanF.begin(), tanF.end(), tangents.begin());
    } else {
        m_net.forward(input.data(), int(n), dim, out.data(), tangents.data());
    }
    for (Index r = 0; r < n; ++r)
        for (int i = 0; i < dim; ++i) {
            const double xsi = xs[std::size_t(r * dim + i)];
            d(r, i) = spec.mean[std::size_t(i)] +
                      spec.scale * (f.a * xsi + f.b * out[std::size_t(r * dim + i)]);
            // dD_i/dx_c = scale (a delta_ic + b c_in dF_i/din_c) ratio / scale
            for (int c = 0; c < dim; ++c) {
                const double dF = tangents[std::size_t((Index(c) * n + r) * dim + i)];
                jac(r, i * dim + c) = f.ratio * ((i == c ? f.a : 0.0) + f.b * f.cin * dF);
            }
        }
}

} // namespace dfs

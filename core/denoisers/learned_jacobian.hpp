// The learned MLP denoiser's exact input Jacobian J_D = dD/dx, by forward mode through the
// whole map x -> D(x) (no finite differences). With LearnedDenoiser::affine's terms,
//   x* = ratio (x - alpha mean) / scale,   F = MLP([c_in x*, features]),
//   D  = mean + scale (a x* + b F)          (every target's x0 is affine in x* and F),
// so J_D = ratio (a I + b c_in J_F), J_F the network's Jacobian in its first dim inputs
// (core/nn/mlp_tangents.hpp). The exact divergence of the PF-ODE needs tr J_D
// (diffusion-math.md 3.8: in 2-D, two Jacobian-vector products instead of Hutchinson).
#pragma once

#include "core/denoisers/learned_denoiser.hpp"
#include "core/nn/mlp_tangents.hpp"

namespace dfs {

class LearnedJacobian {
public:
    /// Throws UsageError where the model's network is not an MLP (a U-Net has no exact path).
    /// single: the network in float on the MLP kernels (faster; about 1e-6 relative error)
    /// instead of double.
    explicit LearnedJacobian(const LearnedDenoiser& model, bool single = false);
    int dim() const { return m_dim; }

    /// For every row of x at `level` (sigma > 0): D(x) into d (n x dim) and J_D into jac
    /// (n x dim^2, row i holds J(r, c) = dD_r/dx_c at r * dim + c). Computed in double from
    /// the float parameters (or in float, see the constructor), so D agrees with
    /// LearnedDenoiser's float pass to about 1e-6.
    void evaluate(const Matrix& x, const NoiseLevel& level, Matrix& d, Matrix& jac) const;

private:
    const LearnedDenoiser& m_model;
    MlpTangents m_net;
    int m_dim;
    bool m_single;
};

} // namespace dfs

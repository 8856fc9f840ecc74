// Forward-mode differentiation of an MLP (tangent propagation; Griewank & Walther 2008, ch. 3):
// the outputs and their exact derivatives with respect to the first k inputs, in double
// precision. For layer Z_l = W_l H_{l-1} + b_l, H_l = act(Z_l), a tangent dH_{l-1} moves as
// dZ_l = W_l dH_{l-1}, dH_l = act'(Z_l) * dZ_l; the input tangents are the unit vectors e_j.
// The 2-D exact divergence of the PF-ODE (diffusion-math.md 3.8) needs k = 2 of them.
#pragma once

#include "core/nn/mlp.hpp"

#include <vector>

namespace dfs {

class MlpTangents {
public:
    /// Copies the MLP's parameters (as doubles); later changes to the MLP are not seen.
    explicit MlpTangents(const Mlp& mlp);
    int inDim() const { return m_shape.dims[0]; }
    int outDim() const { return m_shape.dims[m_shape.layers]; }

    /// For n samples, in: inDim x n (column-major, one sample per column). Writes
    /// out (outDim x n) and tangents: k blocks of outDim x n, block j = d out / d in_j.
    /// Requires 0 <= k <= inDim.
    void forward(const double* in, int n, int k, double* out, double* tangents) const;
    /// The same in single precision on the MLP kernels' matrix product (mlp_kernels.hpp: the
    /// widest instruction set of the CPU), the values and the k tangents stacked into one
    /// product per layer. Same layouts; about 1e-6 relative error.
    void forwardFloat(const float* in, int n, int k, float* out, float* tangents) const;

private:
    MlpShape m_shape;
    std::vector<double> m_params; ///< the MLP's layout: W_l (column-major), then b_l
    std::vector<float> m_paramsF; ///< the same in float
};

} // namespace dfs

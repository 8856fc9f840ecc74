// Group normalisation (Wu & He 2018) of batch-major NCHW activations: each image's channels are
// split into groups, every group is normalised to zero mean and unit variance, then scaled and
// shifted per channel. Like Conv2d, a stateless descriptor over a slice of the flat parameters.
#pragma once

namespace dfs {

class GroupNorm {
public:
    static constexpr float kEpsilon = 1e-5f; ///< PyTorch's nn.GroupNorm default

    /// Throws UsageError unless groups >= 1 divides channels >= 1 and pixels >= 1.
    GroupNorm(int channels, int groups, int pixels);

    int channels() const { return m_channels; }
    int groups() const { return m_groups; }
    long floats() const { return long(m_channels) * m_pixels; } ///< per image
    /// Parameters: gamma (channels), then beta (channels).
    long paramCount() const { return 2L * m_channels; }
    /// gamma = 1, beta = 0.
    void initialise(float* params) const;

    /// Wu & He 2018, Eq. 1-3: xhat = (x - mu_g) / sqrt(var_g + eps) over the channels and pixels
    /// of group g of one image, out = gamma_c xhat + beta_c. Stores xhat (batch * floats()) and
    /// rstd = 1 / sqrt(var_g + eps) (batch * groups) for the backward pass.
    void forward(const float* params, const float* in, int batch, float* out, float* xhat,
                 float* rstd) const;
    /// Given dL/dout, adds dL/dgamma, dL/dbeta to `dparams` (when not null) and dL/din to `din`:
    /// din += rstd (g - mean(g) - xhat mean(g xhat)) with g = gamma_c dout, means over the group
    /// (the batch-norm gradient of Ioffe & Szegedy 2015, Section 3, taken per group).
    void backward(const float* params, const float* xhat, const float* rstd, const float* dout,
                  int batch, float* dparams, float* din) const;

private:
    int m_channels, m_groups, m_pixels;
};

} // namespace dfs

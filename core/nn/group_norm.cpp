// Group normalisation forward and backward; group statistics are summed in double.
#include "core/nn/group_norm.hpp"

#include "core/errors.hpp"
#include "core/nn/grad_slice.hpp"

#include <fmt/format.h>

#include <cmath>
#include <cstddef>

namespace dfs {

GroupNorm::GroupNorm(int channels, int groups, int pixels)
    : m_channels(channels), m_groups(groups), m_pixels(pixels) {
    if (channels < 1 || groups < 1 || pixels < 1 || channels % groups != 0)
        throw UsageError(
            fmt::format("group norm: {} groups must divide {} channels (and both be positive)",
                        groups, channels));
}

void GroupNorm::initialise(float* params) const {
    for (int c = 0; c < m_channels; ++c) {
        params[c] = 1.0f;
        params[m_channels + c] = 0.0f;
    }
}

void GroupNorm::forward(const float* params, const float* in, int batch, float* out, float* xhat,
                        float* rstd) const {
    const float* gamma = params;
    const float* beta = params + m_channels;
    const int perGroup = m_channels / m_groups;
    const long n = long(perGroup) * m_pixels;
    for (int b = 0; b < batch; ++b) {
        for (int g = 0; g < m_groups; ++g) {
            const std::size_t start = std::size_t(b) * floats() + std::size_t(g) * n;
            const float* x = in + start;
            double sum = 0, sumSq = 0;
            for (long i = 0; i < n; ++i) sum += x[i];
            const double mean = sum / double(n);
            for (long i = 0; i < n; ++i) sumSq += (x[i] - mean) * (x[i] - mean);
            const double r = 1.0 / std::sqrt(sumSq / double(n) + kEpsilon);
            rstd[std::size_t(b) * m_groups + g] = float(r);
            for (int c = 0; c < perGroup; ++c) {
                const int ch = g * perGroup + c;
                const long off = long(c) * m_pixels;
                for (int p = 0; p < m_pixels; ++p) {
                    const float h = float((x[off + p] - mean) * r);
                    xhat[start + off + p] = h;
                    out[start + off + p] = gamma[ch] * h + beta[ch];
                }
            }
        }
    }
}

void GroupNorm::backward(const float* params, const float* xhat, const float* rstd,
                         const float* dout, int batch, float* dparams, float* din) const {
    const float* gamma = params;
    float* dgamma = dparams;
    float* dbeta = gradSlice(dparams, m_channels);
    const int perGroup = m_channels / m_groups;
    const long n = long(perGroup) * m_pixels;
    for (int b = 0; b < batch; ++b) {
        for (int g = 0; g < m_groups; ++g) {
            const std::size_t start = std::size_t(b) * floats() + std::size_t(g) * n;
            const float* h = xhat + start;
            const float* dy = dout + start;
            double sumG = 0, sumGH = 0; // sums of g = gamma dy and of g xhat over the group
            for (int c = 0; c < perGroup; ++c) {
                const int ch = g * perGroup + c;
                const long off = long(c) * m_pixels;
                double dyH = 0, dySum = 0;
                for (int p = 0; p < m_pixels; ++p) {
                    dyH += double(dy[off + p]) * h[off + p];
                    dySum += dy[off + p];
                }
                if (dparams) {
                    dgamma[ch] += float(dyH);
                    dbeta[ch] += float(dySum);
                }
                sumG += gamma[ch] * dySum;
                sumGH += gamma[ch] * dyH;
            }
            const double r = rstd[std::size_t(b) * m_groups + g];
            const double meanG = sumG / double(n), meanGH = sumGH / double(n);
            float* dx = din + start;
            for (int c = 0; c < perGroup; ++c) {
                const int ch = g * perGroup + c;
                const long off = long(c) * m_pixels;
                for (int p = 0; p < m_pixels; ++p)
                    dx[off + p] +=
                        float(r * (double(gamma[ch]) * dy[off + p] - meanG - h[off + p] * meanGH));
            }
        }
    }
}

} // namespace dfs

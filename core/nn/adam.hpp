// AdamW (Kingma & Ba 2015, Alg. 1, with decoupled weight decay: Loshchilov & Hutter 2019,
// Alg. 2) and its learning-rate schedule: linear warm-up, then cosine decay (Loshchilov &
// Hutter 2017, eq. 5) to minLrFactor * lr at totalSteps, constant after.
#pragma once

#include "core/nn/aligned_buffer.hpp"

namespace dfs {

struct AdamConfig {
    double lr = 1e-3;
    double beta1 = 0.9, beta2 = 0.999, eps = 1e-8;
    double weightDecay = 0.0;
    long warmup = 100;      ///< steps of linear warm-up
    long totalSteps = 3000; ///< end of the cosine decay
    double minLrFactor = 0.1;
    /// Throws UsageError naming the setting (--lr, --weight-decay, ...) for a bad value.
    void validate() const;
};

/// The learning rate for step (0-based).
double learningRate(const AdamConfig& c, long step);

class AdamW {
public:
    explicit AdamW(std::size_t params) : m_m(params, 0.0f), m_v(params, 0.0f) {}
    /// One update of params with grads at learning rate lr.
    void step(FloatBuffer& params, const FloatBuffer& grads, double lr, const AdamConfig& c);
    /// The same with the gradient scaled by gradScale (norm clipping) and, in the same pass,
    /// ema[i] = emaDecay ema[i] + (1 - emaDecay) params[i] on the updated weights.
    void step(FloatBuffer& params, const FloatBuffer& grads, double lr, const AdamConfig& c,
              float gradScale, FloatBuffer& ema, float emaDecay);
    long steps() const { return m_t; }
    const FloatBuffer& firstMoment() const { return m_m; }
    const FloatBuffer& secondMoment() const { return m_v; }

private:
    void update(FloatBuffer& params, const FloatBuffer& grads, double lr, const AdamConfig& c,
                float gradScale, float* ema, float emaDecay);
    FloatBuffer m_m, m_v;
    long m_t = 0;
};

} // namespace dfs

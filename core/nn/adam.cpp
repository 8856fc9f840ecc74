// AdamW and the warm-up + cosine learning-rate schedule.
#include "core/nn/adam.hpp"

#include "core/errors.hpp"
#include "core/multiversion.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <numbers>

namespace dfs {

void AdamConfig::validate() const {
    const auto bad = [](const char* flag, const char* range, double v) {
        throw UsageError(fmt::format("{} must be {} (got {})", flag, range, v));
    };
    if (!(lr > 0) || !std::isfinite(lr) || lr > 1000) bad("--lr", "in (0, 1000]", lr);
    if (!(beta1 >= 0 && beta1 < 1)) bad("beta1", "in [0, 1)", beta1);
    if (!(beta2 >= 0 && beta2 < 1)) bad("beta2", "in [0, 1)", beta2);
    if (!(eps > 0) || !std::isfinite(eps)) bad("eps", "> 0", eps);
    if (!(weightDecay >= 0) || !std::isfinite(weightDecay))
        bad("--weight-decay", ">= 0", weightDecay);
    if (warmup < 0) bad("--warmup", ">= 0", double(warmup));
    if (totalSteps < 1) bad("--steps", ">= 1", double(totalSteps));
    if (!(minLrFactor >= 0 && minLrFactor <= 1)) bad("min lr factor", "in [0, 1]", minLrFactor);
}

double learningRate(const AdamConfig& c, long step) {
    if (step < c.warmup) return c.lr * double(step + 1) / double(c.warmup + 1);
    const long span = std::max(1L, c.totalSteps - c.warmup);
    const double progress = std::min(1.0, double(step - c.warmup) / double(span));
    const double cosine = 0.5 * (1.0 + std::cos(std::numbers::pi * progress));
    return c.lr * (c.minLrFactor + (1.0 - c.minLrFactor) * cosine);
}

namespace {

/// AdamW (Loshchilov & Hutter 2019, Algorithm 2) with the bias corrections folded into
/// stepSize = lr / (1 - beta1^t) and rbc2 = 1 / sqrt(1 - beta2^t); g = gradScale grad; with an
/// EMA buffer, its update on the new weights in the same pass.
DFS_MULTIVERSION
void adamLoop(float* p, const float* grad, float* m, float* v, std::size_t n, float b1, float b2,
              float stepSize, float decay, float eps, float rbc2, float gradScale, float* ema,
              float emaKeep) {
    const float emaTake = 1.0f - emaKeep;
    for (std::size_t i = 0; i < n; ++i) {
        const float g = grad[i] * gradScale;
        m[i] = b1 * m[i] + (1 - b1) * g;
        v[i] = b2 * v[i] + (1 - b2) * g * g;
        p[i] = p[i] * decay - stepSize * m[i] / (std::sqrt(v[i]) * rbc2 + eps);
        if (ema) ema[i] = emaKeep * ema[i] + emaTake * p[i];
    }
}

} // namespace

void AdamW::step(FloatBuffer& params, const FloatBuffer& grads, double lr, const AdamConfig& c) {
    update(params, grads, lr, c, 1.0f, nullptr, 0.0f);
}

void AdamW::step(FloatBuffer& params, const FloatBuffer& grads, double lr, const AdamConfig& c,
                 float gradScale, FloatBuffer& ema, float emaDecay) {
    update(params, grads, lr, c, gradScale, ema.data(), emaDecay);
}

void AdamW::update(FloatBuffer& params, const FloatBuffer& grads, double lr, const AdamConfig& c,
                   float gradScale, float* ema, float emaDecay) {
    ++m_t;
    const double bc1 = 1.0 - std::pow(c.beta1, double(m_t));
    const double bc2 = 1.0 - std::pow(c.beta2, double(m_t));
    const float b1 = float(c.beta1), b2 = float(c.beta2);
    const float stepSize = float(lr / bc1), decay = float(1.0 - lr * c.weightDecay);
    const float eps = float(c.eps), rbc2 = float(1.0 / std::sqrt(bc2));
    adamLoop(params.data(), grads.data(), m_m.data(), m_v.data(), params.size(), b1, b2, stepSize,
             decay, eps, rbc2, gradScale, ema, emaDecay);
}

} // namespace dfs

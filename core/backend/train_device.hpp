// The network's part of MLP training on another device (a GPU): the Trainer draws each
// sample's scalars (its data row, noise level, label and weight) and keeps the books (loss,
// buckets, divergence, the learning-rate schedule); the device holds the data, forms the
// samples from the draws (the noise, the noisy point, the network's input and the target), keeps
// the weights, the Adam moments and the EMA, and runs forward, backward, the gradient's norm,
// clipping and AdamW, for many optimiser steps in one submission (no round trip a step).
#pragma once

#include "core/nn/adam.hpp"
#include "core/nn/aligned_buffer.hpp"

#include <cmath>
#include <cstddef>
#include <cstdint>

namespace dfs {

/// One sample of a step's batch as the host draws it. The device forms the sample from it
/// (shaders/train_draw.comp) as the Trainer does on the CPU: with x0 the data's row `row` and
/// eps the Philox normals of the CPU's counters (TrainData),
///   input  = [inX0 x0 + inEps eps, sin and cos of angle f_k (model.hpp, timeEmbeddings),
///             the one-hot of the label (-1 or past the classes: the last entry)],
///   target = targetX0 x0 + targetEps eps (every target is linear in x0 and eps),
/// and the loss weight `weight`.
struct SampleDraw {
    std::uint32_t row;
    std::int32_t label;
    float inX0, inEps, targetX0, targetEps, weight;
    /// The embedding's base angle kEmbeddingScale c_noise (model.hpp) as a float pair hi + lo
    /// (splitHead12): its angles reach 10^3, where one float would lose 1e-4 of the sine.
    float angleHi, angleLo;
};

/// v as hi + lo, hi of 12 significant bits and lo = float(v - hi): the product of two such
/// heads is exact in float (shaders/embedding.glsl forms the embedding's angles so).
inline void splitHead12(double v, float& hi, float& lo) {
    int e = 0;
    const double m = std::frexp(v, &e); // v = m 2^e, 0.5 <= |m| < 1
    hi = float(std::ldexp(std::round(std::ldexp(m, 12)), e - 12));
    lo = float(v - double(hi));
}

/// The training data and how the device forms samples from SampleDraws.
struct TrainData {
    const float* points = nullptr; ///< rows x dim, row after row (the normalised data)
    std::size_t rows = 0;
    int dim = 0, embedDim = 0, classes = 0; ///< the network input's parts (ModelSpec)
    /// eps of coordinate c of sample b (its index in the batch) at optimiser step s:
    /// philoxNormals4(seed, b, s, noiseSubstream, c / 4)[c % 4] (core/rng/philox.hpp).
    std::uint64_t seed = 0;
    std::uint32_t noiseSubstream = 0;
};

/// What the host decides for one step before it runs: the learning rate and the EMA's decay
/// (the weight kept).
struct StepPlan {
    double lr = 0, emaDecay = 0;
};

class TrainDevice {
public:
    virtual ~TrainDevice() = default;
    /// Puts the data on the device; false where it does not fit (then train on the CPU).
    virtual bool setData(const TrainData& data) = 0;
    /// Starts from these weights, Adam moments (m, v) after `adamSteps` updates, and EMA.
    virtual void load(const FloatBuffer& params, const FloatBuffer& m, const FloatBuffer& v,
                      long adamSteps, const FloatBuffer& ema) = 0;
    /// Most steps one steps() call takes with batches of n samples (the device's work and
    /// memory for one submission), at least 1.
    virtual int maxSteps(int n) const = 0;
    /// Runs k optimiser steps (1 <= k <= maxSteps(n)) in one submission, after setData. Step i
    /// (optimiser step firstStep + i, Philox's step counter): forward and backward over batch i
    /// (the n samples of draws + i n), the gradient's squared norm, then AdamW on the gradient
    /// clipped to norm gradClip (0: not clipped) at rate plan[i].lr, then the EMA with decay
    /// plan[i].emaDecay. Writes each step's errors, the outputs less the targets (d x n, at
    /// errors + i d n), and squared gradient norm (norm2[i]).
    virtual void steps(int k, int n, const SampleDraw* draws, std::uint32_t firstStep,
                       const StepPlan* plan, double gradClip, const AdamConfig& config,
                       float* errors, double* norm2) = 0;
    /// Keeps only the first j of the last steps() call's steps (0 <= j): the weights, moments
    /// and EMA are again those after its step j. For a divergence the host finds once the
    /// submission is done.
    virtual void keep(int j) = 0;
    /// The weights and the EMA, back from the device.
    virtual void read(FloatBuffer& params, FloatBuffer& ema) = 0;
};

} // namespace dfs

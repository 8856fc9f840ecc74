// The network's part of an MLP training step on another device (a GPU): the Trainer draws each
// batch and keeps the books (loss, buckets, divergence, the learning-rate schedule); the device
// keeps the weights, the Adam moments and the EMA, and runs forward, backward and AdamW.
#pragma once

#include "core/nn/adam.hpp"
#include "core/nn/aligned_buffer.hpp"

namespace dfs {

class TrainDevice {
public:
    virtual ~TrainDevice() = default;
    /// Starts from these weights, Adam moments (m, v) after `adamSteps` updates, and EMA.
    virtual void load(const FloatBuffer& params, const FloatBuffer& m, const FloatBuffer& v,
                      long adamSteps, const FloatBuffer& ema) = 0;
    /// Forward and backward over a batch of n samples (the network's input columns, the
    /// targets, the loss weights as the Trainer builds them): writes the outputs (dim x n) and
    /// returns the squared norm of the loss gradient, which the next update() applies.
    virtual double gradient(const float* input, const float* target, const float* weight, int n,
                            float* out) = 0;
    /// AdamW with the last gradient times `clip` at learning rate lr, then the EMA with decay
    /// `emaDecay` (the weight kept).
    virtual void update(double lr, double clip, double emaDecay, const AdamConfig& config) = 0;
    /// The weights and the EMA, back from the device.
    virtual void read(FloatBuffer& params, FloatBuffer& ema) = 0;
};

} // namespace dfs

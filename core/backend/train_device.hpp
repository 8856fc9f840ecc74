// The network's part of MLP training on another device (a GPU): the Trainer draws the batches
// and keeps the books (loss, buckets, divergence, the learning-rate schedule); the device keeps
// the weights, the Adam moments and the EMA, and runs forward, backward, the gradient's norm,
// clipping and AdamW, for many optimiser steps in one submission (no round trip a step).
#pragma once

#include "core/nn/adam.hpp"
#include "core/nn/aligned_buffer.hpp"

namespace dfs {

/// What the host decides for one step before it runs: the learning rate and the EMA's decay
/// (the weight kept).
struct StepPlan {
    double lr = 0, emaDecay = 0;
};

class TrainDevice {
public:
    virtual ~TrainDevice() = default;
    /// Starts from these weights, Adam moments (m, v) after `adamSteps` updates, and EMA.
    virtual void load(const FloatBuffer& params, const FloatBuffer& m, const FloatBuffer& v,
                      long adamSteps, const FloatBuffer& ema) = 0;
    /// Most steps one steps() call takes with batches of n samples (the device's work and
    /// memory for one submission), at least 1.
    virtual int maxSteps(int n) const = 0;
    /// Runs k optimiser steps (1 <= k <= maxSteps(n)) in one submission. Step i: forward and
    /// backward over batch i (n samples: the network's input columns, targets and loss weights
    /// as the Trainer builds them, at input + i in n, target + i d n, weight + i n), the
    /// gradient's squared norm, then AdamW on the gradient clipped to norm gradClip (0: not
    /// clipped) at rate plan[i].lr, then the EMA with decay plan[i].emaDecay. Writes each step's
    /// outputs (d x n, at out + i d n) and squared gradient norm (norm2[i]).
    virtual void steps(int k, int n, const float* input, const float* target, const float* weight,
                       const StepPlan* plan, double gradClip, const AdamConfig& config, float* out,
                       double* norm2) = 0;
    /// Keeps only the first j of the last steps() call's steps (0 <= j): the weights, moments
    /// and EMA are again those after its step j. For a divergence the host finds once the
    /// submission is done.
    virtual void keep(int j) = 0;
    /// The weights and the EMA, back from the device.
    virtual void read(FloatBuffer& params, FloatBuffer& ema) = 0;
};

} // namespace dfs

#version 450
// Training batches formed on the device from the host's per-sample draws
// (core/backend/train_device.hpp, SampleDraw), as the Trainer forms them on the CPU
// (core/training/trainer.cpp, makeBatch; core/model/model.cpp, networkInput): x0 from the data,
// eps from Philox with the CPU's counters, then per sample the network's input column
// [c_in x, sin and cos of the noise level's angles (embedding.glsl), the label's one-hot], the target and the
// loss weight. Layout per optimiser step (train_device.cpp): input (inDim x n), target
// (dim x n), weight (n). One invocation per value, in a grid-stride loop (a submission's batches
// can hold more values than one dispatch has invocations).
#include "embedding.glsl"
#include "philox.glsl"

layout(local_size_x = 64) in;
struct SampleDraw {
    uint row;
    int label;
    float inX0, inEps, targetX0, targetEps, weight;
    float angleHi, angleLo;
};
layout(std430, set = 0, binding = 0) readonly buffer Draws { SampleDraw draws[]; }; // steps x n
layout(std430, set = 0, binding = 1) readonly buffer Data { float data[]; };  // rows x dim
layout(std430, set = 0, binding = 2) readonly buffer Freqs { float freqs[]; }; // (hi, lo) pairs
layout(std430, set = 0, binding = 3) writeonly buffer Batches { float batchData[]; };
layout(push_constant) uniform Push {
    uint n, dim, inDim, freqCount; // the embedding: sin and cos of freqCount angles
    uint classes;             // 0: unconditional; else a one-hot of classes + 1 entries
    uint steps, firstStep;    // this submission's optimiser steps, the first's number
    uint seedLo, seedHi, substream;
} pc;

void main() {
    const uint per = pc.inDim + pc.dim + 1u; // values a sample
    const uint perStep = pc.n * per, total = pc.steps * perStep;
    const uint stride = gl_NumWorkGroups.x * gl_WorkGroupSize.x;
    for (uint id = gl_GlobalInvocationID.x; id < total; id += stride) {
        const uint s = id / perStep, b = (id % perStep) / per, j = id % per;
        const SampleDraw sd = draws[s * pc.n + b];
        const uint base = s * perStep; // this step's batch
        const uint embedEnd = pc.dim + 2u * pc.freqCount;
        if (j < pc.dim || (j >= pc.inDim && j < pc.inDim + pc.dim)) {
            const uint c = j < pc.dim ? j : j - pc.inDim;
            const float x0 = data[sd.row * pc.dim + c];
            const float eps = philoxNormals4(uvec2(pc.seedLo, pc.seedHi), b, pc.firstStep + s,
                                             pc.substream, c / 4u)[c % 4u];
            if (j < pc.dim)
                batchData[base + b * pc.inDim + c] = sd.inX0 * x0 + sd.inEps * eps;
            else
                batchData[base + pc.n * pc.inDim + b * pc.dim + c] =
                    sd.targetX0 * x0 + sd.targetEps * eps;
        } else if (j < embedEnd) {
            const uint k = j - pc.dim;
            const uint f = k % pc.freqCount;
            const vec2 sc =
                sinCosOfAngle(sd.angleHi, sd.angleLo, freqs[2u * f], freqs[2u * f + 1u]);
            batchData[base + b * pc.inDim + j] = k < pc.freqCount ? sc.x : sc.y;
        } else if (j < pc.inDim) {
            const uint hot = sd.label >= 0 && uint(sd.label) < pc.classes ? uint(sd.label)
                                                                           : pc.classes;
            batchData[base + b * pc.inDim + j] = j - embedEnd == hot ? 1.0 : 0.0;
        } else {
            batchData[base + pc.n * (pc.inDim + pc.dim) + b] = sd.weight;
        }
    }
}

#version 450
// The gradient of the weighted MSE loss (core/training/trainer.cpp) with respect to the
// network's outputs: dZ_L = 2 w_b (out - target) / (batch d), into the work buffer; and the
// errors out - target at outOffset in the outputs buffer, one block per optimiser step of the
// submission, for the host to compute the loss from once the submission is done (the targets
// are formed on the device: the host has only their draws).
layout(local_size_x = 64) in;
layout(std430, set = 0, binding = 0) readonly buffer Batch { float batchData[]; };
layout(std430, set = 0, binding = 1) readonly buffer Acts { float acts[]; };
layout(std430, set = 0, binding = 2) writeonly buffer Work { float work[]; };
layout(std430, set = 0, binding = 3) writeonly buffer Outs { float outs[]; };
layout(push_constant) uniform Push {
    uint dim, batch, zOffset, targetOffset, weightOffset;
    float norm; // 1 / (batch dim)
    uint outOffset;
} pc;

void main() {
    const uint id = gl_GlobalInvocationID.x;
    if (id >= pc.dim * pc.batch) return;
    const float z = acts[pc.zOffset + id];
    const float e = z - batchData[pc.targetOffset + id];
    work[id] = 2.0 * batchData[pc.weightOffset + id / pc.dim] * e * pc.norm;
    outs[pc.outOffset + id] = e;
}

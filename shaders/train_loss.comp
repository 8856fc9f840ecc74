#version 450
// The gradient of the weighted MSE loss (core/training/trainer.cpp) with respect to the
// network's outputs: dZ_L = 2 w_b (out - target) / (batch d), into the work buffer.
layout(local_size_x = 64) in;
layout(std430, set = 0, binding = 0) readonly buffer Batch { float batchData[]; };
layout(std430, set = 0, binding = 1) readonly buffer Acts { float acts[]; };
layout(std430, set = 0, binding = 2) writeonly buffer Work { float work[]; };
layout(push_constant) uniform Push {
    uint dim, batch, zOffset, targetOffset, weightOffset;
    float norm; // 1 / (batch dim)
} pc;

void main() {
    const uint id = gl_GlobalInvocationID.x;
    if (id >= pc.dim * pc.batch) return;
    const float e = acts[pc.zOffset + id] - batchData[pc.targetOffset + id];
    work[id] = 2.0 * batchData[pc.weightOffset + id / pc.dim] * e * pc.norm;
}

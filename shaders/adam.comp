#version 450
// AdamW (Kingma & Ba 2015, Alg. 1; decoupled weight decay: Loshchilov & Hutter 2019, Alg. 2)
// on the clipped gradient, then the EMA of the weights, as core/nn/adam.cpp and
// core/nn/vector_ops.cpp do on the CPU:
//   m = b1 m + (1 - b1) g,  v = b2 v + (1 - b2) g^2,
//   p = p decay - stepSize m / (sqrt(v) / sqrt(1 - b2^t) + eps),  stepSize = lr / (1 - b1^t),
//   ema = k ema + (1 - k) p.
// The gradient is clipped to norm maxNorm (0: not clipped; Pascanu et al. 2013, Algorithm 1, as the
// Trainer applies it): g times maxNorm / |g| where |g| > maxNorm, |g|^2 from norm_total.comp.
layout(local_size_x = 64) in;
layout(std430, set = 0, binding = 0) buffer Params { float params[]; };
layout(std430, set = 0, binding = 1) readonly buffer Grads { float grads[]; };
layout(std430, set = 0, binding = 2) buffer State { float state[]; }; // m, v, ema: n each
layout(std430, set = 0, binding = 3) readonly buffer Norms { float norms[]; };
layout(push_constant) uniform Push {
    uint n;
    float b1, b2, stepSize, decay, eps, rbc2, maxNorm, keep;
    uint slot; // this step's squared norm in norms
} pc;

void main() {
    const uint i = gl_GlobalInvocationID.x;
    if (i >= pc.n) return;
    const float norm = sqrt(norms[pc.slot]);
    const float clip = pc.maxNorm > 0.0 && norm > pc.maxNorm ? pc.maxNorm / norm : 1.0;
    const float g = grads[i] * clip;
    const float m = pc.b1 * state[i] + (1.0 - pc.b1) * g;
    const float v = pc.b2 * state[pc.n + i] + (1.0 - pc.b2) * g * g;
    state[i] = m;
    state[pc.n + i] = v;
    const float p = params[i] * pc.decay - pc.stepSize * m / (sqrt(v) * pc.rbc2 + pc.eps);
    params[i] = p;
    state[2 * pc.n + i] = pc.keep * state[2 * pc.n + i] + (1.0 - pc.keep) * p;
}

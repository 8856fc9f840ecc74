#version 450
// Exact Gaussian-mixture denoiser (diffusion-math.md 4.1): with the marginal components
// N(m_k, C_k), C_k = alpha^2 Sigma_k + sigma^2 I, packed by the CPU per noise level,
//   w_k = softmax_k(log pi_k - (log det C_k + d log 2 pi)/2 - (x - m_k)^T C_k^{-1} (x - m_k)/2),
//   D(x) = sum_k w_k (mu_k + alpha Sigma_k C_k^{-1} (x - m_k)).
layout(local_size_x = 64) in;

const uint MAX_K = 64;
const uint MAX_DIM = 8; // array sizes stay plain constants; the loops run to DIM
// The data dimension, fixed when the pipeline is made (loops unroll, arrays stay in registers).
layout(constant_id = 0) const uint DIM = 2;

// Per component, `stride` floats: logNorm, m_k (dim), mu_k (dim), C_k^{-1} (dim^2, row-major),
// gain (dim^2, row-major).
layout(std430, set = 0, binding = 0) readonly buffer Components { float c[]; };
layout(std430, set = 0, binding = 1) readonly buffer Query { float x[]; };
layout(std430, set = 0, binding = 2) writeonly buffer Out { float d[]; };
layout(push_constant) uniform Params {
    uint k, m, stride;
    uint offset; // first query of this dispatch
    uint table, xBase, dBase; // where the components, queries and outputs start
} pc;

void main() {
    const uint q = gl_GlobalInvocationID.x + pc.offset;
    if (q >= pc.m) return;
    const uint dim = DIM;
    float xq[MAX_DIM], r[MAX_DIM], out_[MAX_DIM], logit[MAX_K];
    for (uint i = 0; i < dim; ++i) {
        xq[i] = x[pc.xBase + q * dim + i];
        out_[i] = 0.0;
    }
    float best = -1.0 / 0.0;
    for (uint k = 0; k < pc.k; ++k) {
        const uint base = pc.table + k * pc.stride;
        for (uint i = 0; i < dim; ++i) r[i] = xq[i] - c[base + 1 + i];
        float quad = 0.0;
        for (uint i = 0; i < dim; ++i) {
            float row = 0.0;
            for (uint j = 0; j < dim; ++j) row += c[base + 1 + 2 * dim + i * dim + j] * r[j];
            quad += r[i] * row;
        }
        logit[k] = c[base] - 0.5 * quad;
        best = max(best, logit[k]);
    }
    float total = 0.0;
    for (uint k = 0; k < pc.k; ++k) total += exp(logit[k] - best);
    for (uint k = 0; k < pc.k; ++k) {
        const uint base = pc.table + k * pc.stride;
        const float w = exp(logit[k] - best) / total;
        for (uint i = 0; i < dim; ++i) r[i] = xq[i] - c[base + 1 + i];
        for (uint i = 0; i < dim; ++i) {
            float g = 0.0;
            for (uint j = 0; j < dim; ++j) g += c[base + 1 + 2 * dim + dim * dim + i * dim + j] * r[j];
            out_[i] += w * (c[base + 1 + dim + i] + g);
        }
    }
    for (uint i = 0; i < dim; ++i) d[pc.dBase + q * dim + i] = out_[i];
}

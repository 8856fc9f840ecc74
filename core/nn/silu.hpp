// The SiLU activation x sigmoid(x) (Elfwing, Uchibe & Doya 2018; "Swish" in Ramachandran et al.
// 2017) on float arrays, with its derivative for the backward pass.
#pragma once

namespace dfs {

/// out[i] = x[i] sigmoid(x[i]); `out` may be `x`.
void siluForward(const float* x, long n, float* out);
/// dx[i] += dout[i] s (1 + x[i] (1 - s)), s = sigmoid(x[i]): the derivative of x sigmoid(x).
/// `x` is the forward input.
void siluBackward(const float* x, const float* dout, long n, float* dx);

} // namespace dfs

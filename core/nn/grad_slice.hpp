// A layer's slice of a network's parameter gradients, where "no gradients wanted" is a null
// pointer: the backward passes take dparams == nullptr to compute only the input gradients
// (Network::imageInputVjp), and offsetting a null pointer would be undefined.
#pragma once

namespace dfs {

/// `grads + at`, or nullptr when `grads` is null.
inline float* gradSlice(float* grads, long at) {
    return grads ? grads + at : nullptr;
}

} // namespace dfs

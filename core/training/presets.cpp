// Training presets for the built-in datasets.
#include "core/training/presets.hpp"

namespace dfs {

TrainConfig trainPreset(const std::string& dataset) {
    (void)dataset; // one preset serves every built-in 2D set today (see the closing note)
    TrainConfig c;
    c.model.width = 128;
    c.model.depth = 3;
    c.model.activation = Activation::SiLU;
    c.model.target = TrainTarget::Edm;
    c.model.schedule = "cosine";
    c.batch = 512;
    c.adam.lr = 1e-3;
    c.adam.warmup = 100;
    c.adam.totalSteps = 8000;
    c.adam.minLrFactor = 0.05;
    c.gradClip = 1.0;
    c.emaDecay = 0.995;
    c.timeSampling = TimeSampling::Uniform;
    c.weighting = LossWeighting::Target;
    return c;
}

} // namespace dfs

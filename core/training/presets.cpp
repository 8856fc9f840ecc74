// Training presets for the built-in datasets.
#include "core/training/presets.hpp"

#include "core/datasets/image_datasets.hpp"

namespace dfs {

TrainConfig trainPreset(const std::string& dataset) {
    TrainConfig c;
    if (isImageDataset(dataset)) {
        // Images: the small U-Net (model.hpp), Adam at DDPM's scale of learning rate (Ho et al.
        // 2020, App. B: 2e-4 at batch 128; a little higher for these small sets), EMA 0.999.
        c.model.architecture = "unet";
        c.model.channels = 32;
        c.model.groups = 8;
        c.model.target = TrainTarget::Edm;
        c.model.schedule = "cosine";
        c.batch = 64;
        c.adam.lr = 5e-4;
        c.adam.warmup = 100;
        c.adam.totalSteps = 2000;
        c.adam.minLrFactor = 0.05;
        c.gradClip = 1.0;
        c.emaDecay = 0.999;
        return c;
    }
    // One preset serves every built-in 2-D set.
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

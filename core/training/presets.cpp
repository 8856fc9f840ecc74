// Training presets for the built-in datasets.
#include "core/training/presets.hpp"

#include "core/datasets/image_datasets.hpp"

namespace dfs {

TrainConfig trainPreset(const std::string& dataset) {
    TrainConfig c;
    if (isImageDataset(dataset)) {
        // Images: the small U-Net (model.hpp), Adam, EMA 0.999. DDPM (Ho et al. 2020, App. B)
        // trains at 2e-4 and batch 128 for 800k steps; in a budget of minutes, many small
        // steps at a higher rate did best (shapes 16x16, the same number of images seen: batch
        // 64 x 2000 at 5e-4 gave a median nearest-neighbour distance of 3.18, batch 32 x 4000
        // at 5e-4 2.95, at 1e-3 2.74, at 2e-3 2.84; held-out real images: 1.46). Batch 32 is
        // two micro-batches, one per core.
        c.model.architecture = "unet";
        c.model.channels = 32;
        c.model.groups = 8;
        c.model.target = Prediction::Edm;
        c.model.schedule = "cosine";
        c.batch = 32;
        c.adam.lr = 1e-3;
        c.adam.warmup = 100;
        c.adam.totalSteps = 4000;
        c.adam.minLrFactor = 0.05;
        c.gradClip = 1.0;
        c.emaDecay = 0.999;
        return c;
    }
    // One preset serves every built-in 2-D set.
    c.model.width = 128;
    c.model.depth = 3;
    c.model.activation = Activation::SiLU;
    c.model.target = Prediction::Edm;
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

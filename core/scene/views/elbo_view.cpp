// The elbo view (the latent-variable perspective, diffusion-math.md Section 1.2): the scene's
// denoiser as the decoder chain p_theta of a deep latent-variable model, scored by its
// variational bound with T = the sampler's steps: the prior term, the KL of every step (Ho et
// al. 2020, eq. 5; Kingma et al. 2021, in SNR form), the reconstruction term and the total in
// nats and bits per dimension, beside the exact -E log p_0 for mixture data and, for a learned
// model, the bound of its exact or ideal reference. On images the pixels count as 8-bit data (256
// levels in [-1, 1]) and the last term is Ho et al. 2020's discretised decoder (eq. 13), so the
// bits/dim are those of the discrete images. The bound does not depend on the cursor, so it is
// kept per scene and steps.
#include "core/backend/backend.hpp"
#include "core/datasets/point_set.hpp"
#include "core/denoisers/denoiser.hpp"
#include "core/io/table_io.hpp"
#include "core/metrics/chain_elbo.hpp"
#include "core/scene/scene_engine.hpp"
#include "core/scene/view_registry.hpp"
#include "core/scene/views/elbo_data.hpp"
#include "core/schedules/schedule.hpp"

#include <algorithm>
#include <mutex>

namespace dfs::views {

namespace {

/// T = the sampler's steps; at most 2000 data points and about 4e5 denoiser calls (an ideal
/// denoiser, which costs N x d per call, gets fewer: about 3e7 multiply-adds in all; images get
/// about 2e6 / d image-calls, so that a learned U-Net takes seconds, not minutes), never below 16.
ChainElboOptions optionsFor(const SceneEngine& e) {
    ChainElboOptions o;
    o.steps = e.scene().sampler.steps;
    o.seed = e.scene().data.seed;
    double work = 4e5 / o.steps;
    if (e.denoiser().name() == "ideal")
        work = std::min(work, 3e7 / (double(e.data().size()) * e.data().dim() * o.steps));
    if (e.isImage()) {
        work = std::min(work, 2e6 / (double(e.data().dim()) * o.steps));
        o.discreteLevels = 256; // Ho et al. 2020, Section 3.3: 8-bit pixels scaled to [-1, 1]
    }
    o.samples = std::clamp<Index>(Index(work), 16, 2000);
    o.denoise = [&e](const Matrix& x, const NoiseLevel& l, Matrix& out) {
        e.backend().denoise(e.denoiser(), x, l, out);
    };
    return o;
}

struct Cached {
    const void* engine = nullptr;
    const void* model = nullptr;
    std::string key;
    ChainElbo elbo, reference;
};

std::string cacheKey(const SceneEngine& e) {
    const Matrix& d = e.data().points;
    return e.denoiser().name() + "|" + e.schedule().describe() + "|" + std::to_string(d.rows()) +
           "|" + std::to_string(d.sum()) + "|" + std::to_string(e.scene().data.seed) + "|" +
           std::to_string(e.scene().sampler.steps);
}

/// The bound of the scene's model and, for a learned one, of its reference (steps = 0: none),
/// on the same data points and noise.
std::pair<ChainElbo, ChainElbo> elbosOf(const SceneEngine& e) {
    static std::mutex mutex;
    static Cached cache;
    const std::string key = cacheKey(e);
    {
        const std::lock_guard lock(mutex);
        if (cache.engine == &e && cache.model == &e.denoiser() && cache.key == key)
            return {cache.elbo, cache.reference};
    }
    const GmmParams* truth = e.data().gmm ? &*e.data().gmm : nullptr;
    const ChainElboOptions o = optionsFor(e);
    ChainElbo elbo = chainElbo(e.denoiser(), e.schedule(), e.data().points, o, truth), reference;
    if (const Denoiser* ref = e.reference()) {
        ChainElboOptions r = o;
        r.denoise = [&e, ref](const Matrix& x, const NoiseLevel& l, Matrix& out) {
            e.backend().denoise(*ref, x, l, out);
        };
        reference = chainElbo(*ref, e.schedule(), e.data().points, r, truth);
    }
    const std::lock_guard lock(mutex);
    cache = {&e, &e.denoiser(), key, elbo, reference};
    return {elbo, reference};
}

ChainElbo elboOf(const SceneEngine& e) {
    return elbosOf(e).first;
}

ElboView build(const SceneEngine& e, double t) {
    const auto [b, ref] = elbosOf(e);
    const Schedule& s = e.schedule();
    ElboView v;
    v.time = e.timeInfo(t);
    v.model = e.denoiser().name();
    v.steps = b.steps;
    v.dim = b.dim;
    v.samples = long(b.samples);
    v.discreteLevels = b.discreteLevels;
    for (const ChainElboStep& k : b.terms) {
        v.logSnrS.push_back(s.logSnr(k.s));
        v.logSnrT.push_back(s.logSnr(k.t));
        v.kl.push_back(k.kl);
        v.klSe.push_back(k.klSe);
    }
    v.prior = b.prior;
    v.reconstruction = b.reconstruction;
    v.decoderStd = b.decoderStd;
    v.total = b.total;
    v.totalSe = b.totalSe;
    v.bitsPerDim = b.bitsPerDim();
    v.hasExact = b.hasExact;
    v.exactNll = b.exactNll;
    v.gapSe = b.gapSe;
    if (ref.steps > 0) {
        v.reference = e.reference()->name();
        for (const ChainElboStep& k : ref.terms) v.referenceKl.push_back(k.kl);
        v.referenceEnds = ref.prior + ref.reconstruction;
        v.referenceTotal = ref.total;
        v.referenceBitsPerDim = ref.bitsPerDim();
    }
    return v;
}

} // namespace

ViewInfo elbo() {
    return {"elbo",
            "the chain's variational bound: the KL of each of the T steps, the prior and the "
            "reconstruction, in nats and bits/dim, against the exact -log p_0 (images: bits/dim "
            "of the 8-bit pixels, with a discretised decoder)",
            ViewData::Both,
            ViewClock::SweepsT,
            [](const SceneEngine& e, ViewAt at) { return ViewSnapshot("elbo", build(e, at.t)); },
            [](const SceneEngine& e, ViewAt) { return chainElboTable(elboOf(e)); },
            "step,s,t,nats,se,cumulative: row 0 reconstruction, 1..T the steps, T+1 prior"};
}

} // namespace dfs::views

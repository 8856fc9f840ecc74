// Training pieces against closed forms and properties: target conversions and their implied
// weights (diffusion-math.md 2.2-2.3), AdamW's update and schedule, trainer determinism and
// divergence handling, schedule-independence of the learned denoiser, and guidance.
#include "core/backend/backend.hpp"
#include "core/datasets/dataset_registry.hpp"
#include "core/denoisers/denoiser_factory.hpp"
#include "core/denoisers/guided_denoiser.hpp"
#include "core/denoisers/learned_denoiser.hpp"
#include "core/errors.hpp"
#include "core/nn/adam.hpp"
#include "core/samplers/sampler_run.hpp"
#include "core/training/trainer.hpp"

#include <catch2/catch.hpp>

#include <cmath>

using namespace dfs;

namespace {

const Prediction kTargets[] = {Prediction::Eps,   Prediction::X0,       Prediction::V,
                               Prediction::Score, Prediction::Velocity, Prediction::Edm};

TrainConfig smallConfig(long steps) {
    TrainConfig c;
    c.model.width = 32;
    c.model.depth = 2;
    c.batch = 300; // not a multiple of the micro-batch: exercises the remainder
    c.adam.totalSteps = steps;
    return c;
}

} // namespace

TEST_CASE("EDM preconditioning matches Karras et al. Table 1 in sigma~ units", "[training]") {
    const auto s = makeSchedule("vp-linear");
    const NoiseLevel l = s->at(0.4);
    const double sd = 0.5, st = l.sigma / l.alpha;
    CHECK(edmOut(l, sd) == Approx(st * sd / std::sqrt(st * st + sd * sd)));
    CHECK(edmSkip(l, sd) * l.alpha == Approx(sd * sd / (st * st + sd * sd))); // c_skip x~
    CHECK(inputScale(l, sd) * l.alpha == Approx(1 / std::sqrt(st * st + sd * sd)));
    CHECK(noiseConditioning(l) == Approx(std::log(st) / 4));
}

TEST_CASE("AdamW takes the textbook first step and the schedule warms up then decays",
          "[training]") {
    AdamConfig c;
    c.lr = 0.1;
    c.warmup = 0;
    c.totalSteps = 100;
    c.minLrFactor = 0.1;
    FloatBuffer p = {1.0f, -2.0f}, g = {0.5f, -4.0f};
    AdamW adam(2);
    adam.step(p, g, 0.1, c);
    // First step: m_hat = g, v_hat = g^2, update = lr g / (|g| + eps) = lr sign(g).
    CHECK(p[0] == Approx(0.9).epsilon(1e-6));
    CHECK(p[1] == Approx(-1.9).epsilon(1e-6));
    CHECK(learningRate(c, 0) == Approx(0.1));
    CHECK(learningRate(c, 50) == Approx(0.1 * (0.1 + 0.9 * 0.5)));
    CHECK(learningRate(c, 100) == Approx(0.01));
    CHECK(learningRate(c, 5000) == Approx(0.01));
    c.warmup = 9;
    CHECK(learningRate(c, 0) == Approx(0.01));
    CHECK(learningRate(c, 4) == Approx(0.05));
}

TEST_CASE("training is deterministic and independent of the thread count", "[training]") {
    const PointSet data = makeDataset("moons", {1000, -1, 0});
    auto weights = [&](int threads, std::uint64_t seed) {
        TrainConfig c = smallConfig(30);
        c.threads = threads;
        c.seed = seed;
        Trainer t(data, c);
        REQUIRE_FALSE(t.train(30).diverged);
        return t.snapshot()->net.params();
    };
    const FloatBuffer a = weights(1, 4);
    CHECK(weights(2, 4) == a);
    CHECK(weights(1, 4) == a);
    CHECK(weights(1, 5) != a);
}

TEST_CASE("a diverging run stops, says so and keeps the last good weights", "[training]") {
    const PointSet data = makeDataset("gmm8", {500, -1, 0});
    TrainConfig c = smallConfig(400);
    c.model.target = Prediction::Score; // targets up to 1/sigma: easy to blow up
    c.adam.lr = 1000.0;                 // absurd on purpose
    c.adam.warmup = 0;
    c.gradClip = 0;
    c.emaDecay = 0;
    Trainer t(data, c);
    const TrainProgress p = t.train(400);
    REQUIRE(p.diverged);
    CHECK(p.message.find("diverged") != std::string::npos);
    CHECK(t.step() == p.steps);
    const auto kept = t.snapshot(false); // hold it: a range-for over a temporary's member dangles
    for (float w : kept->net.params()) REQUIRE(std::isfinite(w));
    CHECK(t.train(5).diverged); // stays stopped
}

TEST_CASE("bad training settings and data are refused with the setting named", "[training]") {
    const PointSet data = makeDataset("moons", {100, -1, 0});
    auto refuses = [&](TrainConfig c, const std::string& flag) {
        try {
            Trainer t(data, c);
            FAIL("accepted a bad " << flag);
        } catch (const UsageError& e) {
            CHECK(std::string(e.what()).find(flag) != std::string::npos);
        }
    };
    TrainConfig c = smallConfig(10);
    c.adam.lr = 0;
    refuses(c, "--lr");
    c = smallConfig(10);
    c.adam.lr = -1;
    refuses(c, "--lr");
    c = smallConfig(10);
    c.batch = 0;
    refuses(c, "--batch");
    c = smallConfig(10);
    c.model.width = 0;
    refuses(c, "--width");
    PointSet bad = data;
    bad.points(7, 1) = NAN;
    CHECK_THROWS_AS(Trainer(bad, smallConfig(10)), DataError);
}

TEST_CASE("a learned denoiser gives the same x0 on every schedule at equal sigma~", "[training]") {
    const PointSet data = makeDataset("moons", {500, -1, 0});
    Trainer t(data, smallConfig(20));
    t.train(20);
    const LearnedDenoiser d(t.snapshot());
    const auto cosine = makeSchedule("cosine"), vp = makeSchedule("vp-linear"),
               ve = makeSchedule("ve");
    Matrix xv(3, 2);
    xv << 0.3, -0.2, 1.1, 0.5, -0.7, 0.9;
    for (double sigmaTilde : {0.05, 0.5, 3.0}) {
        const double lambda = -2 * std::log(sigmaTilde);
        const NoiseLevel lc = cosine->at(cosine->tFromLogSnr(lambda));
        const NoiseLevel lv = vp->at(vp->tFromLogSnr(lambda));
        const NoiseLevel le = ve->at(ve->tFromLogSnr(lambda));
        Matrix a(3, 2), b(3, 2), e(3, 2);
        d.denoiseRows(xv * lc.alpha, lc, a, 0, 3);
        d.denoiseRows(xv * lv.alpha, lv, b, 0, 3);
        d.denoiseRows(xv * le.alpha, le, e, 0, 3);
        CHECK((a - b).cwiseAbs().maxCoeff() < 1e-4);
        CHECK((a - e).cwiseAbs().maxCoeff() < 1e-4);
    }
}

TEST_CASE("classifier-free guidance interpolates and extrapolates the exact GMM denoisers",
          "[training]") {
    const PointSet data = makeDataset("gmm8", {800, -1, 0});
    const auto cond = makeDenoiser("exact", data, {3, 1.0});
    const auto uncond = makeDenoiser("exact", data);
    const auto g0 = makeDenoiser("exact", data, {3, 0.0});
    const auto g3 = makeDenoiser("exact", data, {3, 3.0});
    const auto s = makeSchedule("vp-linear");
    const NoiseLevel l = s->at(0.5);
    Matrix x(4, 2);
    x << 0.1, 0.2, -1, 0.4, 1.5, 0, 0.3, -1.2;
    Matrix dc(4, 2), du(4, 2), d0(4, 2), d3(4, 2);
    cond->denoiseRows(x, l, dc, 0, 4);
    uncond->denoiseRows(x, l, du, 0, 4);
    g0->denoiseRows(x, l, d0, 0, 4);
    g3->denoiseRows(x, l, d3, 0, 4);
    CHECK((d0 - du).cwiseAbs().maxCoeff() < 1e-12);
    CHECK((d3 - (du + 3.0 * (dc - du))).cwiseAbs().maxCoeff() < 1e-12);
    // The conditional denoiser is component 3's Gaussian posterior mean (closed form).
    const auto& g = *data.gmm;
    const double a = l.alpha, sg = l.sigma, c2 = g.covs[3](0, 0);
    const Vector mu = g.means[3];
    for (int r = 0; r < 4; ++r) {
        const Vector expect =
            mu + a * c2 / (a * a * c2 + sg * sg) * (x.row(r).transpose() - a * mu);
        CHECK((dc.row(r).transpose() - expect).cwiseAbs().maxCoeff() < 1e-10);
    }
    CHECK_THROWS_AS(makeDenoiser("exact", data, {-1, 2.0}), UsageError); // guidance needs a class
    CHECK_THROWS_AS(makeDenoiser("exact", data, {8, 1.0}), UsageError);  // gmm8 has classes 0..7
}

TEST_CASE("every target head drives every sampler on every schedule", "[training]") {
    const PointSet data = makeDataset("gmm8", {400, -1, 0});
    auto backend = makeBackend("cpu", 1);
    for (Prediction tt : kTargets) {
        TrainConfig c = smallConfig(15);
        c.model.target = tt;
        c.weighting = tt == Prediction::Score ? LossWeighting::MinSnr : LossWeighting::Target;
        c.timeSampling = tt == Prediction::V ? TimeSampling::LogitNormal : TimeSampling::LogNormal;
        Trainer t(data, c);
        REQUIRE_FALSE(t.train(15).diverged);
        const LearnedDenoiser d(t.snapshot());
        for (const auto& [name, text] : listSchedules()) {
            const auto s = makeSchedule(name);
            for (const SamplerInfo& info : samplerRegistry()) {
                INFO(predictionName(tt) << " / " << name << " / " << info.name);
                SamplerRunConfig rc;
                rc.sampler = &info;
                rc.grid = makeTimeGrid(*s, info.defaultGrid, 4);
                rc.options.langevinSteps = 2;
                SamplerRun run(*s, d, *backend, rc,
                               SamplerRun::priorSample(*s, rc.grid.front(), 20, 2, 1));
                while (!run.done()) run.step();
                CHECK(run.current().x.allFinite());
            }
        }
    }
}

TEST_CASE("a learned denoiser's affine form gives its denoiser exactly", "[training]") {
    // The form a device backend evaluates (learned_denoiser.hpp, affine()): the network on the
    // column [cin x*, features], then D = mean + scale (a x* + b F), for every target.
    const PointSet data = makeDataset("gmm8", {300, -1, 0});
    for (Prediction tt : kTargets) {
        TrainConfig c = smallConfig(5);
        c.model.target = tt;
        c.conditional = true;
        Trainer t(data, c);
        t.train(5);
        const auto model = t.snapshot();
        const LearnedDenoiser d(model, 3);
        const ModelSpec& spec = model->spec;
        Matrix x(4, 2);
        x << 1.5, 0.0, -1.06, 1.06, 0.1, -1.4, 3.0, 2.0;
        for (const char* schedule : {"vp-linear", "ve", "rf"}) {
            const auto s = makeSchedule(schedule);
            for (double time : {0.05, 0.5, 0.95}) {
                INFO(predictionName(tt) << " / " << schedule << " / t " << time);
                const NoiseLevel l = s->at(time);
                Matrix expected(4, 2);
                d.denoiseRows(x, l, expected, 0, 4);
                const LearnedDenoiser::Affine f = d.affine(l);
                for (Index r = 0; r < 4; ++r) {
                    std::vector<float> column(std::size_t(spec.inputDim())), out(2);
                    double xs[2];
                    for (int k = 0; k < 2; ++k) {
                        xs[k] =
                            f.ratio * (x(r, k) - l.alpha * spec.mean[std::size_t(k)]) / spec.scale;
                        column[std::size_t(k)] = float(f.cin * xs[k]);
                    }
                    std::copy(f.features.begin(), f.features.end(), column.begin() + 2);
                    NetworkWorkspace ws;
                    model->net.forward(column.data(), 1, out.data(), ws);
                    for (int k = 0; k < 2; ++k)
                        CHECK(spec.mean[std::size_t(k)] +
                                  spec.scale * (f.a * xs[k] + f.b * out[std::size_t(k)]) ==
                              Approx(expected(r, k)).margin(1e-9));
                }
            }
        }
    }
}

TEST_CASE("a learned denoiser stays on the data scale below its trained noise floor and at "
          "alpha = 0",
          "[training]") {
    const PointSet data = makeDataset("gmm8", {500, -1, 0});
    for (const char* trainedOn : {"cosine", "vp-linear"}) {
        TrainConfig c = smallConfig(30);
        c.model.schedule = trainedOn;
        Trainer t(data, c);
        t.train(30);
        const LearnedDenoiser d(t.snapshot());
        Matrix x(3, 2);
        x << 1.5, 0.0, -1.06, 1.06, 0.1, -1.4;
        // EDM at sigma~ = 1e-4, far below the cosine floor (sigma~ ~ 0.006): D(x) ~ x, since
        // c_skip -> 1 and c_out -> sigma~ at the floor where the model is evaluated.
        const auto edm = makeSchedule("edm");
        const NoiseLevel tiny = edm->at(edm->tFromLogSnr(-2 * std::log(1e-4)));
        Matrix out(3, 2);
        d.denoiseRows(x, tiny, out, 0, 3);
        INFO("trained on " << trainedOn);
        CHECK((out - x).cwiseAbs().maxCoeff() < 0.05);
        // rf at t = 1 (alpha = 0): finite, near the data mean (the origin for gmm8).
        const NoiseLevel top = makeSchedule("rf")->at(1.0);
        d.denoiseRows(x, top, out, 0, 3);
        REQUIRE(out.allFinite());
        CHECK(out.cwiseAbs().maxCoeff() < 1.0);
    }
}

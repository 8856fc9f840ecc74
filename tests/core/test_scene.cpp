// Scenes: the JSON format (round trip, errors naming the key) and the scene engine (frames
// forward and back, branches, and view data checked against the core's closed forms).
#include "core/backend/cpu_backend.hpp"
#include "core/datasets/dataset_registry.hpp"
#include "core/denoisers/denoiser_factory.hpp"
#include "core/field.hpp"
#include "core/scene/scene_engine.hpp"
#include "core/scene/scene_fit.hpp"
#include "core/scene/scene_io.hpp"
#include "core/scene/view_registry.hpp"
#include "test_support.hpp"

#include <fmt/format.h>

#include <cmath>
#include <numeric>

using namespace dfs;
using dfs::test::contains;
using dfs::test::errorOf;

namespace {

Scene smallScene() {
    Scene s;
    s.data.dataset = "gmm8";
    s.data.n = 500;
    s.sampler.sampler = "heun";
    s.sampler.steps = 10;
    s.sampler.particles = 300;
    return s;
}

double sum(const std::vector<float>& v) {
    return std::accumulate(v.begin(), v.end(), 0.0);
}

} // namespace

TEST_CASE("a scene survives a JSON round trip, edited points included") {
    Scene s = smallScene();
    s.data.points = Matrix(3, 2);
    *s.data.points << 0.5, -1, 2, 3.25, -0.125, 7;
    s.data.labels = {0, 1, 0};
    s.model.schedule = "edm";
    s.sampler.options.eta = 0.3;
    s.sampler.seed = 18446744073709551615ull;
    s.view.panes = {"density", "field", "chain", "density"};
    s.view.t = 0.25;
    const Scene r = sceneFromJson(sceneToJson(s), "mem");
    CHECK(sceneToJson(r) == sceneToJson(s));
    REQUIRE(r.data.points);
    CHECK(*r.data.points == *s.data.points);
    CHECK(r.sampler.seed == s.sampler.seed);
    CHECK(r.view.panes[0] == "density");
    CHECK(!r.view.target);
    CHECK(r.model.denoiserBelow.empty());
}

TEST_CASE("the BPTT target and an untied split survive a JSON round trip; bad ones are refused") {
    Scene s = smallScene();
    s.view.target = std::array<double, 2>{1.25, -0.5};
    s.model.denoiserBelow = "ideal";
    s.model.sigmaSplit = 0.75;
    Scene r = sceneFromJson(sceneToJson(s), "mem");
    REQUIRE(r.view.target);
    CHECK((*r.view.target)[0] == 1.25);
    CHECK((*r.view.target)[1] == -0.5);
    CHECK(r.model.denoiserBelow == "ideal");
    CHECK(r.model.sigmaSplit == 0.75);
    s.model.sigmaSplit = std::numeric_limits<double>::infinity(); // JSON has none: "inf"
    r = sceneFromJson(sceneToJson(s), "mem");
    CHECK(std::isinf(r.model.sigmaSplit));
    const std::string good = sceneToJson(s);
    auto broken = [&](const std::string& from, const std::string& to) {
        std::string text = good;
        const auto at = text.find(from);
        REQUIRE(at != std::string::npos);
        text.replace(at, from.size(), to);
        return errorOf<DataError>([&] { sceneFromJson(text, "s.json"); });
    };
    CHECK(contains(broken("\"target\": [", "\"target\": [3, "), "view.target must be two"));
    CHECK(contains(broken("\"sigmaSplit\": \"inf\"", "\"sigmaSplit\": -1"),
                   "model.sigmaSplit must be >= 0"));
    CHECK(contains(broken("\"sigmaSplit\": \"inf\"", "\"sigmaSplit\": \"x\""),
                   "model.sigmaSplit must be a number"));
}

TEST_CASE("bad scene files are refused with the key named") {
    const std::string good = sceneToJson(smallScene());
    auto broken = [&](const std::string& from, const std::string& to) {
        std::string text = good;
        const auto at = text.find(from);
        REQUIRE(at != std::string::npos);
        text.replace(at, from.size(), to);
        return errorOf<DataError>([&] { sceneFromJson(text, "s.json"); });
    };
    CHECK(contains(broken("\"steps\": 10", "\"steps\": \"ten\""),
                   "sampler.steps must be a whole number"));
    CHECK(contains(broken("\"steps\": 10", "\"steps\": 0"), "sampler.steps"));
    CHECK(contains(broken("\"steps\": 10", "\"steps\": 99999999999"), "sampler.steps"));
    CHECK(contains(broken("\"t\": 0.15", "\"t\": 2"), "view.t must be in [0, 1]"));
    CHECK(contains(broken("\"version\": 1", "\"version\": 9"), "version 9 is not supported"));
    CHECK(contains(broken("\"chain\"", "\"nope\""), "view.panes"));
    CHECK(contains(broken("\"seed\": 0", "\"seed\": -1"), "data.seed"));
    CHECK(contains(errorOf<DataError>([] { sceneFromJson("{\"format\": 3", "s.json"); }),
                   "s.json: not valid JSON"));
    CHECK(contains(errorOf<DataError>([] { sceneFromJson("[1, 2]", "s.json"); }),
                   "not a Diffuscope scene"));
    CHECK(contains(errorOf<DataError>([] { loadScene("/nonexistent/s.json"); }), "cannot open"));
}

TEST_CASE("the engine records frames, steps back, and branches without losing the past") {
    CpuBackend backend(1);
    SceneEngine e(smallScene(), backend);
    CHECK(e.recordedFrames() == 1);
    CHECK(e.totalFrames() == 11);
    for (int k = 0; k < 4; ++k) REQUIRE(e.stepForward());
    const Matrix x4 = e.frame(4)->x;
    const long nfe4 = e.frame(4)->nfe, nfe2 = e.frame(2)->nfe;
    SceneSampler other = e.scene().sampler;
    other.sampler = "euler";
    other.steps = 20;
    e.branch(2, other);
    CHECK(e.recordedFrames() == 3);
    CHECK(e.frame(2)->i == 2);
    CHECK(e.frame(2)->nfe == nfe2);
    e.runToEnd();
    CHECK(e.done());
    CHECK(e.frame(e.recordedFrames() - 1)->t == 0.0);
    CHECK(e.grid().size() == std::size_t(e.totalFrames()));
    // NFE keeps counting from the branch point: Euler adds one per step.
    CHECK(e.frame(e.recordedFrames() - 1)->nfe == e.frame(2)->nfe + (e.totalFrames() - 3));
    CHECK(nfe4 > 0);
    CHECK_FALSE(e.frame(3)->x.isApprox(x4)); // the branch replaced the old frames after 2
    CHECK(contains(errorOf<UsageError>([&] { e.frame(999); }), "frame 999 is not recorded"));
    // A bad branch leaves the run as it was.
    other.steps = 0;
    const int before = e.recordedFrames();
    CHECK_THROWS_AS(e.branch(1, other), UsageError);
    CHECK(e.recordedFrames() == before);
}

TEST_CASE("chain view: x_t = alpha x0 + sigma eps, and at t = 0 the data itself") {
    CpuBackend backend(1);
    SceneEngine e(smallScene(), backend);
    const ChainView at0 = e.chainView(0.0);
    const Matrix& data = e.data().points;
    REQUIRE(at0.xy.size() == std::size_t(2 * data.rows()));
    for (Index r = 0; r < data.rows(); r += 50) {
        CHECK(at0.xy[std::size_t(2 * r)] == Approx(data(r, 0)).margin(1e-6));
        CHECK(at0.xy[std::size_t(2 * r + 1)] == Approx(data(r, 1)).margin(1e-6));
    }
    const ChainView at1 = e.chainView(1.0);
    // At t = 1 on vp-linear the points are nearly standard normal: variance close to 1.
    double m2 = 0;
    for (float v : at1.xy) m2 += double(v) * v;
    CHECK(m2 / double(at1.xy.size()) == Approx(1.0).margin(0.15));
    CHECK(at1.strip.size() == 6);
    CHECK(contains(at1.density.label, "log p_t"));
}

TEST_CASE(
    "field view matches the core field evaluation, and the density histogram integrates to 1") {
    CpuBackend backend(1);
    Scene s = smallScene();
    s.view.fieldGrid = 8;
    SceneEngine e(s, backend);
    const FieldView f = e.fieldView(0.4);
    REQUIRE(f.pos.size() == 2 * 64);
    Matrix at(64, 2);
    for (Index r = 0; r < 64; ++r)
        at(r, 0) = f.pos[std::size_t(2 * r)], at(r, 1) = f.pos[std::size_t(2 * r + 1)];
    const Matrix want =
        evaluateField(backend, e.denoiser(), e.schedule().at(0.4), Prediction::Score, at);
    for (Index r = 0; r < 64; ++r) {
        CHECK(f.vec[std::size_t(2 * r)] == Approx(want(r, 0)).epsilon(1e-5).margin(1e-5));
        CHECK(f.vec[std::size_t(2 * r + 1)] == Approx(want(r, 1)).epsilon(1e-5).margin(1e-5));
    }
    e.runToEnd();
    const DensityView d = e.densityView(e.recordedFrames() - 1);
    const double cell = (d.samples.x1 - d.samples.x0) * (d.samples.y1 - d.samples.y0) /
                        (d.samples.nx * d.samples.ny);
    CHECK(sum(d.samples.values) * cell == Approx(1.0).margin(0.01));   // all samples inside +-3
    CHECK(sum(d.reference.values) * cell == Approx(1.0).margin(0.02)); // exact p_0 mass inside
    CHECK(d.energyDistance >= 0);
    CHECK(d.energyDistance < 0.05); // heun on the exact gmm8 denoiser samples the data
}

TEST_CASE("density view: mid-run samples are compared with p_t at the frame's time") {
    CpuBackend backend(1);
    Scene s = smallScene();
    s.sampler.particles = 4000;
    SceneEngine e(s, backend);
    e.runToEnd();
    const int mid = e.totalFrames() / 2;
    const double t = e.grid()[std::size_t(mid)];
    REQUIRE(t > 0.05);
    const DensityView d = e.densityView(mid);
    CHECK(d.referenceLabel == fmt::format("exact p_t at t = {:.3g}", t));
    // The reference is the exact p_t: its cells are exp(log p_t) at their centres.
    const double cellW = (d.reference.x1 - d.reference.x0) / d.reference.nx;
    const double cellH = (d.reference.y1 - d.reference.y0) / d.reference.ny;
    Matrix centre(1, 2);
    centre << d.reference.x0 + 0.5 * cellW, d.reference.y0 + 0.5 * cellH;
    Vector lp;
    backend.logDensity(e.denoiser(), centre, e.schedule().at(t), lp); // the exact gmm8 denoiser
    CHECK(d.reference.values[0] == Approx(std::exp(lp[0])).epsilon(1e-5));
    // Samples and p_t agree (same law at the same time); p_0 would not at this noise level.
    CHECK(d.energyDistance < 0.02);
    const DensityView end = e.densityView(e.totalFrames() - 1);
    CHECK(end.referenceLabel == "exact density p_0");
    // The ideal denoiser's data (no mixture): the data noised to t.
    Scene m = smallScene();
    m.data.dataset = "moons";
    m.model.denoiser = "ideal";
    SceneEngine em(m, backend);
    em.recordFrames(3);
    CHECK(em.densityView(2).referenceLabel.rfind("data noised to t = ", 0) == 0);
}

TEST_CASE("particle info: score = -eps_hat / sigma; ideal posterior weights sum to 1") {
    CpuBackend backend(1);
    Scene s = smallScene();
    s.model.denoiser = "ideal";
    SceneEngine e(s, backend);
    e.stepForward();
    const ParticleInfo p = e.particleInfo(1, 7);
    REQUIRE(p.sigma > 0);
    CHECK(p.score[0] == Approx(-p.epsHat[0] / p.sigma));
    REQUIRE(p.weights.size() == std::size_t(e.data().size()));
    CHECK(sum(p.weights) == Approx(1.0).epsilon(1e-4));
    CHECK(p.effectiveCount >= 1.0);
    // x0_hat is the weighted mean of the data.
    double mx = 0;
    for (std::size_t i = 0; i < p.weights.size(); ++i)
        mx += p.weights[i] * e.data().points(Index(i), 0);
    CHECK(p.x0Hat[0] == Approx(mx).margin(1e-4));
    CHECK_THROWS_AS(e.particleInfo(1, 300), UsageError);
}

TEST_CASE("a run replays on another backend with its branches and dropped particle") {
    CpuBackend one(1), two(2);
    SceneEngine e(smallScene(), one);
    for (int k = 0; k < 3; ++k) e.stepForward();
    SceneSampler other = e.scene().sampler;
    other.sampler = "em";
    other.steps = 4;
    e.branch(2, other);
    e.runToEnd();
    e.dropParticle(3, 0.5, 0.5);
    const auto r = e.replayOn(two, e.recordedFrames());
    REQUIRE(r->recordedFrames() == e.recordedFrames());
    for (int f = 0; f < e.recordedFrames(); ++f) CHECK(r->frame(f)->x == e.frame(f)->x);
    const int last = e.recordedFrames() - 1;
    CHECK(r->trajectoryView(last).highlightPath == e.trajectoryView(last).highlightPath);
    // A branch forgets the dropped particle: its path followed the old grid.
    e.branch(1, other);
    e.runToEnd();
    CHECK(e.trajectoryView(e.recordedFrames() - 1).highlight >= 0);
}

TEST_CASE("a dropped particle is followed to t = 0 and highlighted") {
    CpuBackend backend(1);
    SceneEngine e(smallScene(), backend);
    e.stepForward();
    e.dropParticle(1, 0.3, -0.2);
    e.runToEnd();
    const TrajectoryView v = e.trajectoryView(e.recordedFrames() - 1);
    CHECK(v.highlight == -2);
    REQUIRE(v.highlightPath.size() == std::size_t(2 * (e.recordedFrames() - 1)));
    CHECK(v.highlightPath[0] == Approx(0.3));
    // It ends on (near) one of the eight gmm8 modes at radius 2... of the normalised data.
    const double rEnd =
        std::hypot(v.highlightPath[v.highlightPath.size() - 2], v.highlightPath.back());
    const double rMode = e.data().gmm->means[0].norm();
    CHECK(rEnd == Approx(rMode).margin(0.35));
}

TEST_CASE("the companion path is the other sampler family from the same noise") {
    CpuBackend backend(1);
    Scene s = smallScene();
    s.view.highlight = 3;
    SceneEngine ode(s, backend);
    ode.runToEnd();
    const TrajectoryView a = ode.trajectoryView(ode.recordedFrames() - 1);
    CHECK(a.companion == "em");
    REQUIRE(a.companionPath.size() == a.highlightPath.size());
    CHECK(a.companionPath[0] == a.highlightPath[0]); // the same x_T
    CHECK(a.companionPath.back() != a.highlightPath.back());
    // Run as its own scene, em gives exactly the companion path of particle 3.
    s.sampler.sampler = "em";
    s.sampler.spacing = "karras"; // the companion runs on the run's (heun's) grid
    SceneEngine sde(s, backend);
    sde.runToEnd();
    const TrajectoryView b = sde.trajectoryView(sde.recordedFrames() - 1);
    CHECK(b.companion == "heun");
    REQUIRE(b.highlightPath.size() == a.companionPath.size());
    for (std::size_t i = 0; i < b.highlightPath.size(); ++i)
        CHECK(b.highlightPath[i] == Approx(a.companionPath[i]).margin(1e-6));
}

TEST_CASE("a scene with bad settings does not build") {
    CpuBackend backend(1);
    Scene s = smallScene();
    s.model.denoiser = "exact";
    s.data.dataset = "moons"; // no mixture parameters
    CHECK_THROWS_AS(SceneEngine(s, backend), UsageError);
    s = smallScene();
    s.sampler.particles = 0;
    CHECK(contains(errorOf<UsageError>([&] { SceneEngine(s, backend); }), "sampler.particles"));
}

TEST_CASE("image scenes: views of images, and 2-D views refused", "[images]") {
    CpuBackend backend(1);
    Scene s;
    s.data.dataset = "shapes";
    s.data.n = 300;
    s.data.resolution = 8;
    s.model.denoiser = "ideal";
    s.sampler.steps = 6;
    s.sampler.particles = 5;
    SceneEngine e(s, backend);
    REQUIRE(e.isImage());
    CHECK(e.scene().view.panes[0] == "filmstrip"); // panes follow the data
    CHECK(contains(errorOf<UsageError>([&] { e.chainView(0.3); }),
                   "the chain view shows 2-D points"));
    // Film strip: the t = 0 column is the data itself.
    const ImageGridView strip = e.filmstripView(0.5);
    REQUIRE(strip.tiles.size() == 4u * 9u);
    for (int k = 0; k < 64; ++k)
        CHECK(strip.tiles[0].pixels[std::size_t(k)] == Approx(e.data().points(0, k)).margin(1e-6));
    // Samples: x_t and x0_hat of the recorded frames.
    e.runToEnd();
    const ImageGridView grid = e.samplesView(6);
    REQUIRE(grid.tiles.size() == 4u * 10u);
    CHECK(grid.tiles[8].pixels[3] ==
          Approx(std::clamp(e.frame(6)->x(0, 3), -1.0, 1.0)).margin(1e-6));
    CHECK(grid.tiles[9].pixels[3] ==
          Approx(std::clamp(e.frame(6)->x0Hat(0, 3), -1.0, 1.0)).margin(1e-6));
    // Posterior: at frame 3 the weights are sorted and the mean is x0_hat.
    const ImageGridView post = e.posteriorView(3);
    REQUIRE(post.tiles.size() == 10u);
    double prev = 2;
    for (std::size_t i = 2; i < post.tiles.size(); ++i) {
        const double w = std::stod(post.tiles[i].caption.substr(2));
        CHECK(w <= prev);
        prev = w;
    }
    // Spectrum: the data curve is the RAPSD, and x_t / alpha sits above it by about sigma~^2.
    const SpectrumView sp = makeSnapshot(e, "spectrum", 0, 0.3).as<SpectrumView>();
    REQUIRE(sp.frequency.size() == 4u);
    const NoiseLevel l = e.schedule().at(0.3);
    CHECK(sp.noise == Approx(l.sigma * l.sigma / (l.alpha * l.alpha)));
    for (std::size_t i = 0; i < sp.frequency.size(); ++i)
        CHECK(sp.xt[i] == Approx(sp.data[i] + sp.noise).epsilon(0.2));
    CHECK_THROWS_AS(e.dropParticle(2, 0, 0), UsageError);
}

TEST_CASE("8x8 image scenes add the DCT coefficients' SNR and reveal times", "[images]") {
    CpuBackend backend(1);
    Scene s;
    s.data.dataset = "shapes";
    s.data.n = 400;
    s.data.resolution = 8;
    s.model.denoiser = "ideal";
    s.sampler.particles = 2;
    s.sampler.steps = 2;
    SceneEngine e(s, backend);
    const SpectrumView a = makeSnapshot(e, "spectrum", 0, 0.2).as<SpectrumView>(),
                       b = makeSnapshot(e, "spectrum", 0, 0.6).as<SpectrumView>();
    REQUIRE(a.dctLogSnr.size() == 64u);
    REQUIRE(a.dctReveal == b.dctReveal); // reveal times do not depend on t
    for (std::size_t k = 0; k < 64; ++k) {
        CHECK(a.dctLogSnr[k] > b.dctLogSnr[k]); // SNR falls with t
        // SNR > 1 exactly before the coefficient's reveal time.
        if (std::abs(a.dctReveal[k] - 0.2) > 1e-3)
            CHECK((a.dctLogSnr[k] > 0) == (a.dctReveal[k] > 0.2));
    }
    s.data.resolution = 16;
    SceneEngine e16(s, backend);
    CHECK(makeSnapshot(e16, "spectrum", 0, 0.2).as<SpectrumView>().dctLogSnr.empty());
}

TEST_CASE(
    "a mixture edited in the window is kept with the scene and sampled with its exact denoiser") {
    Scene s = smallScene();
    GmmParams g;
    g.weights = {0.25, 0.75};
    g.means = {Vector{{-1.0, 0.5}}, Vector{{1.5, -0.25}}};
    g.covs = {Matrix::Identity(2, 2) * 0.04, Matrix{{0.09, 0.02}, {0.02, 0.01}}};
    s.data.mixture = g;
    const Scene back = sceneFromJson(sceneToJson(s), "mem");
    REQUIRE(back.data.mixture);
    CHECK(back.data.mixture->weights == g.weights);
    CHECK(back.data.mixture->covs[1] == g.covs[1]);
    CHECK(sceneToJson(back) == sceneToJson(s));
    // The engine samples the edited mixture (not gmm8) and its exact denoiser is the mixture's.
    CpuBackend backend(1);
    SceneEngine e(back, backend);
    REQUIRE(e.data().gmm);
    CHECK(e.data().gmm->means[1] == g.means[1]);
    CHECK(e.data().points.rows() == s.data.n);
    CHECK(hasExactDenoiser(back.data));
    // A broken mixture in a scene file is refused naming the key.
    std::string text = sceneToJson(s);
    text.replace(text.find("0.75"), 4, "-0.75");
    CHECK(contains(errorOf<DataError>([&] { sceneFromJson(text, "m.json"); }),
                   "m.json: data.mixture: weights[1] must be >= 0"));
}

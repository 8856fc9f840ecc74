// The scene-fitting policy shared by the window and `diffuscope-cli demo`: which denoiser the
// data allows, and the run size on moving to image data.
#include "core/errors.hpp"
#include "core/model/checkpoint.hpp"
#include "core/model/model.hpp"
#include "core/scene/scene_fit.hpp"

#include <catch2/catch.hpp>

#include <filesystem>

using namespace dfs;

namespace {

Scene sceneOn(const std::string& dataset, const std::string& denoiser) {
    Scene s;
    s.data.dataset = dataset;
    s.model.denoiser = denoiser;
    s.sampler.particles = 2000;
    s.sampler.steps = 50;
    return s;
}

} // namespace

TEST_CASE("the exact denoiser is the default exactly on built-in mixtures with their own points") {
    SceneData d;
    for (const char* gmm : {"gmm8", "gmm25"}) {
        d.dataset = gmm;
        CHECK(hasExactDenoiser(d));
        CHECK(defaultDenoiser(d) == "exact");
    }
    for (const char* other : {"moons", "checkerboard", "shapes", "points.csv"}) {
        d.dataset = other;
        CHECK_FALSE(hasExactDenoiser(d));
        CHECK(defaultDenoiser(d) == "ideal");
    }
    d.dataset = "gmm8";
    d.points = Matrix::Zero(3, 2); // edited by hand: no longer the mixture
    CHECK_FALSE(hasExactDenoiser(d));
    CHECK(defaultDenoiser(d) == "ideal");
}

TEST_CASE("fitting a scene turns exact into ideal where the data has no exact denoiser") {
    const Scene before = sceneOn("gmm8", "exact");
    SceneFit fit = fitSceneToData(sceneOn("moons", "exact"), before);
    CHECK(fit.exactToIdeal);
    CHECK(fit.scene.model.denoiser == "ideal");

    fit = fitSceneToData(sceneOn("gmm25", "exact"), before);
    CHECK_FALSE(fit.exactToIdeal);
    CHECK(fit.scene.model.denoiser == "exact");

    Scene edited = sceneOn("gmm8", "exact");
    edited.data.points = Matrix::Zero(4, 2);
    fit = fitSceneToData(edited, before);
    CHECK(fit.exactToIdeal);
    CHECK(fit.scene.model.denoiser == "ideal");

    fit = fitSceneToData(sceneOn("moons", "ideal"), before); // another choice stays
    CHECK_FALSE(fit.exactToIdeal);
    CHECK(fit.scene.model.denoiser == "ideal");
}

TEST_CASE("moving to image data lowers particles and steps once; the rest of the scene stays") {
    Scene next = sceneOn("shapes", "ideal");
    next.model.schedule = "edm";
    next.view.t = 0.4;
    SceneFit fit = fitSceneToData(next, sceneOn("gmm8", "exact"));
    CHECK(fit.imageLimits);
    CHECK(fit.scene.sampler.particles == kImageSceneParticles);
    CHECK(fit.scene.sampler.steps == kImageSceneSteps);
    CHECK(fit.scene.model.schedule == "edm");
    CHECK(fit.scene.view.t == 0.4);
    CHECK(fit.scene.data.dataset == "shapes");

    // Already below the limits: kept.
    next.sampler.particles = 5;
    next.sampler.steps = 12;
    fit = fitSceneToData(next, sceneOn("moons", "ideal"));
    CHECK(fit.imageLimits);
    CHECK(fit.scene.sampler.particles == 5);
    CHECK(fit.scene.sampler.steps == 12);

    // Already on image data (the user chose more particles since): no limits.
    fit = fitSceneToData(sceneOn("shapes", "ideal"), sceneOn("shapes", "ideal"));
    CHECK_FALSE(fit.imageLimits);
    CHECK(fit.scene.sampler.particles == 2000);
    CHECK(fit.scene.sampler.steps == 50);

    // Back to 2-D data: no limits either.
    fit = fitSceneToData(sceneOn("moons", "ideal"), sceneOn("shapes", "ideal"));
    CHECK_FALSE(fit.imageLimits);
    CHECK(fit.scene.sampler.particles == 2000);
}

TEST_CASE("a learned model meets other data: swapped where it cannot take it, noted where it can") {
    const auto path = (std::filesystem::temp_directory_path() / "dfs_scene_fit_model.dsm").string();
    ModelSpec spec; // a 2-D MLP
    spec.mean = {0.0, 0.0};
    saveCheckpoint(path, Model(spec), {"gmm8", 1, 0, 0.0});
    const Scene before = sceneOn("gmm8", path);
    // Another 2-D dataset: the model stays, with a note naming what it was trained on.
    const SceneFit moons = fitSceneToData(sceneOn("moons", path), before);
    CHECK(moons.scene.model.denoiser == path);
    CHECK(moons.modelNote == "dfs_scene_fit_model.dsm was trained on gmm8, not moons: it shows "
                             "what it learned there");
    // Images (784 dimensions): the data's default denoiser instead, and why.
    const SceneFit shapes = fitSceneToData(sceneOn("shapes", path), before);
    CHECK(shapes.scene.model.denoiser == "ideal");
    CHECK(shapes.modelNote == "dfs_scene_fit_model.dsm takes 2-dimensional data and shapes has "
                              "784: using the ideal denoiser");
    // The same data again: nothing to say (no file read either).
    CHECK(fitSceneToData(before, before).modelNote.empty());
    std::filesystem::remove(path);
    CHECK_THROWS_AS(fitSceneToData(sceneOn("moons", path), before), DataError);
}

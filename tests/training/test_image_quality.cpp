// Sample quality of the image preset (issue 7): a U-Net trained with the default preset on the
// built-in shapes and on Fashion-MNIST, both 16x16, samples images that are
//   - not copies: fewer than 1% of samples lie within a quarter of the typical
//     nearest-neighbour distance of a held-out real image from a training image (the ideal
//     denoiser, which memorises, fails exactly this test: see the last case), and
//   - close to the data: a 1-nearest-neighbour classifier on the training images (checked on
//     held-out images first) gives every class a share of the samples within a stated
//     tolerance of its share of the data, and the median nearest-neighbour distance of the
//     samples stays within a small factor of the held-out images'.
// A class-conditional U-Net with guidance samples the class asked for. Fixed seeds throughout.
#include "core/backend/backend.hpp"
#include "core/datasets/dataset_registry.hpp"
#include "core/denoisers/denoiser_factory.hpp"
#include "core/denoisers/guided_denoiser.hpp"
#include "core/denoisers/learned_denoiser.hpp"
#include "core/samplers/sampler_run.hpp"
#include "core/training/presets.hpp"
#include "sample_support.hpp"

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <vector>

using namespace dfs;

namespace {

constexpr Index kTrain = 8000, kHeldOut = 1000;

struct Split {
    PointSet train;
    Matrix heldOut;
    std::vector<int> heldOutLabels;
};

/// The first kTrain images for training and the next kHeldOut as unseen real images.
Split loadSplit(const std::string& name) {
    PointSet all = loadDataset(name, {kTrain + kHeldOut, -1, 0, 16});
    REQUIRE(all.points.rows() == kTrain + kHeldOut);
    Split s;
    s.heldOut = all.points.bottomRows(kHeldOut);
    s.heldOutLabels.assign(all.labels.begin() + kTrain, all.labels.end());
    s.train = all;
    s.train.points.conservativeResize(kTrain, Eigen::NoChange);
    s.train.labels.resize(std::size_t(kTrain));
    return s;
}

std::shared_ptr<Model> trainPresetModel(const PointSet& train, bool conditional) {
    TrainConfig c = trainPreset(train.name);
    c.conditional = conditional;
    Trainer t(train, c);
    const auto start = std::chrono::steady_clock::now();
    REQUIRE_FALSE(t.train(c.adam.totalSteps).diverged);
    const double s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    WARN(train.name << (conditional ? " (conditional)" : "") << ": " << t.step()
                    << " U-Net steps of batch " << c.batch << " in " << s << " s");
    return t.snapshot();
}

/// Heun's method (Karras et al. 2022, Alg. 1) on its own grid, 18 steps (35 evaluations).
Matrix sampleHeun(const Denoiser& model, Index n, int dim, std::uint64_t seed) {
    return test::sampleWith("heun", GridSpacing::Karras, 18, model, n, dim, seed);
}

struct Nearest {
    std::vector<double> distance; ///< to the nearest training image, per query
    std::vector<int> label;       ///< that image's label
};

Nearest nearestTraining(const Matrix& queries, const PointSet& train) {
    const Eigen::VectorXd q2 = queries.rowwise().squaredNorm();
    const Eigen::RowVectorXd t2 = train.points.rowwise().squaredNorm().transpose();
    const Matrix d2 = (-2.0 * queries * train.points.transpose()).colwise() + q2;
    Nearest n;
    for (Index r = 0; r < queries.rows(); ++r) {
        Index best = 0;
        (d2.row(r) + t2).minCoeff(&best);
        n.distance.push_back(std::sqrt(std::max(0.0, d2(r, best) + t2(best))));
        n.label.push_back(train.labels[std::size_t(best)]);
    }
    return n;
}

double median(std::vector<double> v) {
    std::nth_element(v.begin(), v.begin() + long(v.size() / 2), v.end());
    return v[v.size() / 2];
}

std::vector<double> classShares(const std::vector<int>& labels, int classes) {
    std::vector<double> share(std::size_t(classes), 0.0);
    for (int l : labels) share[std::size_t(l)] += 1.0 / double(labels.size());
    return share;
}

/// The typical distance of an unseen real image from its nearest training image; checks on
/// the way that the 1-NN classifier recognises held-out images.
double heldOutDistance(const Split& s) {
    const Nearest n = nearestTraining(s.heldOut, s.train);
    int right = 0;
    for (std::size_t i = 0; i < n.label.size(); ++i) right += n.label[i] == s.heldOutLabels[i];
    const double accuracy = right / double(n.label.size());
    INFO("1-NN accuracy on held-out images " << accuracy);
    CHECK(accuracy >= 0.75);
    return median(n.distance);
}

/// The fraction of `samples` within a quarter of `typical` of a training image.
double copyFraction(const Nearest& n, double typical) {
    return double(std::count_if(n.distance.begin(), n.distance.end(),
                                [&](double d) { return d < 0.25 * typical; })) /
           double(n.distance.size());
}

void checkQuality(const std::string& name, int classes, double tolerance) {
    const Split split = loadSplit(name);
    const double typical = heldOutDistance(split);
    const LearnedDenoiser model(trainPresetModel(split.train, false));
    const Matrix samples = sampleHeun(model, 1000, 256, 5);
    const Nearest n = nearestTraining(samples, split.train);
    const double copies = copyFraction(n, typical), sampleTypical = median(n.distance);
    WARN(name << ": median NN distance of samples " << sampleTypical << ", of held-out images "
              << typical << "; copies " << copies);
    CHECK(copies < 0.01);
    CHECK(sampleTypical < 2.5 * typical);
    const auto data = classShares(split.train.labels, classes);
    const auto got = classShares(n.label, classes);
    std::string shares;
    for (int k = 0; k < classes; ++k)
        shares += fmt::format(" {:.3f}/{:.3f}", got[std::size_t(k)], data[std::size_t(k)]);
    WARN(name << ": class shares, samples/data:" << shares);
    for (int k = 0; k < classes; ++k) {
        INFO(name << ": class " << k << " has " << got[std::size_t(k)] << " of the samples, "
                  << data[std::size_t(k)] << " of the data (tolerance " << tolerance << ")");
        CHECK(std::abs(got[std::size_t(k)] - data[std::size_t(k)]) <= tolerance);
        CHECK(got[std::size_t(k)] >= 0.25 * data[std::size_t(k)]); // no class (nearly) missing
    }
}

} // namespace

TEST_CASE("the image preset samples new shapes in the data's proportions", "[image-quality]") {
    // The small U-Net's shapes come out rounder than the data's (measured: discs 0.30 of the
    // samples against 0.17 of the data, crosses 0.075 against 0.17), so the tolerance is wide;
    // with the floor in checkQuality it still fails a model that drops a class or doubles one.
    checkQuality("shapes", 6, 0.16);
}

TEST_CASE("the image preset samples new Fashion-MNIST images in the data's proportions",
          "[image-quality]") {
    if (!std::filesystem::exists("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz")) {
        WARN("dataset-fashion-mnist is not installed; skipping");
        return;
    }
    // measured: every class within 0.05 of its share (sandals, the thinnest, lowest at 0.050)
    checkQuality("fashion-mnist", 10, 0.07);
}

TEST_CASE("a class-conditional U-Net with guidance samples the class asked for",
          "[image-quality]") {
    const Split split = loadSplit("shapes");
    const auto model = trainPresetModel(split.train, true);
    const int k = 4; // crosses: thin-armed, the class the unconditional model makes least
    double previous = 0;
    for (double gamma : {1.0, 3.0}) {
        const GuidedDenoiser guided(std::make_unique<LearnedDenoiser>(model, k),
                                    std::make_unique<LearnedDenoiser>(model, -1), gamma);
        const Nearest n = nearestTraining(sampleHeun(guided, 300, 256, 7), split.train);
        const double hits = classShares(n.label, 6)[std::size_t(k)];
        WARN("guidance " << gamma << ": " << hits << " of the samples are class " << k);
        CHECK(hits >= (gamma > 1 ? 0.9 : 0.5)); // measured: 0.71 and 0.997
        CHECK(hits >= previous);                // guidance sharpens the condition
        previous = hits;
    }
}

TEST_CASE("the ideal denoiser on images copies training images", "[image-quality]") {
    // The contrast to the cases above: the exact denoiser of the finite training set returns
    // training images (its samples are copies by the same criterion).
    const Split split = loadSplit("shapes");
    const double typical = heldOutDistance(split);
    const auto ideal = makeDenoiser("ideal", split.train);
    const Nearest n = nearestTraining(sampleHeun(*ideal, 100, 256, 9), split.train);
    INFO("median NN distance of ideal samples " << median(n.distance));
    CHECK(copyFraction(n, typical) >= 0.9);
}

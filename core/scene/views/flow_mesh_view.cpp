// The flow-mesh view (diffusion-math.md 1.5, "push a regular grid through the flow and draw the
// deformed mesh; encode data to noise and decode back, showing the round-trip error"): the
// probability-flow ODE (Song et al. 2021b, eq. 13) is a bijection between noise and data, so a
// grid of lines in the noise stays a mesh of non-crossing lines at every time. Solved with Heun
// (Karras et al. 2022, Alg. 1) on the run's own grid, so its frames are the run's frames.
#include "core/datasets/point_set.hpp"
#include "core/samplers/ode_flow.hpp"
#include "core/samplers/sampler_run.hpp"
#include "core/scene/scene_engine.hpp"
#include "core/scene/view_grid.hpp"
#include "core/scene/view_registry.hpp"
#include "core/scene/views/flow_mesh_data.hpp"

#include <algorithm>
#include <cmath>

namespace dfs::views {

namespace {

constexpr int kMeshLines = 17;          ///< lines per direction
constexpr int kMeshPoints = 32;         ///< points along a line
constexpr double kMeshHalfWidth = 3;    ///< in units of the prior's std: [-3, 3]^2 of the noise
constexpr Index kRoundTripPoints = 200; ///< data points encoded and decoded

/// The mesh's points at grid[0]: horizontal lines, then vertical ones.
Matrix meshStart(double w) {
    Matrix m(2 * kMeshLines * kMeshPoints, 2);
    for (int line = 0; line < kMeshLines; ++line)
        for (int k = 0; k < kMeshPoints; ++k) {
            const double across = -w + 2 * w * line / (kMeshLines - 1);
            const double along = -w + 2 * w * k / (kMeshPoints - 1);
            m.row(line * kMeshPoints + k) << along, across;
            m.row((kMeshLines + line) * kMeshPoints + k) << across, along;
        }
    return m;
}

/// Every stride-th data point, at most kRoundTripPoints of them.
Matrix roundTripData(const PointSet& d) {
    const Index stride = strideFor(d.size(), kRoundTripPoints);
    Matrix x((d.size() + stride - 1) / stride, d.dim());
    for (Index r = 0; r < x.rows(); ++r) x.row(r) = d.points.row(r * stride);
    return x;
}

struct RoundTrip {
    Matrix x0, latent;
    std::vector<Matrix> frames; ///< the latents decoded, frame by frame
};

RoundTrip roundTrip(const SceneEngine& e, int lastFrame) {
    RoundTrip r;
    r.x0 = roundTripData(e.data());
    r.latent = odeEncode(e.schedule(), e.denoiser(), e.backend(), e.grid(), r.x0);
    r.frames =
        odeDecodeFrames(e.schedule(), e.denoiser(), e.backend(), e.grid(), r.latent, lastFrame);
    return r;
}

FlowMeshView buildFlowMesh(const SceneEngine& e, int frameIndex) {
    const double t = e.frame(frameIndex)->t; // a recorded frame, else UsageError
    const std::vector<double>& grid = e.grid();
    const int steps = int(grid.size()) - 1;
    FlowMeshView v;
    v.time = e.timeInfo(t);
    v.box.extent = extentAt(e.scene().view, e.schedule().at(t));
    v.frame = frameIndex;
    v.steps = steps;
    v.lines = kMeshLines;
    v.points = kMeshPoints;
    const NoiseLevel start = e.schedule().at(grid.front());
    v.meshHalfWidth =
        kMeshHalfWidth * std::sqrt(start.alpha * start.alpha + start.sigma * start.sigma);
    const std::vector<Matrix> mesh = odeDecodeFrames(e.schedule(), e.denoiser(), e.backend(), grid,
                                                     meshStart(v.meshHalfWidth), frameIndex);
    v.mesh = thinnedXY(mesh.back(), mesh.back().rows());
    v.data = thinnedXY(e.data().points, 2000);
    // The full round trip for the error, and its decoding up to the frame for the picture.
    const RoundTrip r = roundTrip(e, steps);
    v.carried = thinnedXY(r.frames[std::size_t(frameIndex)], r.x0.rows());
    const Vector err = (r.frames.back() - r.x0).rowwise().norm();
    v.roundTripPoints = int(err.size());
    v.roundTripMean = err.mean();
    v.roundTripMax = err.maxCoeff();
    return v;
}

/// x0,y0 (data), zx,zy (encoded at grid[0]), x1,y1 (decoded back) and error = ||x1 - x0||.
Table roundTripTable(const SceneEngine& e) {
    const RoundTrip r = roundTrip(e, int(e.grid().size()) - 1);
    const Matrix& back = r.frames.back();
    Table table{{"x0", "y0", "zx", "zy", "x1", "y1", "error"}, Matrix(r.x0.rows(), 7)};
    table.rows << r.x0, r.latent, back, (back - r.x0).rowwise().norm();
    return table;
}

} // namespace

ViewInfo flowMesh() {
    return {"flow-mesh",
            "a grid of noise carried by the probability-flow ODE (heun), and data encoded and "
            "decoded",
            ViewData::Points,
            ViewClock::FollowsRun,
            [](const SceneEngine& e, ViewAt at) {
                return ViewSnapshot("flow-mesh", buildFlowMesh(e, at.frame));
            },
            [](const SceneEngine& e, ViewAt) { return roundTripTable(e); },
            "x0,y0,zx,zy,x1,y1,error: each data point's round trip"};
}

} // namespace dfs::views

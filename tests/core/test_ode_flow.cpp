// The probability-flow ODE as a map (core/samplers/ode_flow.hpp) on a single Gaussian
// N(mu, c^2 I), whose trajectories are known in closed form (diffusion-math.md 4.3):
//   x_t = alpha_t mu + sqrt(alpha_t^2 c^2 + sigma_t^2) z,   z constant along each trajectory.
// The flow-mesh view pushes a 17 x 17 line grid through this map; the grid here is the same.
#include "core/backend/cpu_backend.hpp"
#include "core/denoisers/gmm_denoiser.hpp"
#include "core/samplers/ode_flow.hpp"
#include "core/schedules/time_grid.hpp"
#include "test_support.hpp"

#include <cmath>

using namespace dfs;
using dfs::test::contains;
using dfs::test::errorOf;

namespace {

const double kC = 0.6;

Vector mu() {
    Vector m(2);
    m << 0.5, -0.3;
    return m;
}

/// Lines over [-3, 3]^2 (17 each way, 32 points along each), as the flow-mesh view draws them.
Matrix meshPoints() {
    Matrix m(2 * 17 * 32, 2);
    for (int line = 0; line < 17; ++line)
        for (int k = 0; k < 32; ++k) {
            const double across = -3 + 6.0 * line / 16, along = -3 + 6.0 * k / 31;
            m.row(line * 32 + k) << along, across;
            m.row((17 + line) * 32 + k) << across, along;
        }
    return m;
}

/// The closed-form PF-ODE trajectory through x at level `from`, evaluated at level `to`.
Matrix exactFlow(const Matrix& x, const NoiseLevel& from, const NoiseLevel& to) {
    const Vector m = mu();
    const double sFrom = std::sqrt(from.alpha * from.alpha * kC * kC + from.sigma * from.sigma);
    const double sTo = std::sqrt(to.alpha * to.alpha * kC * kC + to.sigma * to.sigma);
    Matrix out = x;
    for (Index r = 0; r < x.rows(); ++r) {
        const Vector z = (x.row(r).transpose() - from.alpha * m) / sFrom;
        out.row(r) = (to.alpha * m + sTo * z).transpose();
    }
    return out;
}

struct Setup {
    explicit Setup(const std::string& name = "vp-linear") : schedule(makeSchedule(name)) {}
    std::unique_ptr<Schedule> schedule;
    GmmDenoiser model{test::isotropicGaussian(mu(), kC)};
    CpuBackend backend{1};
    std::vector<double> grid(int steps) const {
        return makeTimeGrid(*schedule, GridSpacing::Karras, steps);
    }
};

/// Largest distance of decoded mesh points from the closed form over every frame.
double meshError(Setup& s, int steps) {
    const std::vector<double> grid = s.grid(steps);
    const Matrix start = meshPoints();
    const std::vector<Matrix> frames =
        odeDecodeFrames(*s.schedule, s.model, s.backend, grid, start, steps);
    REQUIRE(int(frames.size()) == steps + 1);
    const NoiseLevel l0 = s.schedule->at(grid[0]);
    double worst = 0;
    for (int k = 0; k <= steps; ++k) {
        const Matrix exact = exactFlow(start, l0, s.schedule->at(grid[std::size_t(k)]));
        worst = std::max(worst, (frames[std::size_t(k)] - exact).rowwise().norm().maxCoeff());
    }
    return worst;
}

double roundTripError(Setup& s, int steps, const Matrix& x0) {
    const std::vector<double> grid = s.grid(steps);
    const Matrix z = odeEncode(*s.schedule, s.model, s.backend, grid, x0);
    const Matrix back = odeDecodeFrames(*s.schedule, s.model, s.backend, grid, z, steps).back();
    return (back - x0).rowwise().norm().maxCoeff();
}

} // namespace

TEST_CASE("the mesh pushed through the ODE of a single Gaussian follows the closed-form flow") {
    const std::string name = GENERATE(as<std::string>(), "vp-linear", "cosine", "rf");
    INFO(name);
    Setup s(name);
    // Heun is second order: the global error falls about 4x per halving of the step (4.3). Its
    // last step (to sigma = 0) is an Euler step x0 = D(x), off by about c z sigma_min^2 / (2 c^2)
    // (sigma_min = 0.002 on the Karras grid: ~1e-5), far below the bounds here.
    const double e16 = meshError(s, 16), e32 = meshError(s, 32), e64 = meshError(s, 64);
    INFO("max error over all frames: " << e16 << " (16 steps), " << e32 << " (32), " << e64
                                       << " (64)");
    CHECK(e32 < e16 / 3);
    CHECK(e64 < e32 / 3);
    // 64 steps: within 0.01 of the exact flow at every frame and everywhere on [-3, 3]^2, under 3%
    // of a mesh cell (6/16 = 0.375), i.e. below a line's width at any plot size. Measured, largest
    // at the corners (|z| = 4.2): 0.0077 (vp-linear), 0.0081 (cosine), 0.0090 (rf); with 16 steps
    // 0.15 to 0.18, with 32 steps 0.033 to 0.038.
    CHECK(e64 < 0.01);
}

TEST_CASE(
    "encoding a single Gaussian's data lands on the closed-form latent, and decoding returns") {
    const std::string name = GENERATE(as<std::string>(), "vp-linear", "cosine", "rf");
    INFO(name);
    Setup s(name);
    const Matrix x0 = exactFlow(test::normals(3, 50, 2), s.schedule->at(1.0), s.schedule->at(0.0));
    const std::vector<double> grid = s.grid(64);
    const Matrix z = odeEncode(*s.schedule, s.model, s.backend, grid, x0);
    const Matrix exact = exactFlow(x0, s.schedule->at(0.0), s.schedule->at(grid[0]));
    // Within 0.01 of the exact latent, the mesh test's bound (measured 0.0074 on vp-linear).
    CHECK((z - exact).rowwise().norm().maxCoeff() < 0.01);
    // The round trip's error falls with the steps, at least 4x per halving: both legs are second
    // order (measured 0.19, 0.021, 0.0024 with 8, 16, 32 steps on vp-linear; alike on the others).
    const double r8 = roundTripError(s, 8, x0), r16 = roundTripError(s, 16, x0),
                 r32 = roundTripError(s, 32, x0);
    INFO("round trip max error " << r8 << " (8 steps), " << r16 << " (16), " << r32 << " (32)");
    CHECK(r16 < r8 / 4);
    CHECK(r32 < r16 / 4);
    CHECK(r32 < 0.005);
}

TEST_CASE("the ODE map refuses frames off the grid and points of the wrong size") {
    Setup s;
    const std::vector<double> grid = s.grid(4);
    const Matrix x = Matrix::Zero(3, 2);
    CHECK(contains(
        errorOf<UsageError>([&] { odeDecodeFrames(*s.schedule, s.model, s.backend, grid, x, 5); }),
        "frame 5 is not on the grid (0 to 4)"));
    CHECK(contains(errorOf<UsageError>([&] {
                       odeEncode(*s.schedule, s.model, s.backend, grid, Matrix::Zero(3, 3));
                   }),
                   "points have 3 dimensions, the model 2"));
}

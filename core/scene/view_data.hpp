// What each view draws, computed by the scene engine (scene_engine.hpp) and painted by the
// renderers in app/render: plain float arrays, no Eigen or Qt, immutable once built so the GUI's
// worker thread can hand them to the UI thread as they are.
#pragma once

#include <string>
#include <vector>

namespace dfs {

/// Scalar values on a regular grid over [x0, x1] x [y0, y1]; row 0 is y0 (the bottom).
struct ScalarGrid {
    int nx = 0, ny = 0;
    double x0 = 0, x1 = 0, y0 = 0, y1 = 0;
    std::vector<float> values; ///< ny rows of nx values
    std::string label;         ///< what the values are, for the colour bar
    bool empty() const { return values.empty(); }
};

/// Axis-aligned square plotted by a view: [-extent, extent]^2.
struct PlotBox {
    double extent = 3;
};

/// Schedule values at the time cursor, shown in captions and the status bar.
struct TimeInfo {
    double t = 0, alpha = 1, sigma = 0, logSnr = 0;
};

/// The data pushed forward to time t, with small multiples along t.
struct ChainView {
    PlotBox box;
    TimeInfo time;
    std::vector<float> xy; ///< x_t for each shown data point (x, y pairs)
    ScalarGrid density;    ///< log p_t on a grid (or a histogram of x_t)
    struct Cell {
        double t = 0;
        double logSnr = 0; ///< the cells are evenly spaced in logSNR between the schedule's ends
        double extent = 3;
        std::vector<float> xy;
    };
    std::vector<Cell> strip; ///< the chain at a few times from data to noise
};

/// A vector field at time t as arrows over a heat map.
struct FieldView {
    PlotBox box;
    TimeInfo time;
    std::string quantity;     ///< e.g. "score", "D(x) - x"
    bool streamlines = false; ///< draw streamlines through the field instead of arrows
    int n = 0;                ///< arrows per side: pos is an n x n grid of cell centres, x fastest
    std::vector<float> pos;   ///< arrow tails (x, y pairs)
    std::vector<float> vec;   ///< arrow vectors (x, y pairs), in data units
    ScalarGrid heat;          ///< log p_t or the field's magnitude
    ScalarGrid error;         ///< |learned - reference| when the model is learned; else empty
    std::string reference;    ///< the reference model's name when error is set
    /// The error map's colour range [0, errorMax], the same at every t (so that colours compare
    /// across the sweep), and how it was chosen.
    double errorMax = 0;
    std::string errorRange;
};

/// Particles of a sampler run, coloured by time, with one highlighted path.
struct TrajectoryView {
    PlotBox box;
    TimeInfo time;
    int frame = 0, frames = 1; ///< current frame and recorded frames
    int steps = 1;             ///< the run's total steps
    std::string sampler;
    std::vector<float> times;   ///< t of each frame up to the current one
    int pathCount = 0;          ///< particles drawn as paths
    float pathOpacity = 0.43f;  ///< the paths' alpha in (0, 1] (SceneView::pathOpacity)
    std::vector<float> paths;   ///< [frame][path] (x, y): (frame + 1) x pathCount pairs
    std::vector<float> current; ///< every particle at the current frame (x, y pairs)
    long highlight = -1;        ///< highlighted particle (-1: none)
    std::vector<float> highlightPath, highlightX0; ///< its x and x0_hat per frame (x, y pairs)
    /// The highlighted particle's path from the same initial noise under the other family: the
    /// probability-flow ODE (heun) for a stochastic sampler, the reverse SDE (em) for an ODE one.
    std::string companion;
    std::vector<float> companionPath; ///< all its frames (x, y pairs)
    std::vector<float> data;          ///< a thinned copy of the data, drawn faintly
    /// The particles' colouring (SceneView::particleColour). For "log-likelihood": log p_t of
    /// each particle in `current` through the PF-ODE (NaN: not computed, drawn grey), the
    /// closed form where there is one (else empty), the colour range and a line saying how
    /// (or why it is unavailable, with logp empty).
    std::string colour = "time";
    std::vector<float> logp, logpExact;
    double logpLow = 0, logpHigh = 1;
    std::string logpNote;
};

/// Histogram of the current samples beside the reference density.
struct DensityView {
    PlotBox box;
    TimeInfo time;
    ScalarGrid samples;   ///< density of the samples (per unit area)
    ScalarGrid reference; ///< p_t at the frame's time: exact (mixtures) or the data noised to t
    std::string referenceLabel;
    double energyDistance = -1; ///< between the samples and the data at t (-1: not computed)
};

} // namespace dfs

namespace dfs {

/// Square grayscale images in a grid, each with a caption: the film strip (rows of data images
/// along t), the sample grid (x_t beside x0_hat at frames of the run), and the posterior view.
struct ImageGridView {
    TimeInfo time;
    std::string title, detail;
    int side = 0; ///< pixels per image side
    int columns = 1;
    std::vector<std::string> columnLabels; ///< one per column ("" for none)
    std::vector<std::string> rowLabels;    ///< one per row ("" for none)
    struct Tile {
        std::vector<float> pixels; ///< side x side, row-major, values in [-1, 1]
        std::string caption;       ///< under the tile ("" for none)
    };
    std::vector<Tile> tiles; ///< row-major
};

/// Radially averaged power spectra (log-log): of the data, of x_t and of the noise sigma^2,
/// with the frequency where the noise takes over (Dieleman 2024, "spectral autoregression").
struct SpectrumView {
    TimeInfo time;
    int side = 0;
    std::vector<double> frequency; ///< cycles per image, 1 .. side/2
    std::vector<double> data, xt;  ///< alpha^2-free data power, and the power of x_t / alpha^2
    double noise = 0;              ///< (sigma / alpha)^2: flat
    double takeover = -1;          ///< first frequency where noise exceeds data (-1: none)
    /// 8x8 images only (else empty): per-DCT-coefficient log10 SNR at t and reveal time, at
    /// column u * 8 + v for vertical frequency u and horizontal v.
    std::vector<double> dctLogSnr, dctReveal;
};

/// What the inspector shows for one particle at one frame.
struct ParticleInfo {
    long particle = -1;
    int frame = 0;
    double t = 0, sigma = 0;
    double x[2]{}, x0Hat[2]{}, epsHat[2]{}, score[2]{};
    /// Posterior weights over the data points (the ideal denoiser only; else empty) and the
    /// effective number of points behind them.
    std::vector<float> weights;
    double effectiveCount = 0;
};

} // namespace dfs

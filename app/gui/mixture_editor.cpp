// Mixture gestures.
#include "app/gui/mixture_editor.hpp"

#include <algorithm>
#include <cmath>

namespace dfs::gui {

namespace {
constexpr double kMinSpread = 0.01; ///< smallest spread a drag can set
} // namespace

double componentSpread(const Matrix& cov) {
    return std::sqrt(std::max(0.0, cov.trace() / double(cov.rows())));
}

Matrix withSpread(const Matrix& cov, double spread) {
    const double now = componentSpread(cov);
    if (now <= 0) return Matrix::Identity(cov.rows(), cov.cols()) * (spread * spread);
    return cov * (spread * spread / (now * now));
}

int MixtureEditor::nearest(double x, double y) const {
    int best = -1;
    double bestD = 1e300;
    for (int k = 0; k < m_mixture->size(); ++k) {
        const Vector& m = m_mixture->means[std::size_t(k)];
        const double d = (m[0] - x) * (m[0] - x) + (m[1] - y) * (m[1] - y);
        if (d < bestD) bestD = d, best = k;
    }
    return best;
}

void MixtureEditor::press(GmmParams mixture, EditTool tool, double x, double y) {
    if (tool == EditTool::None || mixture.size() == 0) return;
    m_mixture = std::move(mixture);
    m_tool = tool;
    GmmParams& g = *m_mixture;
    if (tool == EditTool::Add) {
        // A new component like the others: their median spread, their mean weight.
        std::vector<double> spreads;
        for (const Matrix& c : g.covs) spreads.push_back(componentSpread(c));
        std::nth_element(spreads.begin(), spreads.begin() + long(spreads.size() / 2),
                         spreads.end());
        const double spread = std::max(kMinSpread, spreads[spreads.size() / 2]);
        g.means.push_back(Vector{{x, y}});
        g.covs.push_back(Matrix::Identity(2, 2) * (spread * spread));
        g.weights.push_back(1.0 / double(g.size() - 1));
        double total = 0;
        for (double w : g.weights) total += w;
        for (double& w : g.weights) w /= total;
        m_component = g.size() - 1;
        return;
    }
    m_component = nearest(x, y);
    if (tool == EditTool::Delete && g.size() == 1) {
        m_mixture.reset(); // a mixture keeps at least one component
        return;
    }
    if (tool == EditTool::Delete) {
        const auto k = std::size_t(m_component);
        const double removed = g.weights[k];
        g.means.erase(g.means.begin() + long(k));
        g.covs.erase(g.covs.begin() + long(k));
        g.weights.erase(g.weights.begin() + long(k));
        for (double& w : g.weights) w /= (1.0 - removed > 0 ? 1.0 - removed : 1.0);
        m_component = -1;
        return;
    }
    drag(x, y);
}

void MixtureEditor::drag(double x, double y) {
    if (!m_mixture || m_component < 0) return;
    const auto k = std::size_t(m_component);
    if (m_tool == EditTool::Move) {
        m_mixture->means[k] = Vector{{x, y}};
    } else if (m_tool == EditTool::Brush) {
        const Vector& m = m_mixture->means[k];
        const double spread = std::max(kMinSpread, std::hypot(x - m[0], y - m[1]));
        m_mixture->covs[k] = withSpread(m_mixture->covs[k], spread);
    }
}

std::optional<GmmParams> MixtureEditor::release() {
    std::optional<GmmParams> out = std::move(m_mixture);
    m_mixture.reset();
    m_component = -1;
    return out;
}

} // namespace dfs::gui

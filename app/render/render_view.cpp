// Dispatch from a view snapshot to its renderer.
#include "app/render/view_renderers.hpp"

namespace dfs::render {

PlotFrame renderView(QPainter& p, const QRectF& area, const ViewSnapshot& v, const ViewStyle& style) {
    p.fillRect(area, Qt::white);
    return std::visit(
        [&](const auto& view) {
            using T = std::decay_t<decltype(view)>;
            if constexpr (std::is_same_v<T, ChainView>) return renderChain(p, area, view, style);
            else if constexpr (std::is_same_v<T, FieldView>)
                return renderField(p, area, view, style);
            else if constexpr (std::is_same_v<T, TrajectoryView>)
                return renderTrajectories(p, area, view, style);
            else if constexpr (std::is_same_v<T, DensityView>)
                return renderDensity(p, area, view, style);
            else if constexpr (std::is_same_v<T, ImageGridView>)
                return renderImageGrid(p, area, view, style);
            else return renderSpectrum(p, area, view, style);
        },
        v);
}

} // namespace dfs::render

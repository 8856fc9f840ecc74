// What the flow-mesh view draws (views/flow_mesh_view.cpp): a regular grid of lines in the noise
// at t = 1 carried by the probability-flow ODE to the shown frame's time, and the encode-decode
// round trip of data points along the same ODE (diffusion-math.md 1.5).
#pragma once

#include "core/scene/view_data.hpp"

#include <string>
#include <vector>

namespace dfs {

struct FlowMeshView {
    PlotBox box;
    TimeInfo time;
    int frame = 0, steps = 1;
    int lines = 0;            ///< lines per direction
    int points = 0;           ///< points along each line
    double meshHalfWidth = 0; ///< the lines cover [-w, w]^2 at grid[0]
    /// The mesh at the frame: `lines` horizontal lines (line r at y = -w + 2w r/(lines-1) at the
    /// start, x rising along it), then `lines` vertical ones, `points` (x, y) pairs each.
    std::vector<float> mesh;
    std::vector<float> data; ///< a thinned copy of the data, drawn faintly
    /// Data points encoded to grid[0] and decoded back, shown at the frame (x, y pairs): they
    /// ride the mesh from their latents (frame 0) to the data (the last frame).
    std::vector<float> carried;
    int roundTripPoints = 0;
    double roundTripMean = 0, roundTripMax = 0; ///< ||decode(encode(x0)) - x0||
};

} // namespace dfs

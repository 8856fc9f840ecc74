// The eight perspectives on a diffusion model (Dieleman, "Perspectives on diffusion", 2023; the
// math reference's section 1): for each, what it says, its key equation, which views show it on
// 2-D data and on images, and a guided preset scene. The Perspectives panel, the Perspectives
// menu, `diffuscope-cli list` and `render --perspective` all read this catalogue.
#pragma once

#include "core/scene/scene.hpp"

#include <array>
#include <string>
#include <vector>

namespace dfs {

/// The panes a perspective lays out for one kind of data, and what to look at in them.
struct PerspectiveLayout {
    std::array<std::string, 4> panes; ///< registered view names (view_registry.hpp)
    std::string fieldQuantity;        ///< the field view's quantity; empty: keep the scene's
    bool streamlines = false;         ///< the field view drawn as streamlines
    std::string guide;                ///< what to look at, pane by pane (2 to 4 sentences)
};

struct Perspective {
    std::string name;         ///< "autoencoder", used on the command line and in menus
    std::string title;        ///< "Autoencoder"
    std::string claim;        ///< one line: "A diffusion model is a denoising autoencoder."
    std::string explanation;  ///< two to four sentences for a student
    std::string equation;     ///< the key equation(s), one per line, in Unicode
    std::string source;       ///< the papers and the math reference's section
    PerspectiveLayout points; ///< on 2-D data
    PerspectiveLayout images; ///< on images
    std::string pointsNote;   ///< where 2-D data cannot show it, why (empty: it can)
    std::string pending;      ///< what of it is not built yet and where it is planned (or empty)
    std::string preset;       ///< the built-in scene that makes its point (builtin_scenes.hpp)
};

/// The eight, in the tour's order.
const std::vector<Perspective>& perspectives();
/// The perspective `name`; UsageError naming the choices for an unknown one.
const Perspective& findPerspective(const std::string& name);
/// The names of the eight, in order.
std::vector<std::string> perspectiveNames();

/// The perspective whose layout for this kind of data is exactly these panes, when one is
/// (nullptr when none or several are: image layouts are shared; a perspective that does not
/// apply to 2-D data never matches there).
const Perspective* perspectiveShowing(const SceneView& view, bool imageData);

/// Lays out the perspective's panes (and field settings) in `scene` for its data, keeping its
/// model, data, sampler and time cursor: "show me this perspective on the current model".
void applyPerspective(Scene& scene, const Perspective& p, bool imageData);

} // namespace dfs

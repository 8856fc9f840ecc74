// The perspectives' catalogue and the built-in scenes: every perspective names registered views
// that fit its data, every preset opens and shows its perspective's panes, every pane of every
// preset builds, and scene titles survive a round trip.
#include "core/backend/cpu_backend.hpp"
#include "core/datasets/image_datasets.hpp"
#include "core/perspectives/perspective.hpp"
#include "core/scene/builtin_scenes.hpp"
#include "core/scene/scene_engine.hpp"
#include "core/scene/scene_io.hpp"
#include "core/scene/view_registry.hpp"
#include "test_support.hpp"

#include <algorithm>
#include <set>

using namespace dfs;
using dfs::test::contains;
using dfs::test::errorOf;

TEST_CASE("the catalogue holds the eight perspectives in the tour's order") {
    const std::vector<std::string> want{"autoencoder", "latent", "score",    "reverse-sde",
                                        "flow",        "rnn",    "spectral", "expectation"};
    CHECK(perspectiveNames() == want);
    for (const Perspective& p : perspectives()) {
        INFO(p.name);
        CHECK(!p.title.empty());
        CHECK(!p.claim.empty());
        CHECK(!p.equation.empty());
        CHECK(!p.source.empty());
        CHECK(!p.points.guide.empty());
        CHECK(!p.images.guide.empty());
        // Two to four sentences: a sentence ends in a full stop before a space or at the end.
        long sentences = p.explanation.back() == '.';
        for (std::size_t i = 0; i + 1 < p.explanation.size(); ++i)
            sentences += p.explanation[i] == '.' && p.explanation[i + 1] == ' ';
        CHECK(sentences >= 2);
        CHECK(sentences <= 4);
        CHECK(p.explanation.size() < 700);
        CHECK(&findPerspective(p.name) == &p);
    }
    CHECK(contains(errorOf<UsageError>([] { findPerspective("vae"); }),
                   "unknown perspective 'vae' (choose from autoencoder, latent"));
}

TEST_CASE("every perspective's panes are registered views that fit its data") {
    for (const Perspective& p : perspectives()) {
        for (bool images : {false, true}) {
            const PerspectiveLayout& layout = images ? p.images : p.points;
            for (const std::string& pane : layout.panes) {
                INFO(p.name << (images ? " images: " : " 2-D: ") << pane);
                REQUIRE_NOTHROW(findView(pane));
                CHECK(findView(pane).fits(images));
            }
            if (!layout.fieldQuantity.empty()) {
                INFO(p.name);
                CHECK(std::count(layout.panes.begin(), layout.panes.end(), "field") == 1);
            }
        }
    }
    // Only the spectral perspective says 2-D data cannot show it.
    for (const Perspective& p : perspectives())
        CHECK(p.pointsNote.empty() == (p.name != "spectral"));
}

TEST_CASE("'show me' lays out the panes and keeps the model, data, sampler and time") {
    Scene s;
    s.data.dataset = "moons";
    s.model.denoiser = "ideal";
    s.sampler.sampler = "ddim";
    s.view.t = 0.37;
    s.view.fieldQuantity = "eps";
    const Perspective& flow = findPerspective("flow");
    Scene shown = s;
    applyPerspective(shown, flow, false);
    CHECK(shown.view.panes == flow.points.panes);
    CHECK(shown.view.fieldQuantity == "velocity");
    CHECK(shown.view.streamlines);
    CHECK(sceneToJson([&] {
              Scene back = shown;
              back.view = s.view;
              return back;
          }()) == sceneToJson(s));
    // A layout without a field keeps the user's field settings.
    Scene images = s;
    applyPerspective(images, findPerspective("spectral"), true);
    CHECK(images.view.panes == findPerspective("spectral").images.panes);
    CHECK(images.view.fieldQuantity == "eps");
}

TEST_CASE("the perspective a layout shows is found when it is the only one") {
    for (const Perspective& p : perspectives()) {
        if (!p.pointsNote.empty()) continue;
        SceneView v;
        v.panes = p.points.panes;
        INFO(p.name);
        CHECK(perspectiveShowing(v, false) == &p);
    }
    CHECK(perspectiveShowing(SceneView{}, false) == nullptr); // the default four panes
    SceneView images;
    images.panes = findPerspective("flow").images.panes; // shared by several
    CHECK(perspectiveShowing(images, true) == nullptr);
    images.panes = findPerspective("spectral").images.panes;
    CHECK(perspectiveShowing(images, true) == &findPerspective("spectral"));
}

TEST_CASE("the built-in scenes parse, have titles, and unknown names are refused") {
    const std::vector<std::string> names = builtinSceneNames();
    CHECK(std::is_sorted(names.begin(), names.end()));
    CHECK(std::count(names.begin(), names.end(), "moons-ideal") == 1);
    for (const std::string& name : names) {
        INFO(name);
        Scene s;
        REQUIRE_NOTHROW(s = builtinScene(name));
        CHECK(!s.title.empty());
        CHECK(!s.about.empty());
    }
    CHECK(contains(errorOf<UsageError>([] { builtinScene("nope"); }),
                   "unknown built-in scene 'nope' (choose from"));
}

TEST_CASE("each perspective's preset opens with its panes, and each pane builds", "[presets]") {
    CpuBackend backend(1);
    for (const Perspective& p : perspectives()) {
        INFO(p.name << ": preset " << p.preset);
        const Scene s = builtinScene(p.preset);
        const bool images = isImageDataset(s.data.dataset);
        CHECK(images == (p.name == "spectral"));
        CHECK(s.view.panes == (images ? p.images.panes : p.points.panes));
        SceneEngine engine(s, backend);
        CHECK(engine.isImage() == images);
        const int frame = s.view.frame < 0 ? engine.totalFrames() - 1 : s.view.frame;
        engine.recordFrames(frame + 1);
        for (const std::string& pane : s.view.panes) {
            INFO(pane);
            CHECK(!makeSnapshot(engine, pane, frame, s.view.t).empty());
        }
    }
}

TEST_CASE("a scene's title and notes survive a round trip; a wrong type is refused") {
    Scene s;
    s.title = "Eight Gaussians";
    s.about = "Look at the \"middle\" pane.";
    const Scene r = sceneFromJson(sceneToJson(s), "mem");
    CHECK(r.title == s.title);
    CHECK(r.about == s.about);
    CHECK(sceneToJson(Scene{}).find("\"title\"") == std::string::npos);
    std::string text = sceneToJson(s);
    text.replace(text.find("\"Eight Gaussians\""), 17, "3");
    CHECK(contains(errorOf<DataError>([&] { sceneFromJson(text, "t.json"); }),
                   "t.json: \"title\" must be a string"));
}

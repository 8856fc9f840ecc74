// The view registry: the eight built-in views with their data kinds and clocks, lookups that
// name the choices, the type-erased snapshot, and every view built on a tiny scene of its kind.
#include "core/backend/cpu_backend.hpp"
#include "core/scene/scene_engine.hpp"
#include "core/scene/view_registry.hpp"
#include "test_support.hpp"

#include <set>

using namespace dfs;
using dfs::test::contains;
using dfs::test::errorOf;

namespace {

Scene tinyScene(bool images) {
    Scene s;
    s.data.n = 100;
    s.sampler.steps = 2;
    s.sampler.particles = 20;
    if (images) {
        s.data.dataset = "shapes";
        s.data.resolution = 8;
        s.data.n = 20;
        s.model.denoiser = "ideal";
        s.sampler.particles = 3;
    }
    return s;
}

} // namespace

TEST_CASE("the registry holds the eight built-in views in menu order") {
    // The built-in views first (views registered later come after them), each name once.
    const std::vector<std::string> names = viewNames();
    const std::vector<std::string> builtIn{"chain",     "field",   "trajectories", "density",
                                           "filmstrip", "samples", "spectrum",     "posterior"};
    REQUIRE(names.size() >= builtIn.size());
    CHECK(std::vector<std::string>(names.begin(), names.begin() + 8) == builtIn);
    CHECK(std::set<std::string>(names.begin(), names.end()).size() == names.size());
    const std::set<std::string> images{"filmstrip", "samples", "spectrum", "posterior"};
    const std::set<std::string> runs{"trajectories", "density", "samples", "posterior"};
    const std::set<std::string> noTable{"filmstrip", "posterior"};
    for (const std::string& name : builtIn) {
        const ViewInfo& v = findView(name);
        INFO(v.name);
        CHECK(v.appliesTo == (images.count(v.name) ? ViewData::Images : ViewData::Points));
        CHECK(v.followsRun() == bool(runs.count(v.name)));
        CHECK(bool(v.build));
        CHECK(bool(v.table) == !noTable.count(v.name));
        CHECK(v.columns.empty() == !v.table);
        CHECK(!v.caption.empty());
    }
    CHECK(findView("spectrum").fits(true));
    CHECK(!findView("spectrum").fits(false));
    CHECK(viewDataName(ViewData::Both) == "both");
}

TEST_CASE("an unknown view is refused with the choices named") {
    CHECK(contains(errorOf<UsageError>([] { findView("nope"); }),
                   "unknown view 'nope' (choose from chain, field, trajectories, density, "
                   "filmstrip, samples, spectrum, posterior"));
    Scene s = tinyScene(false);
    s.view.panes[2] = "nope";
    CHECK(contains(errorOf<UsageError>([&] { validateScene(s); }),
                   "view.panes: unknown view 'nope'"));
}

TEST_CASE("a view snapshot hands out its data only as the type it holds") {
    const ViewSnapshot empty;
    CHECK(empty.empty());
    CHECK(empty.get<ChainView>() == nullptr);
    ChainView c;
    c.xy = {1.0f, 2.0f};
    const ViewSnapshot s("chain", c);
    CHECK(s.view() == "chain");
    CHECK(s.holds<ChainView>());
    CHECK(!s.holds<FieldView>());
    CHECK(s.get<FieldView>() == nullptr);
    CHECK(s.as<ChainView>().xy == c.xy);
    CHECK(s.type() == std::type_index(typeid(ChainView)));
    CHECK(contains(errorOf<std::logic_error>([&] { s.as<FieldView>(); }), "the chain view"));
    const ViewSnapshot copy = s; // copies share the immutable data
    CHECK(copy.get<ChainView>() == s.get<ChainView>());
}

TEST_CASE("every view builds on a scene of its data kind and is refused on the other") {
    CpuBackend backend(1);
    for (bool images : {false, true}) {
        SceneEngine e(tinyScene(images), backend);
        e.runToEnd();
        const int last = e.recordedFrames() - 1;
        for (const ViewInfo& v : viewRegistry()) {
            INFO(v.name << (images ? " on images" : " on points"));
            if (!v.fits(images)) {
                CHECK(contains(errorOf<UsageError>([&] { makeSnapshot(e, v.name, last, 0.3); }),
                               "the " + v.name + " view shows"));
                continue;
            }
            const ViewSnapshot s = makeSnapshot(e, v.name, last, 0.3);
            CHECK(s.view() == v.name);
            CHECK(!s.empty());
            if (v.table) {
                const Table t = viewTable(e, v.name, last, 0.3);
                CHECK(!t.columns.empty());
                CHECK(t.rows.cols() == Index(t.columns.size()));
                CHECK(t.rows.rows() > 0);
            } else {
                CHECK(contains(errorOf<UsageError>([&] { viewTable(e, v.name, last, 0.3); }),
                               "has no data table"));
            }
        }
        // Panes that do not fit the data are swapped for the registered views that do.
        const auto& panes = e.scene().view.panes;
        for (const std::string& p : panes) CHECK(findView(p).fits(images));
        if (images)
            CHECK(panes ==
                  std::array<std::string, 4>{"filmstrip", "samples", "spectrum", "posterior"});
        else
            CHECK(panes == SceneView{}.panes);
    }
}

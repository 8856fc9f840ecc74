// diffuscope: the desktop explorer. With no argument it opens the default scene; with a scene
// file it opens that. Either way, a session left behind by a crash is offered back.
#include "app/gui/main_window.hpp"

#ifdef DIFFUSCOPE_HAS_VULKAN
#include "core/vulkan/vulkan_backend.hpp"
#endif

#include <QApplication>
#include <QCommandLineParser>

int main(int argc, char** argv) {
#ifdef DIFFUSCOPE_HAS_VULKAN
    dfs::vk::registerVulkanBackend();
#endif
    QApplication app(argc, argv);
    QApplication::setApplicationName("Diffuscope");
    QApplication::setApplicationVersion("0.1.0");
    // The installed desktop entry (packaging/), so that a Wayland session shows its name and icon.
    QGuiApplication::setDesktopFileName("io.github.diffuscope.Diffuscope");
    QCommandLineParser parser;
    parser.setApplicationDescription("See how diffusion models work.");
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument("scene", "scene file to open (JSON)", "[scene.json]");
    parser.process(app);
    const QStringList args = parser.positionalArguments();
    dfs::gui::MainWindow window(args.isEmpty() ? QString() : args.front());
    window.show();
    window.offerRecovery(); // after a crash or a kill: the session left behind
    return app.exec();
}

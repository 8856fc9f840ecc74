// The user guide window.
#include "app/gui/user_guide.hpp"

#include <QDialog>
#include <QTextBrowser>
#include <QVBoxLayout>

namespace dfs::gui {

QString userGuideMarkdown() {
    const QString all = QString::fromUtf8(readmeMarkdown());
    const qsizetype dev = all.indexOf("\n## For developers");
    return dev < 0 ? all : all.left(dev);
}

void showUserGuide(QWidget* parent) {
    auto* dialog = new QDialog(parent);
    dialog->setObjectName("userGuide");
    dialog->setWindowTitle("Diffuscope: user guide");
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    auto* text = new QTextBrowser(dialog);
    text->setOpenExternalLinks(true);
    text->setMarkdown(userGuideMarkdown());
    auto* layout = new QVBoxLayout(dialog);
    layout->addWidget(text);
    dialog->resize(820, 700);
    dialog->show();
}

} // namespace dfs::gui

// Help > User guide: the README's sections for users (everything before "For developers"),
// compiled into the program and shown as formatted text.
#pragma once

#include <QString>

class QWidget;

namespace dfs {
/// The README's text (generated from README.md at build time).
const char* readmeMarkdown();
} // namespace dfs

namespace dfs::gui {

/// The README's user part: from its start to the "## For developers" heading.
QString userGuideMarkdown();
/// Opens the user guide in a window of its own (non-modal).
void showUserGuide(QWidget* parent);

} // namespace dfs::gui

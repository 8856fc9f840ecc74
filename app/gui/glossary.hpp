// The glossary: every term a student meets in the window (eps, v, x0_hat, logSNR, S_churn,
// RAPSD, "1 - t (path colour)", ...), explained in a sentence. Each pane's tooltip lists the terms
// its view uses; Help > Glossary lists them all.
#pragma once

#include <QString>
#include <string>
#include <vector>

class QWidget;

namespace dfs::gui {

struct GlossaryEntry {
    QString term, meaning;
};

/// Every term, in reading order.
const std::vector<GlossaryEntry>& glossary();
/// The meaning of `term` ("" when it has none).
QString glossaryMeaning(const QString& term);
/// A tooltip for a view: its caption and the terms its plot uses, as rich text.
QString viewTooltip(const std::string& view);
/// Opens the glossary in a window of its own (non-modal).
void showGlossary(QWidget* parent);

} // namespace dfs::gui

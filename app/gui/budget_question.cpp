// The budget question: the core's estimates (estimateScene, trainingMemoryBytes) against
// memoryBudgetBytes(), asked in a QMessageBox.
#include "app/gui/budget_question.hpp"

#include "core/memory_budget.hpp"
#include "core/model/model_size.hpp"
#include "core/scene/scene_budget.hpp"
#include "core/training/trainer.hpp"

#include <QLocale>
#include <QMessageBox>
#include <QPushButton>

namespace dfs::gui {

namespace {

QString bytes(double b) {
    return QString::fromStdString(memoryText(b));
}

QString count(double v) {
    return QLocale().toString(qlonglong(v));
}

QString seconds(double s) {
    if (s < 90) return QString("%1 s").arg(s, 0, 'f', 0);
    return QString("%1 min").arg(s / 60, 0, 'f', 1);
}

enum class Answer { Fit, Continue, Cancel };

/// Asks; `fitText` empty: no fit is offered.
Answer ask(QWidget* parent, bool over, const QString& title, const QString& text,
           const QString& fitText) {
    QMessageBox box(over ? QMessageBox::Warning : QMessageBox::Question, title, text,
                    QMessageBox::NoButton, parent);
    box.setObjectName("budgetQuestion");
    QPushButton* fit = nullptr;
    QPushButton* go = nullptr;
    if (!fitText.isEmpty()) {
        fit = box.addButton(fitText, QMessageBox::AcceptRole);
        fit->setObjectName("budgetFit");
    }
    if (!over) {
        go = box.addButton("Continue", QMessageBox::AcceptRole);
        go->setObjectName("budgetContinue");
    }
    QPushButton* cancel = box.addButton("Cancel", QMessageBox::RejectRole);
    cancel->setObjectName("budgetCancel");
    box.setDefaultButton(fit ? fit : go ? go : cancel);
    box.exec();
    if (fit && box.clickedButton() == fit) return Answer::Fit;
    if (go && box.clickedButton() == go) return Answer::Continue;
    return Answer::Cancel;
}

QString budgetLine(double budget) {
    return QString("The budget is %1 (%2).")
        .arg(bytes(budget), QString::fromStdString(memoryBudgetSource()));
}

/// "particles 2,000,000 → 41,000, steps …" for what the fit lowered.
QString changes(const Scene& from, const Scene& to) {
    QStringList parts;
    if (to.sampler.particles != from.sampler.particles)
        parts << QString("%1 particles").arg(count(double(to.sampler.particles)));
    if (to.sampler.steps != from.sampler.steps) parts << QString("%1 steps").arg(to.sampler.steps);
    if (to.data.n != from.data.n) parts << QString("%1 data points").arg(count(double(to.data.n)));
    return parts.join(", ");
}

} // namespace

std::optional<Scene> askSceneBudget(QWidget* parent, const Scene& next, const Scene& current) {
    double budget = 0;
    try {
        budget = double(memoryBudgetBytes());
    } catch (const std::exception&) {
        return next; // a malformed DIFFUSCOPE_MEMORY_BUDGET: the worker's refusal says so
    }
    const SceneEstimate e = estimateScene(next), now = estimateScene(current);
    const BudgetVerdict verdict = judgeScene(e, budget);
    if (verdict == BudgetVerdict::Fits) return next;
    if (verdict == BudgetVerdict::Large && e.memoryBytes <= now.memoryBytes &&
        e.idealPairs <= now.idealPairs)
        return next; // asked before (or opened so): this change does not grow the work
    const bool over = verdict == BudgetVerdict::Over;
    QString text = QString("This run (%1 data points, %2 frames of %3 particles) needs about %4 "
                           "of memory. %5")
                       .arg(count(e.dataPoints), count(e.frames), count(e.particles),
                            bytes(e.memoryBytes), budgetLine(budget));
    if (e.idealPairs > 0)
        text += QString("\n\nThe ideal denoiser would weigh %1 point pairs (steps x particles x "
                        "data points), about %2 of work; the limit is %3.")
                    .arg(e.idealPairs, 0, 'g', 2)
                    .arg(seconds(e.idealSeconds()))
                    .arg(kMaxIdealPairs, 0, 'g', 2);
    text += "\n\nTo change it: Particles and Steps in the Sampler panel, n in the Data panel.";
    QString fitText;
    const Scene fitted = fitSceneToBudget(next, budget);
    if (over && judgeScene(estimateScene(fitted), budget) == BudgetVerdict::Fits)
        fitText = "Fit to budget: " + changes(next, fitted);
    const QString title = over ? "Over the memory budget" : "A large run";
    switch (ask(parent, over, title, text, fitText)) {
    case Answer::Fit:
        return fitted;
    case Answer::Continue:
        return next;
    case Answer::Cancel:
        break;
    }
    return std::nullopt;
}

std::optional<int> askTrainingBudget(QWidget* parent, const ModelSpec& spec, int batch,
                                     const QList<int>& widths) {
    double budget = 0;
    try {
        budget = double(memoryBudgetBytes());
    } catch (const std::exception&) {
        return spec.width;
    }
    const double need = trainingMemoryBytes(spec, batch);
    if (need <= kLargeFraction * budget) return spec.width;
    const bool over = need > budget;
    const bool mlp = spec.architecture != "unet";
    QString text = QString("Training an %1 with batches of %2 needs about %3 of memory. %4")
                       .arg(QString::fromStdString(architectureText(spec)))
                       .arg(batch)
                       .arg(bytes(need), budgetLine(budget));
    text += mlp ? "\n\nTo change it: Width in the Model panel."
                : "\n\nTo change it: a lower image resolution in the Data panel.";
    QString fitText;
    int fitWidth = 0;
    if (over && mlp)
        for (int w : widths) {
            ModelSpec s = spec;
            s.width = w;
            if (w < spec.width && w > fitWidth && trainingMemoryBytes(s, batch) <= budget)
                fitWidth = w;
        }
    if (fitWidth > 0) fitText = QString("Fit to budget: width %1").arg(fitWidth);
    switch (ask(parent, over, over ? "Over the memory budget" : "A large training run", text,
                fitText)) {
    case Answer::Fit:
        return fitWidth;
    case Answer::Continue:
        return spec.width;
    case Answer::Cancel:
        break;
    }
    return std::nullopt;
}

} // namespace dfs::gui

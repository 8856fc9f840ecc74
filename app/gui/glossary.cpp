// The glossary's entries and the terms each view uses.
#include "app/gui/glossary.hpp"

#include "core/scene/view_registry.hpp"

#include <QDialog>
#include <QTextBrowser>
#include <QVBoxLayout>
#include <map>

namespace dfs::gui {

const std::vector<GlossaryEntry>& glossary() {
    static const std::vector<GlossaryEntry> entries{
        {"t", "diffusion time: 0 is the data, 1 is (nearly) pure noise."},
        {"x_t", "the noisy point at time t: x_t = alpha x0 + sigma eps."},
        {"alpha, sigma", "how much signal and how much noise x_t holds at time t (the schedule)."},
        {"logSNR", "log(alpha^2 / sigma^2), the signal-to-noise ratio on a log scale: high means "
                   "little noise, low means mostly noise."},
        {"eps", "the Gaussian noise added to the data; eps_hat is the model's estimate of it, "
                "(x - alpha D) / sigma."},
        {"x0_hat", "the denoiser's output D(x_t): its estimate of the clean data, the posterior "
                   "mean E[x0 | x_t]."},
        {"D(x) - x", "where the denoiser moves a point: the score rescaled by sigma^2 / alpha."},
        {"v", "v-prediction alpha eps - sigma x0 (Salimans & Ho 2022), a mix of the noise and the "
              "data that networks find easy to predict at every noise level."},
        {"score", "grad log p_t(x) = (alpha D - x) / sigma^2: the direction in which the density "
                  "of x_t grows fastest."},
        {"velocity", "dx/dt of the probability-flow ODE: the deterministic flow whose marginals "
                     "are the same p_t as the noising process."},
        {"p_t", "the density of x_t: the data's density blurred by the noise of time t."},
        {"eta", "DDIM's stochasticity (Song et al. 2021): 0 follows the ODE, 1 adds as much noise "
                "as DDPM's ancestral sampler."},
        {"S_churn", "EDM's churn (Karras et al. 2022): how much noise each step adds and then "
                    "removes again; 0 is the deterministic sampler."},
        {"NFE", "number of function evaluations: how many times the denoiser was called."},
        {"1 - t (path colour)", "trajectories are coloured by progress, dark at the noise (t = 1), "
                                "bright at the data (t = 0)."},
        {"em from the same noise", "the companion path: the same starting point and noise run by "
                                   "the other kind of sampler (Euler-Maruyama on the SDE beside an "
                                   "ODE sampler, Heun on the ODE beside a stochastic one)."},
        {"paths, opacity", "how many particles the trajectories pane draws as whole paths, and how "
                           "opaque: fewer, fainter paths show where thousands of stochastic "
                           "paths go (saved with the scene as view.paths and view.pathOpacity)."},
        {"by log p", "the trajectories pane's particles coloured by log p_t (nats) "
                     "through the probability-flow ODE with the model, up to 2000 "
                     "of them; the exact value beside it for a Gaussian mixture "
                     "(saved as view.particleColour)."},
        {"error map", "a learned model's |learned - reference| per cell (the field pane's right "
                      "half, the score pane's heat map). Its colours "
                      "run from 0 to a typical time's error (the median over 12 times evenly "
                      "spaced in logSNR of each time's 99th percentile), the same at every t, so "
                      "that colours compare as t moves; near t = 0, where errors grow, cells "
                      "saturate."},
        {"small multiples",
         "the chain's row of small plots: the data noised to times evenly spaced "
         "in logSNR from the schedule's cleanest level to its noisiest, so that "
         "each differs visibly from the next."},
        {"energy distance", "a distance between two point clouds: 0 exactly when they come from "
                            "the same distribution."},
        {"Bayes error", "the error of the best possible denoiser, E tr Cov[x0 | x_t]: the noise "
                        "has destroyed that much information, so no model can go below it."},
        {"N_eff", "the effective number of training points behind the posterior, 1 / sum w_i^2: "
                  "1 means one point takes all the weight (memorisation)."},
        {"ELBO", "the evidence lower bound: a bound on log p(x0) that sums one KL term per step "
                 "of the chain."},
        {"RAPSD", "radially averaged power spectral density: an image's power at each spatial "
                  "frequency, averaged over directions."},
        {"log-likelihood", "log p(x), how likely the model finds a point; through the "
                           "probability-flow ODE it is exact: the prior's log density at the "
                           "end plus the integral of the velocity's divergence along the way."},
        {"Jacobian", "the matrix of derivatives of a map: how a small circle of inputs is "
                     "stretched into an ellipse of outputs."},
    };
    return entries;
}

QString glossaryMeaning(const QString& term) {
    for (const GlossaryEntry& e : glossary())
        if (e.term == term) return e.meaning;
    return {};
}

QString viewTooltip(const std::string& view) {
    static const std::map<std::string, std::vector<QString>> terms{
        {"chain", {"x_t", "p_t", "t", "small multiples"}},
        {"field", {"score", "eps", "v", "velocity", "D(x) - x", "p_t", "error map"}},
        {"trajectories",
         {"1 - t (path colour)", "paths, opacity", "by log p", "x0_hat", "em from the same noise"}},
        {"density", {"p_t", "energy distance"}},
        {"filmstrip", {"x_t", "t"}},
        {"samples", {"x_t", "x0_hat"}},
        {"spectrum", {"RAPSD", "alpha, sigma"}},
        {"sampling-spectrum", {"RAPSD", "x0_hat", "alpha, sigma"}},
        {"posterior", {"x0_hat", "N_eff"}},
        {"autoencoder", {"x_t", "x0_hat", "eps"}},
        {"denoising-error", {"Bayes error", "logSNR", "eps", "v", "velocity", "score"}},
        {"score", {"score", "alpha, sigma", "error map"}},
        {"sde-fan", {"eta", "S_churn", "t"}},
        {"sde-marginal", {"p_t", "energy distance"}},
        {"flow-mesh", {"velocity", "t"}},
        {"expectation", {"x0_hat", "N_eff", "x_t"}},
        {"elbo", {"ELBO", "logSNR"}},
        {"reverse-kernel", {"p_t", "x_t"}},
        {"rnn-cells", {"Jacobian", "NFE", "x0_hat"}},
        {"sensitivity", {"Jacobian", "x_t"}},
        {"likelihood", {"log-likelihood", "velocity", "p_t", "NFE"}},
    };
    QString html;
    for (const ViewInfo& v : viewRegistry())
        if (v.name == view)
            html = "<b>" + QString::fromStdString(v.caption).toHtmlEscaped() + "</b>";
    const auto it = terms.find(view);
    if (it != terms.end())
        for (const QString& term : it->second)
            html +=
                "<br><i>" + term.toHtmlEscaped() + "</i>: " + glossaryMeaning(term).toHtmlEscaped();
    return html;
}

void showGlossary(QWidget* parent) {
    auto* dialog = new QDialog(parent);
    dialog->setObjectName("glossary");
    dialog->setWindowTitle("Diffuscope: glossary");
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    auto* text = new QTextBrowser(dialog);
    QString html = "<dl>";
    for (const GlossaryEntry& e : glossary())
        html += "<dt><b>" + e.term.toHtmlEscaped() + "</b></dt><dd>" + e.meaning.toHtmlEscaped() +
                "</dd>";
    text->setHtml(html + "</dl>");
    auto* layout = new QVBoxLayout(dialog);
    layout->addWidget(text);
    dialog->resize(620, 640);
    dialog->show();
}

} // namespace dfs::gui

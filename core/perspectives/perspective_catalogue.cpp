// The catalogue of the eight perspectives: their texts, equations, layouts and presets. The
// texts paraphrase Dieleman's posts as summarised in the math reference's section 1; each
// equation names its paper in `source`.
#include "core/perspectives/perspective.hpp"

namespace dfs {

namespace {

std::vector<Perspective> makeCatalogue() {
    std::vector<Perspective> c;

    c.push_back(
        {"autoencoder",
         "Autoencoder",
         "A diffusion model is a denoising autoencoder.",
         "Noising encodes data x₀ into x_t, and the network decodes it back: it predicts the clean "
         "input (or the noise, which is the same thing with a residual connection). Unlike a "
         "classic autoencoder there is no bottleneck and one network serves every noise level. "
         "Even a perfect decoder cannot undo the noise: its error is the Bayes error, the spread "
         "of "
         "the posterior of x₀, and a trained model can only approach it from above.",
         "x_t = α x₀ + σ ε   (encode)\n"
         "D(x_t) ≈ x₀   (decode)\n"
         "ε̂ = (x_t − α D(x_t)) / σ   (the residual link)\n"
         "E‖D(x_t) − x₀‖² ≥ E tr Cov[x₀ | x_t]   (the irreducible loss)",
         "Vincent et al. 2008; Ho et al. 2020; Kingma et al. 2021 (VDM); math reference 1.1, 2.3",
         {{"autoencoder", "denoising-error", "field", "chain"},
          "x0",
          false,
          "Top left: data x₀, their noisy copies x_t and the decoded D(x_t) at the time cursor, "
          "joined point by point. Top right: the denoising error against logSNR beside the Bayes "
          "error no model can beat. Bottom left: the displacement D(x) − x, the score rescaled. "
          "Move the time cursor: at high noise D returns the data's mean, at low noise itself."},
         {{"filmstrip", "samples", "denoising-error", "posterior"},
          "",
          false,
          "The filmstrip encodes a few images along t; the samples pane shows x_t beside the "
          "decoded x̂₀ along the run; the error curve shows how well any denoiser can do at "
          "each noise level."},
         "",
         "",
         "perspective-autoencoder"});

    c.push_back(
        {"latent",
         "Latent-variable model",
         "A diffusion model is a deep latent-variable model with a fixed encoder.",
         "The noisy states x_1 … x_T are latent variables linked to the data x₀ by a Markov chain; "
         "the forward chain q is fixed and Gaussian, and the reverse chain p_θ is fitted by "
         "maximising a variational bound, as in a VAE with a thousand layers. The true reverse "
         "step q(x_{t−1} | x_t) is not Gaussian, but it becomes nearly Gaussian when the steps are "
         "small, which is why DDPM uses many of them.",
         "q(x_t | x₀) = N(α_t x₀, σ_t² I)\n"
         "−log p(x₀) ≤ KL(q(x_T|x₀) ‖ p(x_T)) + Σ_t KL(q(x_{t−1}|x_t,x₀) ‖ p_θ(x_{t−1}|x_t))"
         " − log p_θ(x₀|x₁)",
         "Sohl-Dickstein et al. 2015; Ho et al. 2020, eq. 5 and 7; Kingma et al. 2021 (VDM); "
         "math reference 1.2, 4.4",
         {{"elbo", "reverse-kernel", "trajectories", "chain"},
          "",
          false,
          "Top left: the variational bound of the chain with T = the sampler's steps, each "
          "step's KL as a bar, built up from the prior to the decoder, in nats and bits per "
          "dimension beside the exact −log p₀; raise the steps and the bound tightens. Top "
          "right: one reverse step at the highlighted particle, the true q(x_{t−1} | x_t) against "
          "the model's Gaussian p_θ; step through the run and watch it turn multimodal near the "
          "data when the steps are few. Below: the ancestral DDPM paths (the decoder p_θ run) "
          "and the encoder q, the data pushed to the time cursor."},
         {{"filmstrip", "samples", "elbo", "posterior"},
          "",
          false,
          "The filmstrip is the forward chain q on images; the samples pane shows the reverse "
          "chain p_θ, the canvas beside its x̂₀ at every step. Below left: the bound in bits per "
          "dimension of the 8-bit pixels, with Ho et al.'s discretised decoder as the last "
          "term."},
         "",
         "The reverse kernel is drawn for 2-D data only.",
         "perspective-latent"});

    c.push_back(
        {"score",
         "Score predictor",
         "A diffusion model estimates the score ∇ log p_t.",
         "The score points toward higher density and needs no normalising constant. It cannot be "
         "learned from itself, but denoising score matching can: the score of the noising kernel "
         "is the scaled noise, and its average is the true score. By Tweedie's formula the "
         "denoiser and the score are one function: following the score with step σ² is "
         "denoising.",
         "∇ log p_t(x) = (α D(x) − x) / σ²   (Tweedie)\n"
         "L_DSM = E‖s_θ(x_t) + ε/σ‖²   (same minimiser as score matching)",
         "Hyvärinen 2005; Vincent 2011; Song & Ermon 2019; Efron 2011 (Tweedie); math ref. 1.3",
         {{"score", "field", "chain", "denoising-error"},
          "score",
          true,
          "Top left: the model's score beside the exact one, computed from the denoiser by "
          "Tweedie's formula, over their difference. Top right: streamlines of the score over "
          "log p_t. Move the time cursor: near t = 0 the score is large and sharp near the data, "
          "at high noise it points gently at the mean."},
         {{"samples", "filmstrip", "denoising-error", "spectrum"},
          "",
          false,
          "On images the score is −ε̂/σ: the samples pane shows the canvas and its denoised x̂₀, "
          "the difference of which is the score times σ²/α."},
         "",
         "",
         "perspective-score"});

    c.push_back(
        {"reverse-sde",
         "Reverse-SDE solver",
         "Sampling solves a stochastic differential equation "
         "backwards in time.",
         "Let the steps shrink to zero and noising becomes an SDE. Anderson (1982) showed that it "
         "can be run backwards, with a drift that contains the score; sampling is solving that "
         "reverse SDE from noise to data. Each path is random, but the particles' histogram at "
         "every t is the same p_t as the forward process (the Fokker–Planck equation).",
         "forward:  dx = f(t) x dt + g(t) dw\n"
         "reverse:  dx = [f(t) x − g(t)² ∇ log p_t(x)] dt + g(t) dw̄",
         "Anderson 1982; Song et al. 2021 (score SDE), eq. 5 and 6; math reference 1.4",
         {{"sde-fan", "sde-marginal", "trajectories", "density"},
          "",
          false,
          "Top left: from one starting point, many reverse paths with different noise beside the "
          "deterministic path; the arrows split one step into its drift and its noise. Top "
          "right: the particles' histogram at the shown step against the exact p_t. Step with "
          "← and →: each path wanders, the population does not."},
         {{"samples", "filmstrip", "spectrum", "posterior"},
          "",
          false,
          "The samples pane shows the stochastic canvas and its x̂₀ at each step."},
         "",
         "",
         "perspective-reverse-sde"});

    c.push_back(
        {"flow",
         "Flow (probability-flow ODE)",
         "Sampling can be a deterministic flow with the "
         "same marginals.",
         "Among the processes with the marginals p_t there is a deterministic one, the "
         "probability-flow ODE: a continuous normalising flow trained without ever solving it. It "
         "is a bijection between noise and data, so data can be encoded to noise and decoded back, "
         "and its divergence gives exact likelihoods.",
         "dx/dt = f(t) x − ½ g(t)² ∇ log p_t(x)   (same p_t as the SDE)\n"
         "d log p_t(x_t)/dt = −∇·u(x_t, t)   (instantaneous change of variables)",
         "Song et al. 2021, eq. 13 and App. D.2; Chen et al. 2018; Lipman et al. 2023; "
         "math reference 1.5",
         {{"flow-mesh", "trajectories", "field", "likelihood"},
          "velocity",
          true,
          "Top left: a regular grid of noise pushed through the flow, a mesh that deforms into the "
          "data, and the encode-decode round trip's error. Top right: the ODE's paths. Bottom "
          "left: streamlines of the ODE's velocity at the time cursor. Bottom right: the flow as a "
          "density model, log p_t from the divergence integral beside the closed form, their "
          "difference, and the held-out NLL in nats and bits per dimension."},
         {{"samples", "filmstrip", "spectrum", "posterior"},
          "",
          false,
          "With a deterministic sampler every sample is a fixed function of its noise: the "
          "samples pane shows the canvas and x̂₀ along that map."},
         "",
         "The likelihood of images (Hutchinson's estimator with fixed probes through the U-Net) "
         "is on the command line, diffuscope-cli likelihood --probes K; the window's likelihood "
         "view is 2-D.",
         "perspective-flow"});

    c.push_back(
        {"rnn",
         "Recurrent network",
         "A sampler is a recurrent network unrolled over the steps.",
         "Sampling applies one cell, the denoiser, again and again to a canvas that starts as "
         "noise; the canvas is the hidden state. Every first-order sampler is an affine cell "
         "around the denoiser, and the depth of the unrolled graph is the network's depth times "
         "the number of steps. Training never backpropagates through the recurrence: each step is "
         "learned on its own.",
         "x_{i+1} = a_i x_i + b_i D_θ(x_i, t_i) + c_i z_i\n"
         "DDIM:  a_i = σ_{i+1}/σ_i,   b_i = α_{i+1} − α_i σ_{i+1}/σ_i,   c_i = 0",
         "Song, Meng & Ermon 2021 (DDIM), eq. 12; Karras et al. 2022, Alg. 1; math reference 1.6",
         {{"rnn-cells", "sensitivity", "trajectories", "field"},
          "x0",
          false,
          "Top left, the unrolled network: one cell per step with its coefficients a_i, b_i, c_i "
          "and NFE around the same denoiser D, and below them the singular values of each step's "
          "Jacobian J_i = a_i I + b_i J_D(x_i) for the highlighted particle: above 1 the step "
          "expands, below 1 it contracts. Top right, the sensitivity to the start: the image of a "
          "small circle around x_T under dx_i/dx_T, and backpropagation through time, the arrows "
          "that move x_T to bring the sample towards the data mean. The trajectories are the "
          "recurrence itself: step with ← and → to apply the cell once; the field pane is the "
          "cell's core, D(x) − x at the time cursor."},
         {{"samples", "filmstrip", "spectrum", "posterior"},
          "",
          false,
          "The samples pane is the state (canvas) beside the cell's output x̂₀ at every step."},
         "",
         "For images (Jacobian-vector products along probes, the top singular vectors of "
         "dx_N/dx_T by power iteration) and a tied/untied toggle (two denoisers split at a noise "
         "level) there is no view yet; a learned model's cell Jacobian is taken by central "
         "differences until its exact input Jacobian is wired in.",
         "perspective-rnn"});

    c.push_back(
        {"spectral",
         "Spectral autoregression",
         "On images, sampling builds coarse structure first and fine detail last.",
         "Natural images have a power spectrum that falls like a power law, while Gaussian noise "
         "is flat, so noise drowns the high frequencies first. Run backwards, the sampler fixes "
         "low frequencies first and adds ever finer ones: an autoregression over frequencies.",
         "E R[x_t](f) = α² R[x₀](f) + σ²   (R: radially averaged power spectrum)\n"
         "f_max(t) = max{ f : R[x₀](f) > σ²/α² }",
         "Rissanen et al. 2023; Dieleman 2024 (spectral autoregression); math reference 1.7",
         {{"chain", "field", "trajectories", "density"},
          "",
          false,
          "2-D points have no spatial frequencies; open the preset for images."},
         {{"spectrum", "sampling-spectrum", "samples", "filmstrip"},
          "",
          false,
          "Top left: the spectra of the data, of x_t and of the noise at the time cursor: the "
          "hinge where the noise floor meets the data's power law moves to lower frequencies as t "
          "grows. Top right: while sampling, the spectra of the canvas and of x̂₀ with the band "
          "already decided; step forward and x̂₀ reaches the data's power at low frequencies "
          "first. The samples pane shows coarse shapes settling before detail."},
         "The perspective is about images: points in the plane have no frequencies to order. Its "
         "nearest 2-D analogue is the data's principal directions, drowned in order of variance.",
         "",
         "perspective-spectral"});

    c.push_back(
        {"expectation",
         "Estimator of expectations",
         "A diffusion model estimates the posterior mean E[x₀ | x_t].",
         "The MSE-optimal denoiser is the conditional expectation of the data given the noisy "
         "point, so training on single targets x₀ aims at their average. At high noise the "
         "posterior covers the whole dataset and D is its mean; as noise falls it narrows to a "
         "few points. On a small training set the exact (ideal) denoiser memorises: it returns "
         "training points.",
         "D*(x) = E[x₀ | x_t = x] = argmin_D E‖D(x_t) − x₀‖²\n"
         "w_i(x) = softmax_i(−‖x − α y_i‖² / 2σ²),   D*(x) = Σ_i w_i y_i,   N_eff = 1 / Σ_i w_i²",
         "Robbins 1956; Efron 2011; Kadkhodaie et al. 2024; math reference 1.8 and 4.2",
         {{"expectation", "denoising-error", "field", "trajectories"},
          "x0",
          false,
          "Top left: at the highlighted particle, the posterior over the training points (size = "
          "weight), its mean D*, its covariance ellipse and Monte Carlo averages of K draws "
          "closing in on it. Step back and forth: early the weights spread over everything, late "
          "one point takes all (memorisation)."},
         {{"posterior", "samples", "denoising-error", "filmstrip"},
          "",
          false,
          "The posterior pane shows the training images with the most weight at the particle's "
          "x_t; their weighted mean is x̂₀, blurry at high noise and a copy at low noise."},
         "",
         "",
         "perspective-expectation"});

    return c;
}

} // namespace

const std::vector<Perspective>& perspectives() {
    static const std::vector<Perspective> catalogue = makeCatalogue();
    return catalogue;
}

} // namespace dfs

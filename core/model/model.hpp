// A learned diffusion model: the network and everything needed to use it as a denoiser (its
// target, the schedule it was trained on, the data normalisation, classes).
#pragma once

#include "core/model/conditioning.hpp"
#include "core/model/network.hpp"

#include <string>
#include <utility>
#include <vector>

namespace dfs {

/// Most classes a conditional model takes (its one-hot input grows with them).
inline constexpr int kMaxClasses = 1000;

struct ModelSpec {
    std::string architecture = "mlp"; ///< "mlp", or "unet" for square images
    int dim = 2;                      ///< data dimension
    int embedDim = 32;                ///< sinusoidal features of c_noise (even)
    int classes = 0;       ///< 0: unconditional; else one-hot of classes + 1 (the last is "none")
    int width = 128;       ///< MLP
    int depth = 3;         ///< MLP
    int channels = 32;     ///< U-Net base channels
    int groups = 8;        ///< U-Net GroupNorm groups
    bool attention = true; ///< U-Net self-attention at the bottleneck
    Activation activation = Activation::SiLU;
    Prediction target = Prediction::Edm;
    std::string schedule = "cosine"; ///< the schedule the target is defined on
    double sigmaData = 1.0;          ///< std of the normalised data (EDM sigma_data)
    std::vector<double> mean;        ///< normalisation: x_n = (x - mean) / scale
    double scale = 1.0;

    int inputDim() const { return dim + embedDim + (classes > 0 ? classes + 1 : 0); }
    MlpConfig mlpConfig() const { return {inputDim(), dim, width, depth, activation}; }
    /// The U-Net for images of side sqrt(dim), conditioned on the embedding and label.
    UNetConfig unetConfig() const;
    /// Throws UsageError naming the setting for a value out of range.
    void validate() const;
};

struct Model {
    ModelSpec spec;
    Network net;
    explicit Model(const ModelSpec& s) : spec(s), net(s) {}
};

/// The times a model is trained on and evaluated at: [1e-3 (score_sde's eps), the time where
/// sigma~ = 80 (EDM's sigma_max; 1 on schedules that stop below it)]. Beyond sigma~ = 80 the
/// eps, score and velocity heads cannot give x0 (alpha -> 0), and samplers never start there.
std::pair<double, double> trainingTimeRange(const Schedule& schedule);

/// Sinusoidal features of c_noise (Vaswani et al. 2017, Section 3.5, as used by DDPM):
/// out[k] = sin(250 c_noise f_k), out[half + k] = cos(250 c_noise f_k), f_k = 10000^(-k/half).
/// The factor 250 maps c_noise's working range (about -2..1.5) to DDPM's 0..1000 time scale.
constexpr double kEmbeddingScale = 250.0;
/// f_0 .. f_{half-1} of a dim-wide embedding (f_{k+1} = f_k 10000^(-1/half), as the angles are
/// formed): for a device that forms the features itself (core/backend/train_device.hpp).
std::vector<double> embeddingFrequencies(int dim);
void timeEmbedding(double cNoise, int dim, float* out);
/// The same features for n values of c_noise: row r's at out + r stride, all angles through
/// one vectorised sin/cos pass (the same values as timeEmbedding's, bit for bit).
void timeEmbeddings(const double* cNoise, int n, int dim, float* out, std::size_t stride);

/// Writes the network input for one sample into `column` (spec.inputDim() floats): c_in x,
/// the embedding of c_noise, and the one-hot label (label < 0 or >= classes means "none").
void networkInput(const ModelSpec& spec, const double* xNormalised, const NoiseLevel& level,
                  int label, float* column);
/// The same for n samples at one noise level and label (rows of xNormalised, n x dim), with
/// the embedding computed once.
void networkInputs(const ModelSpec& spec, const double* xNormalised, int n, const NoiseLevel& level,
                   int label, float* columns);
/// The same for n samples, sample r at levels[r] with labels[r], the embeddings computed
/// together (timeEmbeddings).
void networkInputs(const ModelSpec& spec, const double* xNormalised, int n,
                   const NoiseLevel* levels, const int* labels, float* columns);

} // namespace dfs

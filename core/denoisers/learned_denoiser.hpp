// A trained network as a denoiser D(x, t). The network was trained on one schedule in
// normalised coordinates; any other schedule (and the raw data scale) maps onto it exactly
// through x / alpha and sigma~ = sigma / alpha, which every schedule shares (Karras et al.
// 2022, eq. 4): so a model trained on cosine can be sampled on vp-linear, ve or rf.
#pragma once

#include "core/denoisers/denoiser.hpp"
#include "core/model/model.hpp"

#include <memory>
#include <vector>

namespace dfs {

class LearnedDenoiser final : public Denoiser {
public:
    /// label: the class to condition on, or -1 for the unconditional model.
    explicit LearnedDenoiser(std::shared_ptr<const Model> model, int label = -1);
    std::string name() const override { return "learned"; }
    int dim() const override { return m_model->spec.dim; }
    void denoiseRows(const Matrix& x, const NoiseLevel& level, Matrix& out, Index begin,
                     Index end) const override;
    const Model& model() const { return *m_model; }

    /// The same denoiser at one level written as affine maps, for a backend that keeps x on its
    /// device for a whole run: with x* = ratio (x - alpha mean) / scale, the network's column is
    /// [cin x*, features] and D = mean + scale (a x* + b F) (every target's x0 is linear in
    /// x* and F: target.hpp). Requires level.sigma > 0.
    struct Affine {
        double ratio = 1, cin = 1, a = 0, b = 1;
        std::vector<float> features; ///< the noise embedding and one-hot, shared by all rows
        /// For x's rows at `level`: x* (into xs, rows x dim) and the network's input columns
        /// (into input, rows x spec.inputDim()), in float or in double.
        void inputs(const ModelSpec& spec, const Matrix& x, const NoiseLevel& level, double* xs,
                    float* input) const;
        void inputs(const ModelSpec& spec, const Matrix& x, const NoiseLevel& level, double* xs,
                    double* input) const;
    };
    Affine affine(const NoiseLevel& level) const;

private:
    // The three stages of denoiseRows.
    /// Where a noise level lands on the training schedule (see denoiseRows).
    struct Plan {
        NoiseLevel train; ///< the training level t* with the same sigma~ (clamped to the range)
        double ratio = 1; ///< x* = ratio * x_n
    };
    /// Requires level.sigma > 0 (at sigma = 0, D(x) = x / alpha needs no network).
    Plan plan(const NoiseLevel& level) const;
    /// Network inputs (inputDim x n, column-major) for rows [begin, begin + n) of x, and the
    /// normalised points x* (n x dim) that outputs() needs.
    void inputs(const Matrix& x, const NoiseLevel& level, const Plan& plan, Index begin, Index n,
                float* input, double* xs) const;
    /// D for those rows from the network's outputs (dim x n, column-major).
    void outputs(const Plan& plan, const double* xs, const float* net, Index begin, Index n,
                 Matrix& out) const;

    std::shared_ptr<const Model> m_model;
    std::unique_ptr<Schedule> m_schedule; ///< the training schedule
    int m_label;
};

} // namespace dfs

// A trained network as a denoiser D(x, t). The network was trained on one schedule in
// normalised coordinates; any other schedule (and the raw data scale) maps onto it exactly
// through x / alpha and sigma~ = sigma / alpha, which every schedule shares (Karras et al.
// 2022, eq. 4): so a model trained on cosine can be sampled on vp-linear, ve or rf.
#pragma once

#include "core/denoisers/denoiser.hpp"
#include "core/training/model.hpp"

#include <memory>

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

private:
    std::shared_ptr<const Model> m_model;
    std::unique_ptr<Schedule> m_schedule; ///< the training schedule
    int m_label;
};

} // namespace dfs

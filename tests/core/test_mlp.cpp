// MLP forward/backward: the backward pass against central finite differences of the forward
// pass, for every activation and every kernel variant this CPU runs; variants agree.
#include "core/nn/mlp.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <random>

using namespace dfs;

namespace {

/// L = sum_ij G_ij out_ij, in double, for a fixed random G.
double probeLoss(const MlpKernels& k, const Mlp& m, const FloatBuffer& params,
                 const std::vector<float>& in, int batch, const std::vector<float>& g) {
    std::vector<float> acts(std::size_t(mlpActivationFloats(m.shape(), batch)));
    k.forward(m.shape(), params.data(), in.data(), batch, acts.data());
    const float* out = mlpOutput(m.shape(), acts.data(), batch);
    double l = 0;
    for (std::size_t i = 0; i < g.size(); ++i) l += double(g[i]) * out[i];
    return l;
}

} // namespace

TEST_CASE("mlp: backward matches finite differences", "[mlp]") {
    int count = 0;
    const MlpKernels* const* variants = mlpKernelVariants(count);
    REQUIRE(count >= 1);
    for (Activation act : {Activation::SiLU, Activation::GELU, Activation::ReLU}) {
        for (int v = 0; v < count; ++v) {
            const MlpKernels& k = *variants[v];
            INFO("activation " << activationName(act) << ", kernels " << k.isa);
            Mlp m({3, 2, 7, 2, act});
            m.initialise(11);
            const int batch = 5;
            std::mt19937 rng(3);
            std::normal_distribution<float> n01;
            std::vector<float> in(3 * batch), g(2 * batch);
            for (auto& x : in) x = n01(rng);
            for (auto& x : g) x = n01(rng);

            std::vector<float> acts(std::size_t(mlpActivationFloats(m.shape(), batch)));
            std::vector<float> scratch(std::size_t(mlpScratchFloats(m.shape(), batch)));
            std::vector<float> grads(m.params().size());
            k.forward(m.shape(), m.params().data(), in.data(), batch, acts.data());
            k.backward(m.shape(), m.params().data(), in.data(), acts.data(), g.data(), batch,
                       grads.data(), scratch.data());

            FloatBuffer p = m.params();
            double errSq = 0, normSq = 0;
            for (std::size_t i = 0; i < p.size(); ++i) {
                const float h = 1e-2f, keep = p[i];
                p[i] = keep + h;
                const double up = probeLoss(k, m, p, in, batch, g);
                p[i] = keep - h;
                const double down = probeLoss(k, m, p, in, batch, g);
                p[i] = keep;
                const double fd = (up - down) / (2.0 * h);
                errSq += (fd - grads[i]) * (fd - grads[i]);
                normSq += fd * fd;
            }
            // ReLU's kink makes a few finite differences straddle it; smooth ones are tighter.
            CHECK(std::sqrt(errSq / normSq) < (act == Activation::ReLU ? 2e-2 : 2e-3));
        }
    }
}

TEST_CASE("mlp: kernel variants agree and inference matches training forward", "[mlp]") {
    int count = 0;
    const MlpKernels* const* variants = mlpKernelVariants(count);
    Mlp m({34, 2, 128, 3, Activation::SiLU});
    m.initialise(5);
    const int batch = 257;
    std::vector<float> in(34 * batch);
    for (std::size_t i = 0; i < in.size(); ++i) in[i] = float(std::sin(0.37 * double(i)));
    std::vector<float> ref(2 * batch);
    FloatBuffer acts;
    m.forward(in.data(), batch, ref.data(), acts);
    for (int v = 0; v < count; ++v) {
        std::vector<float> a(std::size_t(mlpActivationFloats(m.shape(), batch)));
        variants[v]->forward(m.shape(), m.params().data(), in.data(), batch, a.data());
        const float* out = mlpOutput(m.shape(), a.data(), batch);
        for (int i = 0; i < 2 * batch; ++i)
            CHECK(out[i] == Approx(ref[std::size_t(i)]).margin(1e-5));
    }
}

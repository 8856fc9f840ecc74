// MLP forward/backward: the backward pass against central finite differences of the forward
// pass, for every activation and every kernel variant this CPU runs; variants agree; the
// derivative the training forward pass keeps is the activation's closed-form derivative.
#include "core/nn/mlp.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
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
            k.forwardTrain(m.shape(), m.params().data(), in.data(), batch, acts.data());
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

namespace {

/// The closed-form derivatives in double: SiLU (Elfwing et al. 2018) s (1 + z (1 - s)) with
/// s = 1 / (1 + e^-z); GELU's tanh form (Hendrycks & Gimpel 2016); ReLU's step (1 above 0).
double activationDerivative(Activation act, double z) {
    if (act == Activation::SiLU) {
        const double s = 1.0 / (1.0 + std::exp(-z));
        return s * (1.0 + z * (1.0 - s));
    }
    if (act == Activation::GELU) {
        const double c = 0.7978845608028654, u = c * (z + 0.044715 * z * z * z);
        const double th = std::tanh(u);
        return 0.5 * (1.0 + th) + 0.5 * z * (1.0 - th * th) * c * (1.0 + 3 * 0.044715 * z * z);
    }
    return z > 0 ? 1.0 : 0.0;
}

} // namespace

TEST_CASE("mlp: the training forward pass keeps act'(Z), the closed-form derivative", "[mlp]") {
    int count = 0;
    const MlpKernels* const* variants = mlpKernelVariants(count);
    for (Activation act : {Activation::SiLU, Activation::GELU, Activation::ReLU}) {
        for (int v = 0; v < count; ++v) {
            const MlpKernels& k = *variants[v];
            INFO("activation " << activationName(act) << ", kernels " << k.isa);
            // Width 40 x batch 37: blocks that are not multiples of any packet size.
            Mlp m({3, 2, 40, 2, act});
            m.initialise(7);
            for (auto& p : m.params()) p *= 6.0f; // pre-activations well into both tails
            const int batch = 37;
            std::vector<float> in(3 * batch);
            for (std::size_t i = 0; i < in.size(); ++i) in[i] = float(std::cos(1.3 * double(i)));
            FloatBuffer plain(std::size_t(mlpActivationFloats(m.shape(), batch)));
            FloatBuffer kept(plain.size());
            k.forward(m.shape(), m.params().data(), in.data(), batch, plain.data());
            k.forwardTrain(m.shape(), m.params().data(), in.data(), batch, kept.data());
            // Per hidden layer: [Z_l or act'(Z_l)] then H_l, each 40 x batch; H_l must agree.
            const long block = 40L * batch;
            double zMax = 0;
            for (int l = 0; l < 2; ++l) {
                const float* z = plain.data() + 2 * l * block;
                const float* d = kept.data() + 2 * l * block;
                for (long i = 0; i < block; ++i) {
                    zMax = std::max(zMax, std::abs(double(z[i])));
                    if (act == Activation::ReLU && z[i] == 0.0f) continue;
                    // GELU: float tanh saturates near |u| = 9, dropping a tail below 1e-5.
                    CHECK(d[i] == Approx(activationDerivative(act, z[i]))
                                      .margin(act == Activation::GELU ? 1e-5 : 2e-6));
                    CHECK(kept[std::size_t(2 * l * block + block + i)] ==
                          plain[std::size_t(2 * l * block + block + i)]);
                }
            }
            CHECK(zMax > 8); // the tails were reached
            const float* a = mlpOutput(m.shape(), plain.data(), batch);
            const float* b = mlpOutput(m.shape(), kept.data(), batch);
            for (int i = 0; i < 2 * batch; ++i) CHECK(a[i] == b[i]);
        }
    }
}

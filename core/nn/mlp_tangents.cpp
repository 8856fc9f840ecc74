// Tangent propagation through the MLP's layers (see mlp_tangents.hpp).
#include "core/nn/mlp_tangents.hpp"

#include "core/errors.hpp"

#include <Eigen/Core>
#include <algorithm>
#include <cmath>

namespace dfs {

namespace {
using MatD = Eigen::MatrixXd; // column-major, one sample per column
using ArrD = Eigen::ArrayXXd;
using Index = Eigen::Index;

/// act(z) and act'(z) elementwise: the same functions as the kernels (mlp_kernels.inc).
void activation(int act, const ArrD& z, ArrD& h, ArrD& dh) {
    if (act == int(Activation::SiLU)) { // x s(x); derivative s(x) (1 + x (1 - s(x)))
        const ArrD s = 1.0 / (1.0 + (-z).exp());
        h = z * s;
        dh = s * (1.0 + z * (1.0 - s));
    } else if (act == int(Activation::GELU)) { // tanh approximation (Hendrycks & Gimpel 2016)
        constexpr double c = 0.7978845608028654, k = 0.044715; // sqrt(2/pi)
        const ArrD th = (c * (z + k * z.cube())).tanh();
        h = 0.5 * z * (1.0 + th);
        dh = 0.5 * (1.0 + th) + 0.5 * z * (1.0 - th.square()) * c * (1.0 + 3.0 * k * z.square());
    } else { // ReLU: derivative 0 at 0, as the kernels' backward pass takes it
        h = z.max(0.0);
        dh = (z > 0.0).cast<double>();
    }
}
} // namespace

MlpTangents::MlpTangents(const Mlp& mlp) : m_shape(mlp.shape()) {
    m_params.assign(mlp.params().begin(), mlp.params().end());
    m_paramsF.assign(mlp.params().begin(), mlp.params().end());
}

void MlpTangents::forwardFloat(const float* in, int n, int k, float* out, float* tangents) const {
    if (k < 0 || k > inDim()) throw UsageError("MlpTangents: k must be in [0, inputs]");
    if (n <= 0) return;
    using ArrF = Eigen::Array<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
    const Index rows = Index(k + 1) * n; // [values; tangent 1; ...; tangent k], one row each
    int widest = 0;
    for (int l = 0; l <= m_shape.layers; ++l) widest = std::max(widest, m_shape.dims[l]);
    std::vector<float> a(std::size_t(rows) * widest), z(std::size_t(rows) * widest),
        dact(std::size_t(n) * widest);
    // Layer 0's input: the values; the tangents' input rows are e_j, so their first product
    // is column j of W_0 (set below), and only the values go through the first matrix product.
    std::copy(in, in + long(n) * inDim(), a.begin());
    long off = 0;
    const MlpKernels& kern = mlpKernels();
    for (int l = 0; l < m_shape.layers; ++l) {
        const int nIn = m_shape.dims[l], nOut = m_shape.dims[l + 1];
        const float* w = m_paramsF.data() + off; // W_l column-major = W_l^T row-major (nIn x nOut)
        const float* b = w + long(nOut) * nIn;
        off += long(nOut) * (nIn + 1);
        // Z (rows x nOut, row-major) = A (rows x nIn) W^T
        kern.gemm(int(l == 0 ? n : rows), nOut, nIn, a.data(), false, w, false, 0.0f, z.data());
        Eigen::Map<ArrF> zv(z.data(), n, nOut);
        zv.rowwise() += Eigen::Map<const Eigen::Array<float, 1, Eigen::Dynamic>>(b, nOut);
        if (l == 0)
            for (int j = 0; j < k; ++j)
                Eigen::Map<ArrF>(z.data() + long(j + 1) * n * nOut, n, nOut).rowwise() =
                    Eigen::Map<const Eigen::Array<float, 1, Eigen::Dynamic>>(w + long(j) * nOut,
                                                                             nOut);
        if (l + 1 == m_shape.layers) {
            std::copy(z.begin(), z.begin() + long(n) * nOut, out);
            std::copy(z.begin() + long(n) * nOut, z.begin() + long(k + 1) * n * nOut, tangents);
            return;
        }
        // act and act' (the kernels' own, for this CPU), then the tangents times act'(Z).
        kern.activateWithDerivative(m_shape.activation, z.data(), a.data(), dact.data(),
                                    long(n) * nOut);
        const Eigen::Map<const ArrF> da(dact.data(), n, nOut);
        for (int j = 0; j < k; ++j)
            Eigen::Map<ArrF>(a.data() + long(j + 1) * n * nOut, n, nOut) =
                Eigen::Map<const ArrF>(z.data() + long(j + 1) * n * nOut, n, nOut) * da;
    }
}

void MlpTangents::forward(const double* in, int n, int k, double* out, double* tangents) const {
    if (k < 0 || k > inDim()) throw UsageError("MlpTangents: k must be in [0, inputs]");
    if (n <= 0) return;
    MatD h = Eigen::Map<const MatD>(in, inDim(), n);
    // The tangent of the current layer's input, per direction.
    std::vector<MatD> dh(static_cast<std::size_t>(k));
    long off = 0;
    for (int l = 0; l < m_shape.layers; ++l) {
        const int nIn = m_shape.dims[l], nOut = m_shape.dims[l + 1];
        const Eigen::Map<const MatD> w(m_params.data() + off, nOut, nIn);
        const Eigen::Map<const Eigen::VectorXd> b(m_params.data() + off + long(nOut) * nIn, nOut);
        off += long(nOut) * (nIn + 1);
        MatD z = w * h;
        z.colwise() += b;
        for (int j = 0; j < k; ++j) // first layer: d in / d in_j = e_j, so dZ = column j of W
            dh[std::size_t(j)] =
                l == 0 ? MatD(w.col(j).replicate(1, n)) : MatD(w * dh[std::size_t(j)]);
        if (l + 1 == m_shape.layers) { // the output layer has no activation
            Eigen::Map<MatD>(out, nOut, n) = z;
            for (int j = 0; j < k; ++j)
                Eigen::Map<MatD>(tangents + long(j) * nOut * n, nOut, n) = dh[std::size_t(j)];
            return;
        }
        ArrD a, da;
        activation(m_shape.activation, z.array(), a, da);
        h = a.matrix();
        for (int j = 0; j < k; ++j) dh[std::size_t(j)].array() *= da;
    }
}

} // namespace dfs

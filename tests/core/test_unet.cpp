// The convolutional U-Net and its layers: im2col convolution against direct loops, GroupNorm's
// statistics and gradient, the whole network's backward pass against finite differences,
// shapes, determinism, and a small overfitting run with plain SGD.
#include "core/errors.hpp"
#include "core/nn/attention_block.hpp"
#include "core/nn/conv2d.hpp"
#include "core/nn/group_norm.hpp"
#include "core/nn/param_init.hpp"
#include "core/nn/unet.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <functional>
#include <random>
#include <vector>

using namespace dfs;

namespace {

std::vector<float> randomFloats(std::size_t n, unsigned seed, float scale = 1.0f,
                                float offset = 0.0f) {
    std::mt19937 rng(seed);
    std::normal_distribution<float> n01;
    std::vector<float> v(n);
    for (auto& x : v) x = offset + scale * n01(rng);
    return v;
}

double dot(const std::vector<float>& a, const float* b) {
    double s = 0;
    for (std::size_t i = 0; i < a.size(); ++i) s += double(a[i]) * b[i];
    return s;
}

/// The fourth-order central difference (f(-2h) - 8 f(-h) + 8 f(h) - f(2h)) / (12 h) of a
/// loss as a function of the float *v, restoring *v afterwards.
double finiteDifference(float* v, float h, const std::function<double()>& loss) {
    const float keep = *v;
    double f[4];
    const float steps[4] = {-2 * h, -h, h, 2 * h};
    for (int k = 0; k < 4; ++k) {
        *v = keep + steps[k];
        f[k] = loss();
    }
    *v = keep;
    return (f[0] - 8 * f[1] + 8 * f[2] - f[3]) / (12.0 * h);
}

/// Counts the entries where an analytic gradient and a finite difference disagree by more than
/// rel * max(|a|, |fd|) + abs, and sums the squared errors for an overall relative error.
struct GradientCheck {
    double rel, abs;
    int checked = 0, failed = 0;
    double worst = 0, errSq = 0, normSq = 0;
    double relativeError() const { return std::sqrt(errSq / normSq); }
    void add(double analytic, double fd) {
        ++checked;
        const double err = std::abs(analytic - fd);
        errSq += err * err;
        normSq += fd * fd;
        const double allowed = rel * std::max(std::abs(analytic), std::abs(fd)) + abs;
        worst = std::max(worst, err / allowed);
        if (err > allowed) {
            ++failed;
            UNSCOPED_INFO("analytic " << analytic << " vs finite difference " << fd);
        }
    }
};

/// Direct nested-loop convolution in double (the definition in conv2d.hpp).
std::vector<double> directConv(const Conv2d& conv, int k, int stride, int pad,
                               const std::vector<float>& params, const std::vector<float>& in,
                               int batch) {
    const int ci = conv.inChannels(), co = conv.outChannels();
    const int s = conv.inSide(), os = conv.outSide();
    std::vector<double> out(std::size_t(batch * conv.outFloats()));
    for (int b = 0; b < batch; ++b)
        for (int o = 0; o < co; ++o)
            for (int y = 0; y < os; ++y)
                for (int x = 0; x < os; ++x) {
                    double acc = params[std::size_t(conv.weightCount() + o)];
                    for (int c = 0; c < ci; ++c)
                        for (int i = 0; i < k; ++i)
                            for (int j = 0; j < k; ++j) {
                                const int iy = y * stride - pad + i, ix = x * stride - pad + j;
                                if (iy < 0 || iy >= s || ix < 0 || ix >= s) continue;
                                acc += double(params[std::size_t(((o * ci + c) * k + i) * k + j)]) *
                                       in[std::size_t(((b * ci + c) * s + iy) * s + ix)];
                            }
                    out[std::size_t(((b * co + o) * os + y) * os + x)] = acc;
                }
    return out;
}

} // namespace

TEST_CASE("unet: conv2d matches a direct convolution, forward and backward", "[unet]") {
    struct Shape {
        int in, out, k, stride, pad, side;
    };
    for (const Shape& sh :
         {Shape{3, 5, 3, 1, 1, 8}, Shape{4, 6, 3, 2, 1, 8}, Shape{2, 3, 3, 2, 1, 7},
          Shape{6, 4, 1, 1, 0, 5}, Shape{1, 2, 2, 2, 0, 6}}) {
        INFO("conv " << sh.in << " -> " << sh.out << ", kernel " << sh.k << ", stride " << sh.stride
                     << ", pad " << sh.pad << ", side " << sh.side);
        const Conv2d conv(sh.in, sh.out, sh.k, sh.stride, sh.pad, sh.side);
        const int batch = 3;
        std::vector<float> params(std::size_t(conv.paramCount()));
        conv.initialise(params.data(), 7, 1);
        const auto in = randomFloats(std::size_t(batch * conv.inFloats()), 2);
        std::vector<float> out(std::size_t(batch * conv.outFloats()));
        conv.forward(params.data(), in.data(), batch, out.data());
        const auto ref = directConv(conv, sh.k, sh.stride, sh.pad, params, in, batch);
        for (std::size_t i = 0; i < out.size(); ++i) REQUIRE(out[i] == Approx(ref[i]).margin(1e-5));

        // the conv is linear in (params, in): L = <G, out> has dL/dv = L(e_v) - L(0) exactly,
        // so compare against the direct convolution of unit perturbations.
        const auto g = randomFloats(out.size(), 3);
        std::vector<float> dparams(params.size(), 0.0f), din(in.size(), 0.0f);
        conv.backward(params.data(), in.data(), g.data(), batch, dparams.data(), din.data());
        auto loss = [&](const std::vector<float>& p, const std::vector<float>& x) {
            const auto o = directConv(conv, sh.k, sh.stride, sh.pad, p, x, batch);
            double l = 0;
            for (std::size_t i = 0; i < o.size(); ++i) l += g[i] * o[i];
            return l;
        };
        std::vector<float> zeroIn(in.size(), 0.0f), zeroParams(params.size(), 0.0f);
        for (std::size_t v = 0; v < params.size(); ++v) {
            std::vector<float> e(params.size(), 0.0f);
            e[v] = 1.0f;
            REQUIRE(dparams[v] == Approx(loss(e, in) - loss(zeroParams, in)).margin(1e-4));
        }
        for (std::size_t v = 0; v < in.size(); v += 7) {
            std::vector<float> e(in.size(), 0.0f), p0 = params;
            e[v] = 1.0f;
            std::fill(p0.begin() + conv.weightCount(), p0.end(), 0.0f); // no bias
            REQUIRE(din[v] == Approx(loss(p0, e)).margin(1e-4));
        }
    }
}

TEST_CASE("unet: group norm normalises each group and its backward matches", "[unet]") {
    const int channels = 6, groups = 3, pixels = 10, batch = 2;
    const GroupNorm norm(channels, groups, pixels);
    std::vector<float> params(std::size_t(norm.paramCount()));
    norm.initialise(params.data());
    const auto in = randomFloats(std::size_t(batch * norm.floats()), 4, 2.5f, 3.0f);
    std::vector<float> out(in.size()), xhat(in.size()), rstd(std::size_t(batch * groups));
    norm.forward(params.data(), in.data(), batch, out.data(), xhat.data(), rstd.data());
    const long n = norm.floats() / groups;
    for (int bg = 0; bg < batch * groups; ++bg) {
        double mean = 0, var = 0;
        for (long i = 0; i < n; ++i) mean += out[std::size_t(bg * n + i)];
        mean /= double(n);
        for (long i = 0; i < n; ++i) var += std::pow(out[std::size_t(bg * n + i)] - mean, 2);
        var /= double(n);
        CHECK(mean == Approx(0.0).margin(1e-6));
        CHECK(var == Approx(1.0).epsilon(1e-4)); // var / (var + eps) with var ~ 6
    }

    // random affine parameters, then L = <G, out> against finite differences
    const auto affine = randomFloats(params.size(), 5, 0.5f, 0.7f);
    std::copy(affine.begin(), affine.end(), params.begin());
    const auto g = randomFloats(out.size(), 6);
    std::vector<float> dparams(params.size(), 0.0f), din(in.size(), 0.0f);
    norm.forward(params.data(), in.data(), batch, out.data(), xhat.data(), rstd.data());
    norm.backward(params.data(), xhat.data(), rstd.data(), g.data(), batch, dparams.data(),
                  din.data());
    std::vector<float> x = in;
    auto loss = [&]() {
        std::vector<float> o(in.size()), h(in.size()), r(rstd.size());
        norm.forward(params.data(), x.data(), batch, o.data(), h.data(), r.data());
        return dot(g, o.data());
    };
    GradientCheck check{1e-2, 1e-3};
    for (std::size_t v = 0; v < params.size(); ++v)
        check.add(dparams[v], finiteDifference(&params[v], 1e-2f, loss));
    for (std::size_t v = 0; v < x.size(); ++v)
        check.add(din[v], finiteDifference(&x[v], 1e-2f, loss));
    INFO("worst error / allowed " << check.worst << ", overall " << check.relativeError());
    CHECK(check.failed == 0);
    CHECK(check.relativeError() < 1e-3);
}

TEST_CASE("unet: self-attention matches its definition and its backward", "[unet]") {
    const int channels = 4, groups = 2, pixels = 6, batch = 2;
    const AttentionBlock block(channels, pixels, groups);
    CHECK(block.paramCount() == 2 * 4 + 3 * 4 * 4 + 3 * 4 + 4 * 4 + 4);
    std::vector<float> params(std::size_t(block.paramCount()));
    block.initialise(params.data(), 7, 1);
    const auto x = randomFloats(std::size_t(batch * block.floats()), 11);
    std::vector<float> out(x.size());
    AttentionCache cache;
    block.forward(params.data(), x.data(), batch, out.data(), cache);
    CHECK(out == x); // W_o = 0, b_o = 0: the identity, as DDPM starts it

    params = randomFloats(params.size(), 12, 0.5f);
    block.forward(params.data(), x.data(), batch, out.data(), cache);
    // the definition in double: h = GN(x), qkv = W h + b, A = softmax(q^T k / sqrt(C)),
    // out = x + W_o (v A^T) + b_o
    const GroupNorm norm(channels, groups, pixels);
    std::vector<float> h(x.size()), xhat(x.size()), rstd(std::size_t(batch * groups));
    norm.forward(params.data(), x.data(), batch, h.data(), xhat.data(), rstd.data());
    const float* w = params.data() + 2 * channels;
    const float* bqkv = w + 3 * channels * channels;
    const float* wo = bqkv + 3 * channels;
    const float* bo = wo + channels * channels;
    double worst = 0;
    for (int b = 0; b < batch; ++b) {
        const float* hb = h.data() + b * channels * pixels;
        auto proj = [&](int row, int p) { // row of W_qkv h + b at pixel p
            double s = bqkv[row];
            for (int c = 0; c < channels; ++c)
                s += double(w[row * channels + c]) * hb[c * pixels + p];
            return s;
        };
        for (int i = 0; i < pixels; ++i) {
            std::vector<double> a(static_cast<std::size_t>(pixels));
            double sum = 0;
            for (int j = 0; j < pixels; ++j) {
                double s = 0;
                for (int c = 0; c < channels; ++c) s += proj(c, i) * proj(channels + c, j);
                sum += a[std::size_t(j)] = std::exp(s / std::sqrt(double(channels)));
            }
            for (int o = 0; o < channels; ++o) {
                double acc = x[std::size_t((b * channels + o) * pixels + i)] + bo[o];
                for (int c = 0; c < channels; ++c) {
                    double mixed = 0;
                    for (int j = 0; j < pixels; ++j)
                        mixed += proj(2 * channels + c, j) * a[std::size_t(j)] / sum;
                    acc += double(wo[o * channels + c]) * mixed;
                }
                worst = std::max(worst,
                                 std::abs(acc - out[std::size_t((b * channels + o) * pixels + i)]));
            }
        }
    }
    CHECK(worst < 1e-5);

    const auto g = randomFloats(out.size(), 13);
    std::vector<float> dparams(params.size(), 0.0f), dx(x.size(), 0.0f);
    block.backward(params.data(), cache, g.data(), batch, dparams.data(), dx.data());
    std::vector<float> input = x;
    auto loss = [&]() {
        AttentionCache c;
        std::vector<float> o(x.size());
        block.forward(params.data(), input.data(), batch, o.data(), c);
        return dot(g, o.data());
    };
    GradientCheck check{1e-2, 1e-3};
    for (std::size_t v = 0; v < params.size(); ++v)
        check.add(dparams[v], finiteDifference(&params[v], 1e-2f, loss));
    for (std::size_t v = 0; v < input.size(); ++v)
        check.add(dx[v], finiteDifference(&input[v], 1e-2f, loss));
    INFO("worst error / allowed " << check.worst << ", overall " << check.relativeError());
    CHECK(check.failed == 0);
    CHECK(check.relativeError() < 1e-3);
}

TEST_CASE("unet: backward matches finite differences", "[unet]") {
    UNetConfig cfg;
    cfg.side = 8;
    cfg.channels = 8;
    cfg.groups = 4;
    cfg.embedDim = 6;
    cfg.labelDim = 3;
    UNet net(cfg);
    net.initialise(21);
    // the zero-initialised output conv would hide every earlier layer's gradient
    const ParamSegment& outConv = net.paramSegment("conv_out");
    fillUniform(net.params().data() + outConv.offset, outConv.count, 0.3, 99, 1, 0);
    const ParamSegment& attention = net.paramSegment("mid_attention"); // its W_o, likewise
    fillUniform(net.params().data() + attention.offset, attention.count, 0.3, 99, 2, 0);

    const int batch = 2;
    const auto x = randomFloats(std::size_t(batch * cfg.imageFloats()), 8);
    std::vector<float> embed = randomFloats(std::size_t(batch * cfg.embedInputDim()), 9);
    const auto g = randomFloats(x.size(), 10);
    std::vector<float> out(x.size()), dembed(embed.size()), dx(x.size());
    UNetCache cache;
    net.forward(x.data(), embed.data(), batch, out.data(), cache);
    FloatBuffer grads(net.params().size(), 0.0f);
    net.backward(cache, g.data(), batch, grads, dembed.data(), dx.data());

    std::vector<float> input = x;
    auto loss = [&]() {
        UNetCache c;
        std::vector<float> o(x.size());
        net.forward(input.data(), embed.data(), batch, o.data(), c);
        return dot(g, o.data());
    };
    // The loss is evaluated in float (rounding noise about 1e-6 on |L| ~ 10), so the step is
    // large and the stencil fourth order: with h = 1e-2 the noise already shows in ~2% of entries.
    const float h = 3e-2f;
    // abs: 1% of a typical entry (~0.02); the embedding MLP's entries are the noisiest
    GradientCheck check{1e-2, 2e-4};
    std::mt19937 rng(12);
    std::uniform_int_distribution<long> pick(0, net.paramCount() - 1);
    for (int k = 0; k < 300; ++k) {
        const auto v = std::size_t(pick(rng));
        check.add(grads[v], finiteDifference(&net.params()[v], h, loss));
    }
    for (const ParamSegment& s : net.paramSegments()) // every layer, at its first parameter
        check.add(grads[std::size_t(s.offset)],
                  finiteDifference(&net.params()[std::size_t(s.offset)], h, loss));
    for (std::size_t v = 0; v < embed.size(); ++v)
        check.add(dembed[v], finiteDifference(&embed[v], h, loss));
    for (std::size_t v = 0; v < input.size(); v += 5)
        check.add(dx[v], finiteDifference(&input[v], h, loss));
    INFO("checked " << check.checked << ", worst error / allowed " << check.worst
                    << ", overall relative error " << check.relativeError());
    CHECK(check.failed == 0);
    CHECK(check.relativeError() < 5e-3);

    // The input half alone (a probe's vector-Jacobian product) is the same dx to the bit: it
    // skips the weight and embedding gradients, not any term of dx.
    std::vector<float> dxOnly(x.size(), 7.0f); // overwritten
    net.inputBackward(cache, g.data(), batch, dxOnly.data());
    CHECK(dxOnly == dx);
}

TEST_CASE("unet: shapes, parameter count and config errors", "[unet]") {
    UNet net(UNetConfig{}); // side 16, C 32, 8 groups, embedding 32
    // embedding MLP 32->128->128, conv_in, block1 (32), down 32->64, mid (64), block2 (96->32
    // with a 1x1 skip), norm_out, conv_out 32->1; the bottleneck's self-attention (64 channels)
    const long expected =
        (32 * 128 + 128) + (128 * 128 + 128) + (9 * 32 + 32) +
        (64 + 9 * 32 * 32 + 32 + 128 * 32 + 32 + 64 + 9 * 32 * 32 + 32) + (9 * 32 * 64 + 64) +
        (128 + 9 * 64 * 64 + 64 + 128 * 64 + 64 + 128 + 9 * 64 * 64 + 64) +
        (128 + 3 * 64 * 64 + 3 * 64 + 64 * 64 + 64) +
        (192 + 9 * 96 * 32 + 32 + 128 * 32 + 32 + 64 + 9 * 32 * 32 + 32 + 96 * 32 + 32) + 64 +
        (9 * 32 + 1);
    CHECK(net.paramCount() == expected);
    CHECK(net.paramCount() == 206209);
    const auto& segs = net.paramSegments();
    CHECK(segs.back().offset + segs.back().count == net.paramCount());

    for (int side : {8, 16, 28}) {
        UNetConfig cfg;
        cfg.side = side;
        cfg.channels = 8;
        cfg.groups = 4;
        cfg.labelDim = 11;
        UNet u(cfg);
        u.initialise(3);
        const auto outConv = u.paramSegment("conv_out");
        fillUniform(u.params().data() + outConv.offset, outConv.count, 0.2, 4, 1, 0);
        const int batch = 3;
        const auto x = randomFloats(std::size_t(batch * cfg.imageFloats()), 1);
        const auto e = randomFloats(std::size_t(batch * cfg.embedInputDim()), 2);
        const float sentinel = 12345.0f;
        std::vector<float> out(x.size() + 8, sentinel);
        UNetCache cache;
        u.forward(x.data(), e.data(), batch, out.data(), cache);
        CHECK(std::all_of(out.begin(), out.begin() + long(x.size()),
                          [&](float v) { return std::isfinite(v) && v != sentinel; }));
        CHECK(std::all_of(out.begin() + long(x.size()), out.end(),
                          [&](float v) { return v == sentinel; }));
    }

    UNet zero(UNetConfig{8, 8, 4, 4, 1, 0});
    zero.initialise(1);
    std::vector<float> x(2 * 64, 1.0f), e(2 * 4, 0.5f), out(2 * 64, 7.0f);
    UNetCache cache;
    zero.forward(x.data(), e.data(), 2, out.data(), cache);
    CHECK(std::all_of(out.begin(), out.end(), [](float v) { return v == 0.0f; })); // DDPM init

    CHECK_THROWS_AS(UNet(UNetConfig{7, 8, 4, 4, 1, 0}), UsageError);  // odd side
    CHECK_THROWS_AS(UNet(UNetConfig{8, 10, 4, 4, 1, 0}), UsageError); // groups do not divide
    CHECK_THROWS_AS(UNet(UNetConfig{8, 8, 4, 0, 1, 0}), UsageError);  // no embedding
    FloatBuffer wrong(5);
    CHECK_THROWS_AS(zero.backward(cache, out.data(), 2, wrong), UsageError);
}

TEST_CASE("unet: forward and backward are deterministic", "[unet]") {
    UNetConfig cfg;
    cfg.side = 8;
    cfg.channels = 16;
    cfg.groups = 8;
    cfg.embedDim = 8;
    UNet a(cfg), b(cfg);
    a.initialise(5);
    b.initialise(5);
    REQUIRE(a.params() == b.params());
    const auto outConv = a.paramSegment("conv_out");
    fillUniform(a.params().data() + outConv.offset, outConv.count, 0.2, 6, 1, 0);
    const int batch = 4;
    const auto x = randomFloats(std::size_t(batch * cfg.imageFloats()), 3);
    const auto e = randomFloats(std::size_t(batch * cfg.embedInputDim()), 4);
    const auto g = randomFloats(x.size(), 5);

    UNetCache cache;
    std::vector<float> out1(x.size()), out2(x.size());
    FloatBuffer grads1(a.params().size(), 0.0f), grads2(a.params().size(), 0.0f);
    std::vector<float> de1(e.size()), de2(e.size());
    a.forward(x.data(), e.data(), batch, out1.data(), cache);
    a.backward(cache, g.data(), batch, grads1, de1.data());
    UNetCache fresh;
    a.forward(x.data(), e.data(), batch, out2.data(), fresh);
    a.backward(fresh, g.data(), batch, grads2, de2.data());
    CHECK(out1 == out2);
    CHECK(grads1 == grads2);
    CHECK(de1 == de2);

    // each sample alone gives the same output as in the batch (up to float rounding)
    for (int s = 0; s < batch; ++s) {
        std::vector<float> one(std::size_t(cfg.imageFloats()));
        a.forward(x.data() + s * cfg.imageFloats(), e.data() + s * cfg.embedInputDim(), 1,
                  one.data(), cache);
        for (long i = 0; i < cfg.imageFloats(); ++i)
            CHECK(one[std::size_t(i)] ==
                  Approx(out1[std::size_t(s * cfg.imageFloats() + i)]).margin(1e-5));
    }
}

TEST_CASE("unet: plain SGD overfits four images", "[unet]") {
    UNetConfig cfg;
    cfg.side = 8;
    cfg.channels = 16;
    cfg.groups = 4;
    cfg.embedDim = 8;
    UNet net(cfg);
    net.initialise(17);
    const int batch = 4, pixels = 64;
    // targets: a square, a cross, a diagonal ramp, a checkerboard (values in [-1, 1]); inputs:
    // the targets plus fixed noise; embeddings: one fixed random vector per image
    std::vector<float> target(std::size_t(batch * pixels));
    for (int y = 0; y < 8; ++y)
        for (int x = 0; x < 8; ++x) {
            const int p = y * 8 + x;
            target[std::size_t(p)] = (y >= 2 && y < 6 && x >= 2 && x < 6) ? 1.0f : -1.0f;
            target[std::size_t(pixels + p)] = (y == 3 || y == 4 || x == 3 || x == 4) ? 1.0f : -1.0f;
            target[std::size_t(2 * pixels + p)] = float(x + y) / 7.0f - 1.0f;
            target[std::size_t(3 * pixels + p)] = ((x + y) % 2) ? 1.0f : -1.0f;
        }
    const auto noise = randomFloats(target.size(), 30, 0.5f);
    std::vector<float> input(target.size());
    for (std::size_t i = 0; i < input.size(); ++i) input[i] = target[i] + noise[i];
    const auto embed = randomFloats(std::size_t(batch * cfg.embedInputDim()), 31);

    UNetCache cache;
    std::vector<float> out(target.size()), dout(target.size());
    FloatBuffer grads(net.params().size());
    auto mse = [&]() {
        net.forward(input.data(), embed.data(), batch, out.data(), cache);
        double s = 0;
        for (std::size_t i = 0; i < out.size(); ++i) s += std::pow(out[i] - target[i], 2);
        return s / double(out.size());
    };
    const double initial = mse();
    const float lr = 0.05f;
    double last = initial;
    for (int step = 0; step < 300; ++step) {
        last = mse();
        for (std::size_t i = 0; i < out.size(); ++i)
            dout[i] = 2.0f * (out[i] - target[i]) / float(out.size());
        std::fill(grads.begin(), grads.end(), 0.0f);
        net.backward(cache, dout.data(), batch, grads);
        for (std::size_t i = 0; i < grads.size(); ++i) net.params()[i] -= lr * grads[i];
    }
    const double final = mse();
    INFO("MSE " << initial << " -> " << final << " (step 299: " << last << ")");
    CHECK(std::isfinite(final));
    CHECK(final < initial / 10);
}

// The latent-variable perspective's renderers (elbo, reverse-kernel): each draws its marks where
// its data says, read back from the pixels through the frame the renderer returns.
#include "app/render/plot_frame.hpp"
#include "app/render/view_renderers.hpp"
#include "core/scene/views/elbo_data.hpp"
#include "core/scene/views/reverse_kernel_data.hpp"

#include <QTest>
#include <cmath>

using namespace dfs;
using namespace dfs::render;

namespace {

bool anyNear(const QImage& img, const QPointF& c, int r, bool (*is)(QRgb)) {
    for (int dy = -r; dy <= r; ++dy)
        for (int dx = -r; dx <= r; ++dx) {
            const int x = int(c.x()) + dx, y = int(c.y()) + dy;
            if (img.valid(x, y) && is(img.pixel(x, y))) return true;
        }
    return false;
}

bool blue(QRgb c) {
    return qBlue(c) > 150 && qRed(c) < 150 && qBlue(c) - qRed(c) > 60;
}

} // namespace

class LatentRenderTest : public QObject {
    Q_OBJECT

private slots:
    void elboBarsReachTheirKl() {
        // Ten steps over logSNR 5 .. -5 (one unit each) with KL 10^(-k/3) nats: the returned frame
        // maps (logSNR, log10 KL) to the bars' pixels.
        ElboView v;
        v.model = "exact";
        v.steps = 10;
        v.samples = 100;
        for (int k = 0; k < 10; ++k) {
            v.logSnrS.push_back(5.0 - k);
            v.logSnrT.push_back(4.0 - k);
            v.kl.push_back(std::pow(10.0, -k / 3.0));
            v.klSe.push_back(0);
        }
        v.prior = 0.01;
        v.reconstruction = -3;
        v.total = 0.5;
        v.bitsPerDim = 0.5 / (2 * std::log(2.0));
        v.hasExact = true;
        v.exactNll = 0.4;
        v.time.logSnr = 100; // the cursor off the plot
        QImage img(700, 700, QImage::Format_ARGB32_Premultiplied);
        QPainter p(&img);
        const PlotFrame f =
            renderView(p, QRectF(0, 0, 700, 700), ViewSnapshot("elbo", v), ViewStyle{});
        p.end();
        for (int k = 2; k < 10; ++k) { // clear of the legend at the top right
            const double x = 4.5 - k, top = -k / 3.0;
            QVERIFY2(anyNear(img, f.map(x, top - 0.15), 1, blue),
                     qPrintable(QString("bar %1").arg(k)));
            QVERIFY2(!anyNear(img, f.map(x, top + 0.15), 1, blue),
                     qPrintable(QString("above bar %1").arg(k)));
        }
    }

    void reverseKernelDrawsTheModelsCircles() {
        // The model's Gaussian at (1, -1) with sd 0.5: red on its 1- and 2-sd circles, none at
        // 1.5 sd; the exact density a broad bump (drawn in viridis, no red).
        ReverseKernelView v;
        v.model = "exact";
        v.exactSource = "the mixture";
        ScalarGrid& g = v.density;
        g.nx = g.ny = 40;
        g.x0 = g.y0 = -2;
        g.x1 = g.y1 = 2;
        for (int r = 0; r < 40; ++r)
            for (int c = 0; c < 40; ++c) {
                const double x = -2 + (c + 0.5) * 0.1, y = -2 + (r + 0.5) * 0.1;
                g.values.push_back(float(std::exp(-(x * x + y * y) / 2)));
            }
        v.peak = 1;
        v.modelMean[0] = 1, v.modelMean[1] = -1;
        v.modelStd = 0.5;
        v.bridgeMean[0] = -1, v.bridgeMean[1] = 1;
        v.xt[0] = -1.5, v.xt[1] = -1.5;
        QImage img(600, 600, QImage::Format_ARGB32_Premultiplied);
        QPainter p(&img);
        const PlotFrame f =
            renderView(p, QRectF(0, 0, 600, 600), ViewSnapshot("reverse-kernel", v), ViewStyle{});
        p.end();
        auto red = [](QRgb c) { return qRed(c) > 180 && qGreen(c) < 90 && qBlue(c) < 90; };
        QVERIFY(anyNear(img, f.map(1.5, -1), 2, red));
        QVERIFY(anyNear(img, f.map(1 - std::sqrt(0.5), -1 + std::sqrt(0.5)), 2, red)); // 2 sd
        QVERIFY(!anyNear(img, f.map(1.75, -1), 2, red));
        QVERIFY(!anyNear(img, f.map(-1, 1.25), 2, red));
        // The bridge's dashed green circle of radius 0.5 around (-1, 1).
        auto green = [](QRgb c) { return qGreen(c) > 180 && qRed(c) < 120 && qBlue(c) < 150; };
        QVERIFY(anyNear(img, f.map(-1.5, 1), 3, green) || anyNear(img, f.map(-1, 1.5), 3, green) ||
                anyNear(img, f.map(-0.5, 1), 3, green));
    }
};

QTEST_MAIN(LatentRenderTest)
#include "test_latent.moc"

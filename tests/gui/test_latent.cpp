// The latent-variable perspective's renderers (elbo, reverse-kernel): each draws its marks where
// its data says, read back from the pixels through the frame the renderer returns.
#include "app/render/plot_frame.hpp"
#include "app/render/view_renderers.hpp"
#include "core/scene/views/elbo_data.hpp"

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

bool blue(QRgb c) { return qBlue(c) > 150 && qRed(c) < 150 && qBlue(c) - qRed(c) > 60; }

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
        const PlotFrame f = renderView(p, QRectF(0, 0, 700, 700), ViewSnapshot("elbo", v), ViewStyle{});
        p.end();
        for (int k = 2; k < 10; ++k) { // clear of the legend at the top right
            const double x = 4.5 - k, top = -k / 3.0;
            QVERIFY2(anyNear(img, f.map(x, top - 0.15), 1, blue), qPrintable(QString("bar %1").arg(k)));
            QVERIFY2(!anyNear(img, f.map(x, top + 0.15), 1, blue), qPrintable(QString("above bar %1").arg(k)));
        }
    }
};

QTEST_MAIN(LatentRenderTest)
#include "test_latent.moc"

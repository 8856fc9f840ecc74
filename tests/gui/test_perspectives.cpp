// The perspective views' renderers (autoencoder, denoising-error, expectation): each draws its
// marks where its data says, read back from the pixels through the frame the renderer returns.
#include "app/render/plot_frame.hpp"
#include "app/render/view_renderers.hpp"
#include "core/scene/views/autoencoder_data.hpp"
#include "core/scene/views/denoising_error_data.hpp"
#include "core/scene/views/expectation_data.hpp"
#include "core/scene/views/likelihood_data.hpp"

#include <QTest>
#include <cmath>

using namespace dfs;
using namespace dfs::render;

class PerspectiveRenderTest : public QObject {
    Q_OBJECT

private slots:
    void denoisingErrorCurvesAreWhereTheirValuesAre() {
        // MSE 10^(-x/4) (blue) and Bayes 0.5 of it (red, dashed) over logSNR -4..4; the returned
        // frame maps (logSNR, log10 error) to the pixels where the curves are drawn.
        DenoisingErrorView v;
        v.model = "exact";
        v.reference = "exact";
        for (int i = 0; i <= 16; ++i) {
            const double x = -4 + 0.5 * i;
            v.logSnr.push_back(x);
            v.mse.push_back(std::pow(10.0, -x / 4));
            v.mseSe.push_back(0);
            v.bayes.push_back(0.5 * std::pow(10.0, -x / 4));
            v.bayesSe.push_back(0);
            v.wEps.push_back(std::exp(x));
            v.wV.push_back(1 + std::exp(x));
            v.wVelocity.push_back(1);
            v.wScore.push_back(std::exp(x));
        }
        v.time.logSnr = 2.25;
        QImage img(700, 600, QImage::Format_ARGB32_Premultiplied);
        QPainter p(&img);
        const PlotFrame f = renderView(p, QRectF(0, 0, 700, 600), ViewSnapshot("denoising-error", v), ViewStyle{});
        p.end();
        auto near = [&](double x, double y, auto isColour) {
            const QPointF c = f.map(x, y);
            for (int dy = -2; dy <= 2; ++dy)
                for (int dx = -2; dx <= 2; ++dx)
                    if (isColour(img.pixel(int(c.x()) + dx, int(c.y()) + dy))) return true;
            return false;
        };
        auto blue = [](QRgb c) { return qBlue(c) > 150 && qRed(c) < 90; };
        auto red = [](QRgb c) { return qRed(c) > 180 && qGreen(c) < 100; };
        for (double x : {-1.0, 0.5, 3.0}) { // away from the legend, lower left
            QVERIFY(near(x, -x / 4, blue));
            QVERIFY(!near(x, -x / 4 + 0.6, blue));
            QVERIFY(near(x + 0.25, std::log10(0.5) - (x + 0.25) / 4, red) ||
                    near(x + 0.5, std::log10(0.5) - (x + 0.5) / 4, red)); // dashed
        }
        // The cursor: a grey vertical line at logSNR 2.25, above the curves.
        auto grey = [](QRgb c) { return qRed(c) < 170 && std::abs(qRed(c) - qBlue(c)) < 10; };
        QVERIFY(near(2.25, 0.2, grey));
        QVERIFY(!near(1.5, 0.2, grey));
    }

    void expectationMarksTheMeanAndItsEllipse() {
        // D* at (1, -1) with Cov = diag(0.25, 0.04): the red cross at D*, the 1-sd ellipse's
        // red edge 0.5 to the right of it and 0.2 above, nothing red 0.8 to the right.
        ExpectationView v;
        v.box.extent = 2;
        v.reference = "exact";
        v.mean[0] = 1, v.mean[1] = -1;
        v.cov[0] = 0.25, v.cov[1] = 0, v.cov[2] = 0.04;
        v.x[0] = -1, v.x[1] = 0.5;
        v.xOverAlpha[0] = -1.2, v.xOverAlpha[1] = 0.6;
        v.componentMean = {1.0f, -1.0f};
        v.componentCov = {0.25f, 0.0f, 0.04f};
        v.componentWeight = {1.0f};
        QImage img(600, 600, QImage::Format_ARGB32_Premultiplied);
        QPainter p(&img);
        const PlotFrame f = renderView(p, QRectF(0, 0, 600, 600), ViewSnapshot("expectation", v), ViewStyle{});
        p.end();
        auto redNear = [&](double x, double y) {
            const QPointF c = f.map(x, y);
            for (int dy = -2; dy <= 2; ++dy)
                for (int dx = -2; dx <= 2; ++dx) {
                    const QRgb px = img.pixel(int(c.x()) + dx, int(c.y()) + dy);
                    if (qRed(px) > 180 && qGreen(px) < 90 && qBlue(px) < 90) return true;
                }
            return false;
        };
        QVERIFY(redNear(1, -1));
        QVERIFY(redNear(1.5, -1));
        QVERIFY(redNear(1, -0.8));
        QVERIFY(!redNear(1.8, -1));
        QVERIFY(!redNear(1.25, -0.45)); // outside both ellipses (2 sd: semi-axes 1 and 0.4)
    }

    void autoencoderDrawsItsThreePointsInTheirColours() {
        // x0 (blue) at (1, -1), x_t (grey) at (-1.5, -1.5), D(x_t) (red) at (0.5, -0.5).
        AutoencoderView v;
        v.box.extent = 2;
        v.model = "exact";
        v.x0 = {1, -1};
        v.xt = {-1.5f, -1.5f};
        v.denoised = {0.5f, -0.5f};
        QImage img(500, 500, QImage::Format_ARGB32_Premultiplied);
        QPainter p(&img);
        const PlotFrame f = renderView(p, QRectF(0, 0, 500, 500), ViewSnapshot("autoencoder", v), ViewStyle{});
        p.end();
        auto at = [&](double x, double y) { const QPointF c = f.map(x, y); return img.pixel(int(c.x()), int(c.y())); };
        QVERIFY(qBlue(at(1, -1)) > 150 && qRed(at(1, -1)) < 80);
        QVERIFY(qRed(at(0.5, -0.5)) > 180 && qGreen(at(0.5, -0.5)) < 80);
        QCOMPARE(qRed(at(-1.5, -1.5)), 127);
        QCOMPARE(qRed(at(1.5, 0.5)), 252); // the plot's background: nothing there
    }
    void likelihoodPaintsTheModelsPeakWhereItsCellIs() {
        // A 24 x 24 model grid over [-3, 3]^2 at -10 nats with one cell at 0 (its top): the
        // returned frame (the model's panel) maps that cell's centre to a bright yellow pixel,
        // and a far cell to dark viridis purple; the difference panel is painted too.
        LikelihoodView v;
        v.box.extent = 3;
        ScalarGrid g;
        g.nx = g.ny = 24;
        g.x0 = g.y0 = -3;
        g.x1 = g.y1 = 3;
        g.values.assign(24 * 24, -10.0f);
        const int ix = 17, iy = 6; // centre (1.375, -1.375)
        g.values[std::size_t(iy * 24 + ix)] = 0.0f;
        v.model = g;
        v.exact = g;
        v.difference = g;
        std::fill(v.difference.values.begin(), v.difference.values.end(), 0.0f);
        v.modelName = v.referenceName = "exact";
        v.heldOut = 256;
        v.heldOutFresh = true;
        v.nllModel = v.nllExact = 1.5;
        v.bpdModel = v.bpdExact = 1.5 / (2 * std::log(2.0));
        QImage img(1300, 460, QImage::Format_ARGB32_Premultiplied); // wide: three in a row
        QPainter p(&img);
        const PlotFrame f = renderView(p, QRectF(0, 0, 1300, 460), ViewSnapshot("likelihood", v), ViewStyle{});
        p.end();
        QVERIFY(f.plotRect().right() < 1300 / 3.0 + 1); // the model's panel is the left third
        const QRgb peak = img.pixel(f.map(1.375, -1.375).toPoint());
        QVERIFY2(qRed(peak) > 200 && qGreen(peak) > 200 && qBlue(peak) < 100, "yellow at the peak");
        const QRgb far = img.pixel(f.map(-2.5, 2.5).toPoint());
        QVERIFY2(qRed(far) < 90 && qGreen(far) < 40 && qBlue(far) > 60, "purple away from it");
        // The same cell in the closed-form panel, one panel width to the right.
        const double w = f.plotRect().width();
        int bright = 0;
        for (int dx = -int(w / 4); dx <= int(w / 4); ++dx) {
            const QPoint q = f.map(1.375, -1.375).toPoint() + QPoint(int(f.plotRect().width()) + dx, 0);
            if (q.x() < img.width()) bright += qGreen(img.pixel(q)) > 200 ? 1 : 0;
        }
        QVERIFY(bright > 0);
    }
};

QTEST_MAIN(PerspectiveRenderTest)
#include "test_perspectives.moc"

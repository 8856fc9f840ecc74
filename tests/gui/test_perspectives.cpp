// The perspective views' renderers (autoencoder, denoising-error, expectation, rnn-cells,
// sensitivity): each draws its
// marks where its data says, read back from the pixels through the frame the renderer returns.
#include "app/render/plot_frame.hpp"
#include "app/render/view_renderers.hpp"
#include "core/scene/views/autoencoder_data.hpp"
#include "core/scene/views/denoising_error_data.hpp"
#include "core/scene/views/expectation_data.hpp"
#include "core/scene/views/likelihood_data.hpp"
#include "core/scene/views/rnn_cells_data.hpp"
#include "core/scene/views/sampling_spectrum_data.hpp"
#include "core/scene/views/sensitivity_data.hpp"

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
        const PlotFrame f =
            renderView(p, QRectF(0, 0, 700, 600), ViewSnapshot("denoising-error", v), ViewStyle{});
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
        const PlotFrame f =
            renderView(p, QRectF(0, 0, 600, 600), ViewSnapshot("expectation", v), ViewStyle{});
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
        const PlotFrame f =
            renderView(p, QRectF(0, 0, 500, 500), ViewSnapshot("autoencoder", v), ViewStyle{});
        p.end();
        auto at = [&](double x, double y) {
            const QPointF c = f.map(x, y);
            return img.pixel(int(c.x()), int(c.y()));
        };
        QVERIFY(qBlue(at(1, -1)) > 150 && qRed(at(1, -1)) < 80);
        QVERIFY(qRed(at(0.5, -0.5)) > 180 && qGreen(at(0.5, -0.5)) < 80);
        QCOMPARE(qRed(at(-1.5, -1.5)), 127);
        QCOMPARE(qRed(at(1.5, 0.5)), 252); // the plot's background: nothing there
    }
    void rnnCellsPlotsSingularValuesWhereTheyAre() {
        // Ten cells: sigma_max = 2 (blue), sigma_min = 10^(-0.1 i) (orange) on a log axis against
        // the step; the shown frame 3 as a red vertical line.
        RnnCellsView v;
        v.sampler = "ddim";
        v.network = "exact";
        v.frame = 3;
        for (int i = 0; i < 10; ++i) {
            v.t.push_back(1 - 0.1 * i), v.tNext.push_back(0.9 - 0.1 * i);
            v.a.push_back(0.9), v.b.push_back(0.1), v.prev.push_back(0), v.c.push_back(0);
            v.nfe.push_back(1);
            v.sigmaMax.push_back(2.0);
            v.sigmaMin.push_back(std::pow(10.0, -0.1 * i));
            v.logDet.push_back(std::log(2.0) - 0.1 * i * std::log(10.0));
            v.x.insert(v.x.end(), {0.1 * i, -0.1 * i});
            v.denoised.insert(v.denoised.end(), {0.0, 0.0});
        }
        v.firstCell = 0, v.cellCount = 8;
        QImage img(800, 700, QImage::Format_ARGB32_Premultiplied);
        QPainter p(&img);
        const PlotFrame f =
            renderView(p, QRectF(0, 0, 800, 700), ViewSnapshot("rnn-cells", v), ViewStyle{});
        p.end();
        auto near = [&](double x, double y, auto isColour) {
            const QPointF c = f.map(x, y);
            for (int dy = -2; dy <= 2; ++dy)
                for (int dx = -2; dx <= 2; ++dx)
                    if (isColour(img.pixel(int(c.x()) + dx, int(c.y()) + dy))) return true;
            return false;
        };
        auto blue = [](QRgb c) { return qBlue(c) > 150 && qRed(c) < 90; };
        auto orange = [](QRgb c) {
            return qRed(c) > 200 && qGreen(c) > 90 && qGreen(c) < 160 && qBlue(c) < 80;
        };
        auto red = [](QRgb c) { return qRed(c) > 180 && qGreen(c) < 90 && qBlue(c) < 90; };
        for (int i : {5, 7, 9}) { // right of the legend (lower left)
            QVERIFY(near(i, std::log10(2.0), blue));
            QVERIFY(!near(i, std::log10(2.0) - 0.15, blue));
            QVERIFY(near(i, -0.1 * i, orange));
            QVERIFY(!near(i, -0.1 * i + 0.15, orange));
        }
        QVERIFY(near(3, 0.15, red) || near(3, 0.12, red)); // dash-dotted
        QVERIFY(!near(4.5, 0.15, red));
        // Untied: the cells calling the network below the split draw its box in purple (none
        // while tied), the upper network's stay green.
        auto purple = [](QRgb c) {
            return qRed(c) > 120 && qRed(c) < 170 && qGreen(c) < 125 && qBlue(c) > 170;
        };
        auto countPurple = [&](const QImage& im) {
            int n = 0;
            for (int y = 0; y < im.height() / 3; ++y)
                for (int x = 0; x < im.width(); ++x) n += purple(im.pixel(x, y));
            return n;
        };
        QCOMPARE(countPurple(img), 0);
        v.networkBelow = "ideal";
        v.sigmaSplit = 0.5;
        v.networkOf = {0, 0, 0, 0, 0, 1, 1, 1, 1, 1};
        QImage untied(800, 700, QImage::Format_ARGB32_Premultiplied);
        QPainter q(&untied);
        renderView(q, QRectF(0, 0, 800, 700), ViewSnapshot("rnn-cells", v), ViewStyle{});
        q.end();
        QVERIFY(countPurple(untied) > 50);
        // Only in the cells 5..7 on the right half of the timeline.
        int left = 0;
        for (int y = 0; y < untied.height() / 3; ++y)
            for (int x = 0; x < untied.width() / 2; ++x) left += purple(untied.pixel(x, y));
        QCOMPARE(left, 0);
    }

    void sensitivityDrawsTheImageOfTheCircleAndTheGradient() {
        // One particle from x_T = (-1, -1) to x = (1, 1) with J = diag(2, 0.5) and radius 0.25:
        // the blue ellipse's edge 0.5 right of x and 0.125 above it, not 0.25 above (a circle
        // would be there). g = (1, 0): the arrow on x_T points to -x, 0.3 extent long.
        SensitivityView v;
        v.box.extent = 2;
        v.particles = {0};
        v.start = {-1, -1};
        v.end = {1, 1};
        v.jacobian = {2, 0, 0, 0.5};
        v.gradient = {1, 0};
        v.radius = 0.25;
        v.target[0] = 1.5, v.target[1] = -1.5;
        QImage img(700, 700, QImage::Format_ARGB32_Premultiplied);
        QPainter p(&img);
        const PlotFrame f =
            renderView(p, QRectF(0, 0, 700, 700), ViewSnapshot("sensitivity", v), ViewStyle{});
        p.end();
        auto near = [&](double x, double y, auto isColour) {
            const QPointF c = f.map(x, y);
            for (int dy = -2; dy <= 2; ++dy)
                for (int dx = -2; dx <= 2; ++dx)
                    if (isColour(img.pixel(int(c.x()) + dx, int(c.y()) + dy))) return true;
            return false;
        };
        auto blue = [](QRgb c) { return qBlue(c) > 150 && qRed(c) < 90; };
        auto purple = [](QRgb c) {
            return qRed(c) > 110 && qRed(c) < 180 && qBlue(c) > 150 && qGreen(c) < 130;
        };
        auto red = [](QRgb c) { return qRed(c) > 180 && qGreen(c) < 90 && qBlue(c) < 90; };
        QVERIFY(near(1.5, 1, blue));
        QVERIFY(near(0.5, 1, blue));
        QVERIFY(near(1, 1.125, blue));
        QVERIFY(!near(1, 1.25, blue));
        QVERIFY(!near(1.7, 1, blue));
        QVERIFY(near(-1.3, -1, purple));
        QVERIFY(!near(-0.7, -1, purple));
        QVERIFY(near(1.5, -1.5, red));
    }

    void samplingSpectrumDrawsEachSpectrumWhereItIs() {
        // Data power f^-2 (blue), x0_hat f^-3 (red), floor 0.05 (orange): the returned frame maps
        // (log10 f, log10 power) to the pixels of the upper plot.
        SamplingSpectrumView v;
        for (int f = 1; f <= 8; ++f) {
            v.frequency.push_back(f);
            v.data.push_back(std::pow(f, -2.0));
            v.x0Hat.push_back(std::pow(f, -3.0));
            v.canvas.push_back(std::pow(f, -2.0) + 0.05);
            v.ratio.push_back(1.0 / f);
        }
        v.noise = 0.05;
        v.decided = 4;
        QImage img(700, 700, QImage::Format_ARGB32_Premultiplied);
        QPainter p(&img);
        const PlotFrame f = renderView(p, QRectF(0, 0, 700, 700),
                                       ViewSnapshot("sampling-spectrum", v), ViewStyle{});
        p.end();
        auto near = [&](double lx, double ly, auto isColour) {
            const QPointF c = f.map(lx, ly);
            for (int dy = -2; dy <= 2; ++dy)
                for (int dx = -2; dx <= 2; ++dx)
                    if (isColour(img.pixel(int(c.x()) + dx, int(c.y()) + dy))) return true;
            return false;
        };
        auto blue = [](QRgb c) { return qBlue(c) > 150 && qRed(c) < 90; };
        auto red = [](QRgb c) { return qRed(c) > 180 && qGreen(c) < 90 && qBlue(c) < 90; };
        auto green = [](QRgb c) { return qGreen(c) > 130 && qRed(c) < 90 && qBlue(c) < 90; };
        for (double lf : {0.45, 0.75}) { // away from the legend at the lower left
            QVERIFY(near(lf, -2 * lf, blue));
            QVERIFY(near(lf, -3 * lf, red));
            QVERIFY(!near(lf, -2 * lf + 0.5, blue));
        }
        QVERIFY(near(std::log10(4.0), -0.3, green)); // the decided frequency's line
        QVERIFY(!near(std::log10(6.0), -0.3, green));
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
        const PlotFrame f =
            renderView(p, QRectF(0, 0, 1300, 460), ViewSnapshot("likelihood", v), ViewStyle{});
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
            const QPoint q =
                f.map(1.375, -1.375).toPoint() + QPoint(int(f.plotRect().width()) + dx, 0);
            if (q.x() < img.width()) bright += qGreen(img.pixel(q)) > 200 ? 1 : 0;
        }
        QVERIFY(bright > 0);
    }
};

QTEST_MAIN(PerspectiveRenderTest)
#include "test_perspectives.moc"

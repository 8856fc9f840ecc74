// Mixture files: parsing and validation of a user's Gaussian mixture.
#include "core/datasets/gmm_file.hpp"

#include "core/errors.hpp"
#include "core/io/input_file.hpp"
#include "core/io/json_errors.hpp"

#include <Eigen/Eigenvalues>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cmath>

namespace dfs {

namespace {

using json = nlohmann::json;

constexpr std::size_t kMaxGmmFileBytes = std::size_t(1) << 24;

struct Reader {
    const std::string& source;

    [[noreturn]] void fail(const std::string& where, const std::string& what) const {
        throw DataError(fmt::format("{}: {} {}", source, where, what));
    }
    double number(const json& v, const std::string& where) const {
        if (!v.is_number()) fail(where, "must be a number");
        const double x = v.get<double>();
        if (!std::isfinite(x)) fail(where, "must be a finite number");
        return x;
    }
    Vector vector(const json& v, const std::string& where, Index size) const {
        if (!v.is_array() || Index(v.size()) != size)
            fail(where, fmt::format("must be an array of {} numbers", size));
        Vector out(size);
        for (Index i = 0; i < size; ++i)
            out[i] = number(v[std::size_t(i)], fmt::format("{}[{}]", where, i));
        return out;
    }
    const json& array(const json& j, const char* key, std::size_t count) const {
        if (!j.contains(key)) fail(fmt::format("\"{}\"", key), "is missing");
        const json& a = j[key];
        if (!a.is_array() || a.size() != count)
            fail(fmt::format("\"{}\"", key),
                 fmt::format("must be an array of {} entries, one per mean", count));
        return a;
    }
};

} // namespace

bool isGmmFile(const std::string& dataset) {
    return dataset.rfind(kGmmFilePrefix, 0) == 0;
}

GmmParams gmmFromJson(const std::string& text, const std::string& source) {
    json j;
    try {
        j = json::parse(text);
    } catch (const json::parse_error& e) {
        throw DataError(
            fmt::format("{}: not valid JSON ({})", source, jsonSyntaxProblem(text, e.byte)));
    } catch (const json::exception& e) { // a number that overflows double: 2e+308
        throw DataError(fmt::format("{}: not valid JSON ({})", source, jsonProblem(e.what())));
    }
    const Reader r{source};
    if (!j.is_object()) r.fail("the file", "must hold a JSON object with \"means\"");
    if (!j.contains("means") || !j["means"].is_array() || j["means"].empty())
        r.fail("\"means\"", "must be a non-empty array of [x, y] points");
    const std::size_t k = j["means"].size();
    if (k > std::size_t(kMaxGmmComponents))
        r.fail("\"means\"", fmt::format("has {} components (at most {})", k, kMaxGmmComponents));
    constexpr Index d = 2; // the explorer's points are 2-D
    GmmParams g;
    for (std::size_t c = 0; c < k; ++c)
        g.means.push_back(r.vector(j["means"][c], fmt::format("means[{}]", c), d));
    if (j.contains("covariances") == j.contains("stds"))
        r.fail("the mixture", "needs exactly one of \"covariances\" (2x2 matrices) or \"stds\"");
    if (j.contains("covariances")) {
        const json& covs = r.array(j, "covariances", k);
        for (std::size_t c = 0; c < k; ++c) {
            const std::string where = fmt::format("covariances[{}]", c);
            if (!covs[c].is_array() || covs[c].size() != std::size_t(d))
                r.fail(where, "must be a 2x2 matrix [[a, b], [b, c]]");
            Matrix m(d, d);
            for (Index row = 0; row < d; ++row)
                m.row(row) =
                    r.vector(covs[c][std::size_t(row)], fmt::format("{}[{}]", where, row), d)
                        .transpose();
            const double scale = m.cwiseAbs().maxCoeff();
            if ((m - m.transpose()).cwiseAbs().maxCoeff() > 1e-12 * std::max(scale, 1.0))
                r.fail(where, "is not symmetric");
            const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(m);
            const double least = eig.eigenvalues().minCoeff();
            if (least < -1e-12 * std::max(scale, 1.0))
                r.fail(where,
                       fmt::format("is not positive semi-definite (eigenvalue {:g})", least));
            g.covs.push_back(m);
        }
    } else {
        const json& stds = r.array(j, "stds", k);
        for (std::size_t c = 0; c < k; ++c) {
            const double s = r.number(stds[c], fmt::format("stds[{}]", c));
            if (s < 0) r.fail(fmt::format("stds[{}]", c), "must be >= 0");
            g.covs.push_back(Matrix::Identity(d, d) * (s * s));
        }
    }
    if (j.contains("weights")) {
        const json& w = r.array(j, "weights", k);
        double total = 0;
        for (std::size_t c = 0; c < k; ++c) {
            const double x = r.number(w[c], fmt::format("weights[{}]", c));
            if (x < 0) r.fail(fmt::format("weights[{}]", c), "must be >= 0");
            g.weights.push_back(x);
            total += x;
        }
        if (!(total > 0)) r.fail("\"weights\"", "must not all be 0");
        for (double& x : g.weights) x /= total;
    } else {
        g.weights.assign(k, 1.0 / double(k));
    }
    return g;
}

GmmParams readGmmFile(const std::string& path) {
    // A FIFO or device is refused by name; a file over the limit before it is read.
    return gmmFromJson(readRegularFile(path, kMaxGmmFileBytes, "mixture file"), path);
}

std::string gmmToJson(const GmmParams& gmm) {
    json means = json::array(), covs = json::array();
    for (int c = 0; c < gmm.size(); ++c) {
        means.push_back({gmm.means[std::size_t(c)][0], gmm.means[std::size_t(c)][1]});
        const Matrix& m = gmm.covs[std::size_t(c)];
        covs.push_back({{m(0, 0), m(0, 1)}, {m(1, 0), m(1, 1)}});
    }
    return json{{"means", means}, {"covariances", covs}, {"weights", gmm.weights}}.dump(2) + "\n";
}

} // namespace dfs

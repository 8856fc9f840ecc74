// Hutchinson's trace estimator with fixed Rademacher probes, for the PF-ODE's divergence where
// the dimension is large (images): tr J = E_v[v^T J v] for any probe with E[v v^T] = I
// (Hutchinson 1989; Grathwohl et al. 2019, FFJORD, eq. 7; Song et al. 2021, App. D.2). The
// probes have independent entries +-1 (Rademacher: the least variance of such probes,
// Var[v^T J v] = 2 sum_{i != j} S_ij^2 with S the symmetric part of J) and are drawn once and
// kept for the whole solve, so that the estimated divergence is a smooth function of (x, t) and
// an adaptive solver sees one deterministic ODE (FFJORD Sec. 3.1: the noise is fixed for the
// duration of each solve). J v is a Jacobian-vector product: one forward-mode pass, never the
// d x d Jacobian.
#pragma once

#include "core/types.hpp"

#include <cstdint>
#include <functional>

namespace dfs {

/// K probes of dimension d (K x d), entries +-1 with probability 1/2 each, deterministic in the
/// seed (SplitMix64, Steele et al. 2014).
Matrix rademacherProbes(Index probes, Index dim, std::uint64_t seed);

/// For every row of x: rows of `v` (n x d) in, the product J(x_r) v_r (n x d) out.
using JacobianVectorProduct = std::function<void(const Matrix& v, Matrix& jv)>;

/// v_k^T J(x_r) v_k for each of n rows (columns of the result: the K probes), from K JVPs, each
/// with probe k in every row. The estimate of tr J(x_r) is the row's mean, its standard error
/// the row's standard deviation / sqrt(K).
Matrix hutchinsonTerms(const JacobianVectorProduct& jvp, const Matrix& probes, Index n);

/// Bits per dimension of 8-bit data scaled to [-1, 1], under uniform dequantisation:
/// -log P(x) <= E_u[-log p(x + u)] + D ln 128 for u uniform on a quantisation cell of width
/// 2/256 (Theis et al. 2016, Sec. 3.1; Ho et al. 2020, Sec. 3.3), so
/// bits/dim = NLL / (D ln 2) + 7 (score_sde's likelihood.py: offset 7 - inverse_scaler(-1) with
/// centred data). nll is the continuous model's mean negative log density in nats.
double dequantisedBitsPerDim(double nll, Index dim);

} // namespace dfs

#!/usr/bin/python3
"""Diffuscope against PyTorch on the same workload, side by side in one run, as a ratio.

  --workload field   the ideal-denoiser field of issue 2: 8,000 `moons` points (written by
                     diffuscope-cli, so both sides use the same data), a 128 x 128 grid on
                     [-3, 3]^2, sigma = 0.5 (ve, alpha = 1). PyTorch: cdist + softmax + matmul in
                     query chunks, float32. Figure: G pairs/s, median of 5 after a warm-up.
                     With --backend vulkan --device cuda: issue 4's GPU field, 60,000 points x
                     a 512 x 512 grid, diffuscope on Vulkan beside PyTorch on CUDA.
  --workload train   the training workload of issue 3: MLP 34 -> 128 -> 128 -> 128 -> 2 with
                     SiLU (2-D input + 32 sinusoidal features of the noise level), batch 256,
                     Adam (lr 1e-3), eps target, cosine schedule, 8,000 `moons` points.
                     Figure: optimiser steps/s. --batch 4096 --backend vulkan --device cuda is
                     issue 4's GPU workload (forward, backward and AdamW on the device).
  --workload unet    image training (issue 7): the U-Net of core/nn/unet.hpp (16x16, 32
                     channels, GroupNorm 8, SiLU, two resolutions, self-attention at 8x8, time
                     embedding), batch 64,
                     Adam, on 16x16 `shapes` images written by diffuscope-cli. PyTorch builds the
                     same architecture with nn.Conv2d/GroupNorm. Figure: training images/s.
  --workload ddim    sampling (issue 4): deterministic DDIM, --steps steps of --particles
                     particles through the MLP 34 -> 128 -> 128 -> 128 -> 2 (SiLU; EDM head,
                     cosine schedule). With --backend vulkan --device cuda on the GPU machine
                     (issue 4's 10^6 x 100 workload) diffuscope runs it whole on the device and
                     PyTorch on CUDA. Figure: M particle-steps/s.
  --workload likelihood  exact likelihood through the PF-ODE (issue 17): 10,000 `moons` points
                     through the same MLP (EDM head, cosine), fixed-step RK4 (--steps, default
                     10: 40 NFE) from t = 1e-3 up, with the exact 2-D trace of dD/dx: diffuscope
                     by forward mode in float32 (--float), PyTorch by two backward passes (one
                     per coordinate) in float32 (torchdiffeq is not installed: the RK4 is written
                     out). PyTorch stops at t = 0.99 where alpha(1) = 0 would divide by zero;
                     the work is the same. Figure: points/s. Then adaptive Dormand-Prince 5(4)
                     at rtol = atol = --tol (1e-5) on both sides, the same tableau, error norm
                     and step control (Hairer et al. 1993, II.4): diffuscope with a step size
                     per point (block 1) and per block of 32 points (the network batched),
                     PyTorch batched with one step size for all points (the largest point
                     error decides, as torchdiffeq does for a batch); the mean NFE per point
                     beside each figure.

Both sides run at 1 and 2 threads; these machines are shared and noisy, so read the ratio.
With --device cuda (the GPU machine) PyTorch runs each workload in fp32, TF32, bf16 autocast and
torch.compile (bounded by --compile-timeout; skipped with a note when it fails), and each
diffuscope figure is printed as a ratio to PyTorch's best (ddim: also with --coopmat).
"""
import argparse
import contextlib
import math
import os
import re
import subprocess
import sys
import tempfile
import time


# PyTorch's settings on CUDA, each timed: plain fp32, TF32 matmuls, bf16 autocast, and
# torch.compile (TF32; in a subprocess bounded by --compile-timeout, as compiling is slow).
SETTINGS = ("fp32", "tf32", "bf16", "compile")


def apply_setting(torch, setting):
    """Sets TF32 for the setting; returns the context its work runs in (autocast for bf16)."""
    tf32 = setting in ("tf32", "compile")
    if hasattr(torch.backends, "cuda"):
        torch.backends.cuda.matmul.allow_tf32 = tf32
        torch.backends.cudnn.allow_tf32 = tf32
    if setting == "bf16":
        return torch.autocast("cuda", dtype=torch.bfloat16)
    return contextlib.nullcontext()


def set_threads(torch, threads):
    """PyTorch's intra-op threads and, where Debian's torch calls OpenBLAS (libopenblas0-pthread,
    whose own pool torch.set_num_threads leaves at one thread per core), OpenBLAS's."""
    torch.set_num_threads(threads)
    try:
        import ctypes
        ctypes.CDLL("libopenblas.so.0").openblas_set_num_threads(threads)
    except (OSError, AttributeError):
        pass


def maybe_compile(torch, fn, setting):
    return torch.compile(fn) if setting == "compile" else fn


def diffuscope(cli, workload, threads, extra=(), key=None):
    out = subprocess.run([cli, "bench", "--workload", workload, "--threads", str(threads),
                          *extra], check=True, capture_output=True, text=True).stdout
    key = key or {"field": "gpairs_per_s", "train": "steps_per_s", "unet": "images_per_s",
                  "ddim": "mparticle_steps_per_s", "likelihood": "points_per_s"}[workload]
    if isinstance(key, tuple):
        return tuple(float(re.search(k + r"=([0-9.]+)", out).group(1)) for k in key)
    return float(re.search(key + r"=([0-9.]+)", out).group(1))


def moons(cli, n=8000):
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "moons.csv")
        subprocess.run([cli, "data", "--dataset", "moons", "--n", str(n), "--out", path],
                       check=True, capture_output=True)
        with open(path) as f:
            next(f)
            return [[float(v) for v in line.split(",")[:2]] for line in f]


def torch_field(torch, points, threads, repeat=5, chunk=2048, grid=128, device="cpu",
                setting="fp32"):
    set_threads(torch, threads)
    y = torch.tensor(points, dtype=torch.float32, device=device)
    ticks = torch.linspace(-3.0, 3.0, grid, device=device)
    gy, gx = torch.meshgrid(ticks, ticks, indexing="ij")
    q = torch.stack([gx.reshape(-1), gy.reshape(-1)], dim=1)
    sigma = 0.5

    def part(qc):
        d2 = torch.cdist(qc, y).square()
        w = torch.softmax(d2 * (-0.5 / sigma ** 2), dim=1)
        return w @ y

    part = maybe_compile(torch, part, setting)

    def run():
        with context:
            return torch.cat([part(q[start:start + chunk]) for start in range(0, q.shape[0], chunk)])

    context = apply_setting(torch, setting)
    with torch.no_grad():
        run()
        times = []
        for _ in range(repeat):
            if device == "cuda":
                torch.cuda.synchronize()
            t0 = time.perf_counter()
            run()
            if device == "cuda":
                torch.cuda.synchronize()
            times.append(time.perf_counter() - t0)
    times.sort()
    return q.shape[0] * y.shape[0] / times[len(times) // 2] * 1e-9


def torch_train(torch, points, threads, steps=1000, batch=256, device="cpu", setting="fp32"):
    set_threads(torch, threads)
    torch.manual_seed(0)
    data = torch.tensor(points, dtype=torch.float32, device=device)
    data = (data - data.mean(0)) / data.std()
    net = torch.nn.Sequential(
        torch.nn.Linear(34, 128), torch.nn.SiLU(), torch.nn.Linear(128, 128), torch.nn.SiLU(),
        torch.nn.Linear(128, 128), torch.nn.SiLU(), torch.nn.Linear(128, 2)).to(device)
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    context = apply_setting(torch, setting)
    fwd = maybe_compile(torch, net, setting)
    half = 16
    freqs = torch.exp(-math.log(10000.0) * torch.arange(half, device=device) / half)
    s = 0.008

    def alpha_sigma(t):  # cosine schedule (Nichol & Dhariwal 2021, eq. 17)
        f = torch.cos((t + s) / (1 + s) * math.pi / 2) / math.cos(s / (1 + s) * math.pi / 2)
        return f, torch.sqrt(torch.clamp(1 - f * f, min=0))

    def step():
        idx = torch.randint(0, data.shape[0], (batch,), device=device)
        t = torch.rand(batch, device=device) * 0.99 + 1e-3
        a, sg = alpha_sigma(t)
        eps = torch.randn(batch, 2, device=device)
        x = a[:, None] * data[idx] + sg[:, None] * eps
        c = 250 * 0.25 * torch.log(sg / a)
        emb = torch.cat([torch.sin(c[:, None] * freqs), torch.cos(c[:, None] * freqs)], dim=1)
        with context:
            out = fwd(torch.cat([x, emb], dim=1))
        loss = ((out.float() - eps) ** 2).mean()
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()

    for _ in range(50):
        step()
    if device == "cuda":
        torch.cuda.synchronize()
    t0 = time.perf_counter()
    for _ in range(steps):
        step()
    if device == "cuda":
        torch.cuda.synchronize()
    return steps / (time.perf_counter() - t0)


def shapes16(cli, n=4000):
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "shapes.csv")
        subprocess.run([cli, "data", "--dataset", "shapes", "--resolution", "16", "--n", str(n),
                        "--out", path], check=True, capture_output=True)
        with open(path) as f:
            next(f)
            return [[float(v) for v in line.split(",")[:256]] for line in f]


def torch_unet(torch, images, threads, steps=16):
    nn = torch.nn
    set_threads(torch, threads)
    torch.manual_seed(0)
    C, E = 32, 32

    class Res(nn.Module):  # GroupNorm, SiLU, conv, + dense(embedding), GroupNorm, SiLU, conv
        def __init__(self, cin, cout):
            super().__init__()
            self.n1, self.c1 = nn.GroupNorm(8, cin), nn.Conv2d(cin, cout, 3, padding=1)
            self.e = nn.Linear(4 * C, cout)
            self.n2, self.c2 = nn.GroupNorm(8, cout), nn.Conv2d(cout, cout, 3, padding=1)
            self.skip = nn.Conv2d(cin, cout, 1) if cin != cout else nn.Identity()

        def forward(self, x, e):
            h = self.c1(nn.functional.silu(self.n1(x))) + self.e(e)[:, :, None, None]
            return self.skip(x) + self.c2(nn.functional.silu(self.n2(h)))

    class Attn(nn.Module):  # GroupNorm, 1x1 q/k/v, one-head softmax attention, 1x1 out, residual
        def __init__(self, ch):
            super().__init__()
            self.n, self.qkv, self.o = nn.GroupNorm(8, ch), nn.Conv2d(ch, 3 * ch, 1), nn.Conv2d(ch, ch, 1)

        def forward(self, x):
            b, ch, hh, ww = x.shape
            q, k, v = self.qkv(self.n(x)).reshape(b, 3, ch, hh * ww).unbind(1)
            a = torch.softmax(q.transpose(1, 2) @ k / math.sqrt(ch), dim=-1)
            return x + self.o((v @ a.transpose(1, 2)).reshape(b, ch, hh, ww))

    class UNet(nn.Module):
        def __init__(self):
            super().__init__()
            self.emb = nn.Sequential(nn.Linear(E, 4 * C), nn.SiLU(), nn.Linear(4 * C, 4 * C), nn.SiLU())
            self.inp = nn.Conv2d(1, C, 3, padding=1)
            self.b1, self.down = Res(C, C), nn.Conv2d(C, 2 * C, 3, stride=2, padding=1)
            self.mid, self.attn, self.b2 = Res(2 * C, 2 * C), Attn(2 * C), Res(3 * C, C)
            self.norm, self.out = nn.GroupNorm(8, C), nn.Conv2d(C, 1, 3, padding=1)

        def forward(self, x, emb):
            e = self.emb(emb)
            h1 = self.b1(self.inp(x), e)
            m = self.attn(self.mid(self.down(h1), e))
            up = nn.functional.interpolate(m, scale_factor=2, mode="nearest")
            h = self.b2(torch.cat([h1, up], dim=1), e)
            return self.out(nn.functional.silu(self.norm(h)))

    net = UNet()
    opt = torch.optim.Adam(net.parameters(), lr=5e-4)
    data = torch.tensor(images, dtype=torch.float32).reshape(-1, 1, 16, 16)
    half = E // 2
    freqs = torch.exp(-math.log(10000.0) * torch.arange(half) / half)

    def step():
        idx = torch.randint(0, data.shape[0], (64,))
        t = torch.rand(64) * 0.99 + 1e-3
        a = torch.cos((t + 0.008) / 1.008 * math.pi / 2)
        sg = torch.sqrt(1 - a * a)
        eps = torch.randn(64, 1, 16, 16)
        x = a[:, None, None, None] * data[idx] + sg[:, None, None, None] * eps
        c = 250 * 0.25 * torch.log(sg / a)
        emb = torch.cat([torch.sin(c[:, None] * freqs), torch.cos(c[:, None] * freqs)], dim=1)
        loss = ((net(x, emb) - eps) ** 2).mean()
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()

    for _ in range(2):
        step()
    t0 = time.perf_counter()
    for _ in range(steps):
        step()
    return steps * 64 / (time.perf_counter() - t0)


def torch_ddim(torch, threads, particles, steps, device, setting="fp32"):
    nn = torch.nn
    set_threads(torch, threads)
    torch.manual_seed(0)
    net = nn.Sequential(nn.Linear(34, 128), nn.SiLU(), nn.Linear(128, 128), nn.SiLU(),
                        nn.Linear(128, 128), nn.SiLU(), nn.Linear(128, 2)).to(device)
    context = apply_setting(torch, setting)
    fwd = maybe_compile(torch, net, setting)
    freqs = torch.exp(-math.log(10000.0) * torch.arange(16, device=device) / 16)
    ts = torch.linspace(0.999, 0.0, steps + 1).tolist()

    def level(t):  # cosine schedule (Nichol & Dhariwal 2021, eq. 17)
        a = math.cos((t + 0.008) / 1.008 * math.pi / 2)
        return a, math.sqrt(max(1 - a * a, 0.0))

    def run():
        x = torch.randn(particles, 2, device=device)
        with torch.no_grad():
            for k in range(steps):
                at, st = level(ts[k])
                as_, ss = level(ts[k + 1])
                sig = st / at  # EDM preconditioning at sigma~ (Karras et al. 2022, Table 1)
                norm = math.sqrt(sig * sig + 1)
                cin, cskip, cout = 1 / norm, 1 / (norm * norm), sig / norm
                c = 250 * 0.25 * math.log(sig)
                emb = torch.cat([torch.sin(c * freqs), torch.cos(c * freqs)]).expand(particles, 32)
                xs = x / at
                with context:
                    f = fwd(torch.cat([cin * xs, emb], dim=1)).float()
                d = at * (cskip * xs + cout * f)
                x = as_ * d + ss * (x - at * d) / st
        if device == "cuda":
            torch.cuda.synchronize()

    run()
    times = []
    for _ in range(3):
        t0 = time.perf_counter()
        run()
        times.append(time.perf_counter() - t0)
    return particles * steps / sorted(times)[1] * 1e-6


# Dormand & Prince (1980), Table 5.2 of Hairer et al. (1993): nodes c, matrix a (row 6 = the
# 5th-order weights b) and e = b - b^ (the embedded 4th-order solution's difference).
DP_C = (0, 1 / 5, 3 / 10, 4 / 5, 8 / 9, 1, 1)
DP_A = ((), (1 / 5,), (3 / 40, 9 / 40), (44 / 45, -56 / 15, 32 / 9),
        (19372 / 6561, -25360 / 2187, 64448 / 6561, -212 / 729),
        (9017 / 3168, -355 / 33, 46732 / 5247, 49 / 176, -5103 / 18656),
        (35 / 384, 0, 500 / 1113, 125 / 192, -2187 / 6784, 11 / 84))
DP_E = (71 / 57600, 0, -71 / 16695, 71 / 1920, -17253 / 339200, 22 / 525, -1 / 40)


def dopri5(torch, f, y, t0, t1, rtol, atol):
    """Adaptive Dormand-Prince 5(4) on the batch y (n x k) with one step size: the error norm is
    the largest row's RMS of err / (atol + rtol max(|y0|, |y1|)); the initial step and the step
    control are Hairer et al. (1993) II.4 (the same as core/samplers/ode_solvers.cpp). Returns
    (y(t1), evaluations of f)."""
    nfe = 0

    def ev(yy, t):
        nonlocal nfe
        nfe += 1
        return f(yy, t)

    def rms(v, scale):
        return (v / scale).square().mean(1).max().sqrt().item()

    span = t1 - t0
    k = [ev(y, t0)] + [None] * 6
    sc = atol + rtol * y.abs()
    d0, d1 = rms(y, sc), rms(k[0], sc)
    h = 1e-6 if d0 < 1e-5 or d1 < 1e-5 else 0.01 * d0 / d1
    h = min(h, span)
    d2 = rms(ev(y + h * k[0], t0 + h) - k[0], sc) / h
    m = max(d1, d2)
    h1 = max(1e-6, 1e-3 * h) if m <= 1e-15 else (0.01 / m) ** 0.2
    h = min(100 * h, h1, span)
    t = t0
    while t < t1:
        h = min(h, t1 - t)
        for s in range(1, 7):
            ys = y
            for j, aj in enumerate(DP_A[s]):
                if aj:
                    ys = ys + (h * aj) * k[j]
            k[s] = ev(ys, t + h if s == 6 else t + DP_C[s] * h)
        err = sum((h * ej) * k[j] for j, ej in enumerate(DP_E) if ej)
        en = rms(err, atol + rtol * torch.maximum(y.abs(), ys.abs()))
        if not math.isfinite(en):
            raise RuntimeError(f"non-finite value at t = {t}")
        if en <= 1:
            t = t1 if t1 - (t + h) < 1e-12 * span else t + h
            y = ys
            k[0] = k[6]  # first same as last
        factor = 10 if en == 0 else min(max(0.9 * en ** -0.2, 0.2), 10.0)
        h *= factor if en <= 1 else min(factor, 1.0)
    return y, nfe


def torch_likelihood(torch, points, threads, steps, repeat=1, tol=None):
    """Points/s of the exact likelihood: RK4 with `steps` steps, or with `tol` Dormand-Prince
    at rtol = atol = tol (then (points/s, NFE per point))."""
    nn = torch.nn
    set_threads(torch, threads)
    torch.manual_seed(0)
    net = nn.Sequential(nn.Linear(34, 128), nn.SiLU(), nn.Linear(128, 128), nn.SiLU(),
                        nn.Linear(128, 128), nn.SiLU(), nn.Linear(128, 2))
    for p in net.parameters():
        p.requires_grad_(False)
    freqs = torch.exp(-math.log(10000.0) * torch.arange(16) / 16)
    x0 = torch.tensor(points, dtype=torch.float32)
    n = x0.shape[0]
    s0 = 0.008
    c0 = math.cos(s0 / (1 + s0) * math.pi / 2)

    def level(t):  # cosine schedule (Nichol & Dhariwal 2021, eq. 17) and its derivatives
        th = (t + s0) / (1 + s0) * math.pi / 2
        a = math.cos(th) / c0
        da = -math.sin(th) * math.pi / 2 / (1 + s0) / c0
        sg = math.sqrt(max(1 - a * a, 1e-20))
        return a, sg, da, -a * da / sg

    def field(x, t):
        """PF-ODE velocity u = (s'/s) x + (a' - s' a / s) D(x) and its exact divergence."""
        a, sg, da, ds = level(t)
        sig = sg / a  # EDM preconditioning at sigma~ (Karras et al. 2022, Table 1)
        norm = math.sqrt(sig * sig + 1)
        cin, cskip, cout = 1 / norm, 1 / (norm * norm), sig / norm
        c = 250 * 0.25 * math.log(sig)
        emb = torch.cat([torch.sin(c * freqs), torch.cos(c * freqs)]).expand(n, 32)
        with torch.enable_grad():
            x = x.detach().requires_grad_(True)
            xs = x / a
            d = cskip * xs + cout * net(torch.cat([cin * xs, emb], dim=1))
            g0 = torch.autograd.grad(d[:, 0].sum(), x, retain_graph=True)[0]
            g1 = torch.autograd.grad(d[:, 1].sum(), x)[0]
        tr = g0[:, 0] + g1[:, 1]
        k = da - ds * a / sg
        return (ds / sg) * x.detach() + k * d.detach(), 2 * ds / sg + k * tr

    def augmented(y, t):  # the state [x, integral of div u] and its derivative
        u, g = field(y[:, :2], t)
        return torch.cat([u, g[:, None]], dim=1)

    nfe = [0]

    def run():
        t0, t1 = 1e-3, 0.99
        if tol is not None:
            y, nfe[0] = dopri5(torch, augmented, torch.cat([x0, torch.zeros(n, 1)], dim=1), t0,
                               t1, tol, tol)
            x, logdet = y[:, :2], y[:, 2]
            prior = -0.5 * (x * x).sum(1) - math.log(2 * math.pi)
            return (prior + logdet).mean().item()
        h = (t1 - t0) / steps
        x, logdet = x0.clone(), torch.zeros(n)
        for i in range(steps):  # classical RK4 on (x, integral of div u)
            t = t0 + i * h
            k1, g1 = field(x, t)
            k2, g2 = field(x + 0.5 * h * k1, t + 0.5 * h)
            k3, g3 = field(x + 0.5 * h * k2, t + 0.5 * h)
            k4, g4 = field(x + h * k3, t + h)
            x = x + h / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
            logdet = logdet + h / 6 * (g1 + 2 * g2 + 2 * g3 + g4)
        prior = -0.5 * (x * x).sum(1) - math.log(2 * math.pi)
        return (prior + logdet).mean().item()

    run()
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        run()
        times.append(time.perf_counter() - t0)
    rate = n / sorted(times)[len(times) // 2]
    return rate if tol is None else (rate, nfe[0])


def likelihood_dopri(cli, points, thread_counts, tol):
    """Dormand-Prince on both sides: points/s and NFE per point, and the ratio of points/s."""
    try:
        import torch
    except ImportError:
        torch = None
        print("PyTorch is not installed (apt-get install python3-torch): diffuscope only")
    print(f"exact likelihood through the PF-ODE, MLP 34-128-128-128-2, {len(points)} points, "
          f"Dormand-Prince 5(4) rtol = atol = {tol:g}, exact 2-D trace: points/s (mean NFE a "
          f"point; diffuscope: a step size per point, PyTorch: one for the batch)")
    version = torch.__version__ if torch else ""
    print(f"{'thr blk':>7}  {'diffuscope':>10}  {'nfe':>6}  {'pytorch ' + version:>16}  "
          f"{'nfe':>6}  {'ratio':>7}")
    extra = ["--likelihood-points", str(len(points)), "--solver", "rk45", "--tol", str(tol),
             "--repeat", "1", "--float"]
    for threads in thread_counts:
        other, their_nfe = torch_likelihood(torch, points, threads, 0, tol=tol) if torch else (0, 0)
        for block in (1, 32):
            ours, our_nfe = diffuscope(cli, "likelihood", threads, extra + ["--block", str(block)],
                                       key=("points_per_s", "mean_nfe"))
            label = f"{threads} b{block}"
            if torch:
                print(f"{label:>7}  {ours:>10.1f}  {our_nfe:>6.1f}  {other:>16.1f}  "
                      f"{their_nfe:>6d}  {ours / other:>6.1f}x")
            else:
                print(f"{label:>7}  {ours:>10.1f}  {our_nfe:>6.1f}  {'-':>16}  {'-':>6}  {'-':>7}")
    return 0


ROUNDS = 3


def side_by_side(cli, title, workload, thread_counts, extra, theirs):
    """Runs diffuscope's bench and `theirs(torch, threads)` at each thread count, alternating,
    ROUNDS times each (--rounds); prints the medians and their ratio. The machines are shared and noisy:
    alternating and taking medians keeps one slow moment from deciding the ratio."""
    try:
        import torch
    except ImportError:
        torch = None
        print("PyTorch is not installed (apt-get install python3-torch): diffuscope only")
    rounds = ROUNDS
    print(title + f" (median of {rounds} alternating runs each)")
    version = torch.__version__ if torch else ""
    print(f"{'threads':>7}  {'diffuscope':>10}  {'pytorch ' + version:>16}  {'ratio':>7}")
    median = lambda xs: sorted(xs)[len(xs) // 2]
    for threads in thread_counts:
        ours, other = [], []
        for _ in range(rounds):
            ours.append(diffuscope(cli, workload, threads, extra))
            if torch:
                other.append(theirs(torch, threads))
        if torch:
            o, t = median(ours), median(other)
            print(f"{threads:>7}  {o:>10.3f}  {t:>16.3f}  {o / t:>6.1f}x")
        else:
            print(f"{threads:>7}  {median(ours):>10.3f}  {'-':>16}  {'-':>7}")
    return 0


def torch_settings(a, theirs):
    """PyTorch's figure in each of SETTINGS on a.device ({setting: figure or a note})."""
    import torch
    out = {}
    for setting in SETTINGS:
        if setting == "compile":  # in a subprocess, bounded: compiling can take minutes
            cmd = [sys.executable, os.path.abspath(__file__), *sys.argv[1:], "--torch-only",
                   "compile"]
            try:
                r = subprocess.run(cmd, capture_output=True, text=True,
                                   timeout=a.compile_timeout)
                m = re.search(r"torch-only=([0-9.]+)", r.stdout)
                lines = r.stderr.strip().splitlines() or ["no output"]
                out[setting] = float(m.group(1)) if m else "failed: " + lines[-1][:120]
            except subprocess.TimeoutExpired:
                out[setting] = f"skipped: compiling and timing took over {a.compile_timeout} s"
            continue
        try:
            out[setting] = theirs(torch, setting)
        except Exception as e:  # a setting the machine lacks: noted, the others still count
            out[setting] = f"failed: {type(e).__name__}: {str(e)[:120]}"
    return out


def against_best(a, title, workload, runs, theirs):
    """Diffuscope's `runs` ((label, bench arguments), ...) beside PyTorch's best setting."""
    print(title)
    try:
        import torch
        print(f"PyTorch {torch.__version__} on {a.device}:")
        figures = torch_settings(a, theirs)
    except ImportError:
        print("PyTorch is not installed: diffuscope only")
        figures = {}
    for setting, v in figures.items():
        print(f"  {setting:>8}  {v:12.2f}" if isinstance(v, float) else f"  {setting:>8}  {v}")
    numbers = {k: v for k, v in figures.items() if isinstance(v, float)}
    best = max(numbers, key=numbers.get) if numbers else None
    if best:
        print(f"  best: {best} {numbers[best]:.2f}")
    for label, extra in runs:
        try:
            ours = diffuscope(a.cli, workload, 2, extra)
        except (subprocess.CalledProcessError, AttributeError) as e:
            print(f"diffuscope {label}: failed ({e})")
            continue
        ratio = f"  = {ours / numbers[best]:.2f}x PyTorch's best ({best})" if best else ""
        print(f"diffuscope {label}: {ours:.2f}{ratio}")
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cli", required=True, help="path to diffuscope-cli")
    ap.add_argument("--workload", choices=["field", "train", "unet", "ddim", "likelihood"],
                    required=True)
    ap.add_argument("--particles", type=int, default=20000, help="ddim")
    ap.add_argument("--steps", type=int, default=None, help="ddim (100), likelihood (10: RK4)")
    ap.add_argument("--tol", type=float, default=1e-5,
                    help="likelihood: Dormand-Prince rtol = atol (0: RK4 only)")
    ap.add_argument("--batch", type=int, default=256, help="train")
    ap.add_argument("--rounds", type=int, default=3,
                    help="CPU tables: alternating runs of each side; the medians are compared")
    ap.add_argument("--backend", default="cpu",
                    help="field, ddim, train: diffuscope's backend (cpu, vulkan)")
    ap.add_argument("--device", default="cpu",
                    help="field, ddim, train: PyTorch's device (cpu, cuda)")
    ap.add_argument("--compile-timeout", type=float, default=90,
                    help="cuda: seconds torch.compile's measurement may take before it is skipped")
    ap.add_argument("--torch-only", help=argparse.SUPPRESS)  # one PyTorch setting (subprocess)
    a = ap.parse_args()
    global ROUNDS
    ROUNDS = max(1, a.rounds)
    if a.steps is None and a.workload != "likelihood":
        a.steps = 100
    if a.device != "cpu":
        return gpu_main(a)
    # On the GPU machine only the 2-thread row: the device does the work.
    threads = (1, 2) if a.device == "cpu" else (2,)
    where = f"(diffuscope {a.backend}, PyTorch {a.device})"
    if a.workload == "likelihood":
        steps = a.steps or 10
        points = moons(a.cli, 10000)
        side_by_side(
            a.cli, f"exact likelihood through the PF-ODE, MLP 34-128-128-128-2, 10000 points, "
            f"RK4 {steps} steps ({4 * steps} NFE), exact 2-D trace: points/s", "likelihood",
            threads, ["--likelihood-points", "10000", "--steps", str(steps), "--repeat", "1", "--float"],
            lambda torch, t: torch_likelihood(torch, points, t, steps))
        return likelihood_dopri(a.cli, points, threads, a.tol) if a.tol > 0 else 0
    if a.workload == "ddim":
        return side_by_side(
            a.cli, f"DDIM sampling, MLP 34-128-128-128-2, {a.particles} particles x {a.steps} "
            f"steps: M particle-steps/s {where}", "ddim", threads,
            ["--particles", str(a.particles), "--steps", str(a.steps), "--backend", a.backend,
             "--repeat", "3"],
            lambda torch, t: torch_ddim(torch, t, a.particles, a.steps, a.device))
    if a.workload == "train" and (a.batch != 256 or a.device != "cpu" or a.backend != "cpu"):
        points = moons(a.cli)
        return side_by_side(
            a.cli, f"MLP training, batch {a.batch}: steps/s {where}", "train", threads,
            ["--batch", str(a.batch), "--backend", a.backend, "--repeat", "1"],
            lambda torch, t: torch_train(torch, points, t, steps=200, batch=a.batch,
                                         device=a.device))
    if a.workload == "field" and (a.device != "cpu" or a.backend != "cpu"):
        # Issue 4's GPU field: 60,000 moons points x a 512 x 512 grid.
        points = moons(a.cli, 60000)
        return side_by_side(
            a.cli, f"ideal-denoiser field, 60000 moons x 512x512 grid, sigma 0.5: G pairs/s "
            f"{where}", "field", threads,
            ["--points", "60000", "--grid", "512", "--backend", a.backend, "--repeat", "3"],
            lambda torch, t: torch_field(torch, points, t, repeat=3, chunk=4096, grid=512,
                                         device=a.device))
    points = shapes16(a.cli) if a.workload == "unet" else moons(a.cli)
    title = {"field": "ideal-denoiser field, 8000 moons x 128x128 grid, sigma 0.5: G pairs/s",
             "train": "MLP training, issue 3 workload: steps/s",
             "unet": "U-Net training, 16x16 shapes, batch 64: images/s"}[a.workload]
    fn = {"field": torch_field, "train": torch_train, "unet": torch_unet}[a.workload]
    return side_by_side(a.cli, title, a.workload, (1, 2), (),
                        lambda torch, t: fn(torch, points, t))


def gpu_main(a):
    """On a GPU: each workload beside PyTorch's fp32, TF32, bf16 and compiled settings."""
    if a.workload == "ddim":
        theirs = lambda torch, setting: torch_ddim(torch, 2, a.particles, a.steps, a.device, setting)
        base = ["--particles", str(a.particles), "--steps", str(a.steps), "--backend", a.backend,
                "--repeat", "3"]
        runs = [("fp32 whole-run kernel", base), ("cooperative matrices (fp16)", base + ["--coopmat"])]
        title = (f"DDIM sampling, MLP 34-128-128-128-2, {a.particles} particles x {a.steps} "
                 f"steps: M particle-steps/s")
    elif a.workload == "train":
        points = moons(a.cli)
        theirs = lambda torch, setting: torch_train(torch, points, 2, steps=200, batch=a.batch,
                                                    device=a.device, setting=setting)
        runs = [("", ["--batch", str(a.batch), "--backend", a.backend, "--repeat", "1"])]
        title = f"MLP training, batch {a.batch}: steps/s"
    elif a.workload == "field":
        points = moons(a.cli, 60000)
        theirs = lambda torch, setting: torch_field(torch, points, 2, repeat=3, chunk=4096,
                                                    grid=512, device=a.device, setting=setting)
        runs = [("", ["--points", "60000", "--grid", "512", "--backend", a.backend, "--repeat", "3"])]
        title = "ideal-denoiser field, 60000 moons x 512x512 grid, sigma 0.5: G pairs/s"
    else:
        raise SystemExit(f"--device {a.device}: workloads ddim, train, field")
    if a.torch_only:
        import torch
        print(f"torch-only={theirs(torch, a.torch_only):.4f}")
        return 0
    return against_best(a, title + f" (diffuscope {a.backend}, PyTorch {a.device})", a.workload,
                        runs, theirs)


if __name__ == "__main__":
    sys.exit(main())

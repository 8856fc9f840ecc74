#!/usr/bin/env python3
"""Diffuscope's MLP denoiser in PyTorch: load a Diffuscope model (.safetensors), evaluate
D(x, t) exactly as Diffuscope does, train one in PyTorch that Diffuscope can load, and check
both directions against diffuscope-cli.

The network (core/model/model.hpp, core/nn/mlp.hpp): an nn.ModuleList `layers` of nn.Linear,
the activation (silu, gelu with the tanh approximation, relu) between them, input
[c_in x, sin(250 c_noise f_k), cos(250 c_noise f_k)] with f_k = 10000^(-k/half) (Vaswani et
al. 2017, 3.5) and c_noise = ln(sigma~) / 4, c_in = 1 / sqrt(sigma~^2 + sigma_data^2) on the
data scale x~ (Karras et al. 2022, Table 1). The safetensors format: the safetensors README.

  python3 tools/diffuscope_torch.py denoise MODEL.safetensors POINTS.npy --sigma S --out D.npy
  python3 tools/diffuscope_torch.py train DATA.npy --out MODEL.safetensors [--steps N]
  python3 tools/diffuscope_torch.py check --cli build/app/cli/diffuscope-cli --workdir DIR

`denoise` evaluates D at x = x0 + S eps (Diffuscope's `--schedule ve --sigma S`), for S inside
the model's trained range and every target: edm, eps, x0, v and score with any schedule,
velocity with rf (the other schedules' velocities depend on their time parametrisation, which
this script does not repeat). `check` compares both directions for an edm model and Diffuscope
models of the targets v (cosine), score (vp-linear) and velocity (rf); it exits 77 (CTest's
skip) when PyTorch or NumPy is missing.
"""
import argparse
import json
import math
import os
import struct
import subprocess
import sys

SKIP = 77
try:
    import numpy as np
    import torch
except ImportError as e:  # the CTest test reports "skipped"
    if __name__ == "__main__":
        print(f"skipped: {e} (install python3-torch and python3-numpy)")
        sys.exit(SKIP)
    raise

torch.set_default_dtype(torch.float64)
DTYPES = {"F32": (np.dtype("<f4"), 4), "F64": (np.dtype("<f8"), 8)}


def load_safetensors(path):
    """Tensors (float64 torch) and metadata of a safetensors file (README "Format")."""
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    if n > len(data) - 8:
        raise ValueError(f"{path}: header runs past the end")
    header = json.loads(data[8:8 + n])
    meta = header.pop("__metadata__", {})
    buf = data[8 + n:]
    tensors = {}
    for name, t in header.items():
        dt, size = DTYPES[t["dtype"]]
        b, e = t["data_offsets"]
        a = np.frombuffer(buf[b:e], dtype=dt).astype(np.float64).reshape(t["shape"])
        tensors[name] = torch.from_numpy(a.copy())
    return tensors, meta


def save_safetensors(path, tensors, meta):
    """F32 tensors in C order, offsets into one contiguous buffer, header padded to 8 bytes."""
    header, chunks, at = {"__metadata__": meta}, [], 0
    for name, t in tensors.items():
        raw = t.detach().cpu().numpy().astype("<f4").tobytes(order="C")
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [at, at + len(raw)]}
        chunks.append(raw)
        at += len(raw)
    text = json.dumps(header).encode()
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(chunks))


class DiffuscopeMLP(torch.nn.Module):
    """The MLP of a Diffuscope model and the conditioning around it."""

    def __init__(self, meta):
        super().__init__()
        if meta.get("architecture") != "mlp" or meta.get("format") != "diffuscope-model":
            raise ValueError("not a Diffuscope MLP model")
        self.meta = meta
        self.dim, self.embed = int(meta["dim"]), int(meta["embed"])
        self.classes = int(meta["classes"])
        width, depth = int(meta["width"]), int(meta["depth"])
        dims = [self.dim + self.embed + (self.classes + 1 if self.classes else 0)]
        dims += [width] * depth + [self.dim]
        self.layers = torch.nn.ModuleList(
            torch.nn.Linear(dims[i], dims[i + 1]) for i in range(len(dims) - 1))
        self.activation = meta["activation"]
        self.target = meta["target"]
        self.sigma_data = float(meta["sigma_data"])
        self.mean = torch.tensor(json.loads(meta["normalisation_mean"]))
        self.scale = float(meta["normalisation_scale"])

    def act(self, z):
        if self.activation == "silu":
            return torch.nn.functional.silu(z)
        if self.activation == "gelu":
            return torch.nn.functional.gelu(z, approximate="tanh")
        return torch.relu(z)

    def features(self, sigma_tilde):
        """c_noise's sinusoidal embedding (model.cpp timeEmbedding), one row per sample."""
        c_noise = 0.25 * torch.log(sigma_tilde.clamp(1e-8, 1e8))
        half = self.embed // 2
        freqs = torch.exp(-math.log(10000.0) * torch.arange(half) / half)
        a = 250.0 * c_noise[:, None] * freqs[None, :]
        return torch.cat([torch.sin(a), torch.cos(a)], dim=1)

    def net(self, inputs):
        h = inputs
        for i, layer in enumerate(self.layers):
            h = layer(h)
            if i + 1 < len(self.layers):
                h = self.act(h)
        return h

    def training_level(self, st):
        """(alpha, sigma) of the model's schedule with sigma / alpha = st (per row), as
        Diffuscope's LearnedDenoiser picks the training level (core/denoisers)."""
        family = self.meta["schedule"].split("(")[0].strip()
        if family in ("vp-linear", "cosine"):  # alpha^2 + sigma^2 = 1 (Song et al. 2021)
            alpha = 1.0 / torch.sqrt(1.0 + st**2)
            return alpha, st * alpha
        if family in ("ve", "edm"):  # alpha = 1 (Song et al. 2021; Karras et al. 2022)
            return torch.ones_like(st), st
        if family == "rf":  # alpha = 1 - t, sigma = t (Liu et al. 2023)
            return 1.0 / (1.0 + st), st / (1.0 + st)
        raise ValueError(f"schedule {family}: unknown to this script")

    def denoise_normalised(self, xn, st):
        """x0 of normalised x~ = x_n / alpha at sigma~ = st (per row), from the network's
        prediction by the algebra of core/parameterisation.cpp (toX0)."""
        sd = self.sigma_data
        cin = 1.0 / torch.sqrt(st**2 + sd**2)
        f = self.net(torch.cat([cin[:, None] * xn, self.features(st)], dim=1))
        if self.target == "edm":  # Karras et al. 2022, eq. 7
            skip = sd**2 / (st**2 + sd**2)
            out = st * sd / torch.sqrt(st**2 + sd**2)
            return skip[:, None] * xn + out[:, None] * f
        if self.target == "eps":
            return xn - st[:, None] * f
        if self.target == "x0":
            return f
        # The other targets are defined on the schedule's own x = alpha x~ (x~ = x0 + st eps).
        a, s = (v[:, None] for v in self.training_level(st))
        x = a * xn
        if self.target == "v":  # v = alpha eps - sigma x0 (Salimans & Ho 2022, sec. 4)
            return (a * x - s * f) / (a**2 + s**2)
        if self.target == "score":  # Tweedie: x0 = (x + sigma^2 score) / alpha (Efron 2011)
            return (x + s**2 * f) / a
        if self.target == "velocity":  # u = alpha' x0 + sigma' eps (Lipman et al. 2023)
            if self.meta["schedule"].split("(")[0].strip() != "rf":
                raise ValueError("velocity models: this script evaluates the rf schedule only")
            return (x - s * f) / (a + s)  # alpha' = -1, sigma' = 1
        raise ValueError(f"target {self.target}: unknown to this script")

    def forward(self, x, sigma):
        """D(x, sigma) for x = x0 + sigma eps (Diffuscope's ve schedule, alpha = 1)."""
        xn = (x - self.mean) / self.scale
        st = torch.full((x.shape[0],), sigma / self.scale)
        return self.mean + self.scale * self.denoise_normalised(xn, st)


def load_model(path):
    tensors, meta = load_safetensors(path)
    model = DiffuscopeMLP(meta)
    model.load_state_dict(tensors, strict=True)
    return model


def train(points, steps=200, seed=0, width=32, depth=2):
    """A tiny EDM-target model trained in PyTorch (float64) on points (N x 2)."""
    torch.manual_seed(seed)
    x = torch.from_numpy(points)
    mean, scale = x.mean(0), float(x.std())
    meta = {"format": "diffuscope-model", "format_version": "1", "architecture": "mlp",
            "dim": str(x.shape[1]), "embed": "16", "classes": "0", "width": str(width),
            "depth": str(depth), "activation": "silu", "target": "edm", "schedule": "cosine",
            "sigma_data": "1", "normalisation_mean": json.dumps(mean.tolist()),
            "normalisation_scale": repr(scale), "dataset": "pytorch", "step": str(steps)}
    model = DiffuscopeMLP(meta)
    opt = torch.optim.Adam(model.parameters(), lr=2e-3)
    xn = (x - mean) / scale
    for _ in range(steps):
        x0 = xn[torch.randint(0, len(xn), (256,))]
        st = torch.exp(torch.empty(256).uniform_(math.log(0.02), math.log(20.0)))
        noisy = x0 + st[:, None] * torch.randn_like(x0)
        loss = ((model.denoise_normalised(noisy, st) - x0) ** 2).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
    return model


def save_model(model, path):
    save_safetensors(path, dict(model.state_dict()), model.meta)


def cli_denoise(cli, model_path, points_path, sigma, out, workdir):
    subprocess.run([cli, "field", "--dataset", os.path.join(workdir, "data.npy"), "--denoiser",
                    model_path, "--schedule", "ve", "--sigma", repr(sigma), "--quantity", "x0",
                    "--points", points_path, "--out", out], check=True, stdout=subprocess.DEVNULL)
    return np.load(out)[:, 2:]  # columns x, y, fx, fy


def check(cli, workdir):
    os.makedirs(workdir, exist_ok=True)
    run = lambda *a: subprocess.run([cli, *a], check=True, stdout=subprocess.DEVNULL)
    data = os.path.join(workdir, "data.npy")
    run("data", "--dataset", "moons", "--n", "2000", "--out", data)
    rng = np.random.default_rng(1)
    points = rng.normal(size=(1000, 2)) * 1.5
    np.save(os.path.join(workdir, "points.npy"), points.astype(">f4"))  # big-endian float32
    np.savez_compressed(os.path.join(workdir, "points.npz"), points)  # deflated member
    points = np.load(os.path.join(workdir, "points.npy")).astype(np.float64)
    sigmas = [0.05, 0.2, 0.5, 1.0, 2.0]

    ours = os.path.join(workdir, "diffuscope.safetensors")
    run("train", "--dataset", data, "--steps", "200", "--width", "32", "--depth", "2",
        "--out", ours)
    theirs = os.path.join(workdir, "pytorch.safetensors")
    save_model(train(np.load(data)), theirs)

    models = [("Diffuscope -> PyTorch", ours), ("PyTorch -> Diffuscope", theirs)]
    for target, schedule in [("v", "cosine"), ("score", "vp-linear"), ("velocity", "rf")]:
        path = os.path.join(workdir, f"diffuscope-{target}.safetensors")
        run("train", "--dataset", data, "--steps", "100", "--width", "16", "--depth", "2",
            "--target", target, "--schedule", schedule, "--out", path)
        models.append((f"Diffuscope -> PyTorch ({target}, {schedule})", path))

    worst = {}
    for label, path in models:
        model = load_model(path)  # float32 weights from the file, evaluated in float64
        worst[label] = 0.0
        for i, s in enumerate(sigmas):
            pts = os.path.join(workdir, "points.npz" if i % 2 else "points.npy")
            d_cli = cli_denoise(cli, path, pts, s, os.path.join(workdir, f"d{i}.npy"), workdir)
            with torch.no_grad():
                d_torch = model(torch.from_numpy(points), s).numpy()
            worst[label] = max(worst[label], float(np.abs(d_cli - d_torch).max()))
        print(f"{label}: max |D_diffuscope - D_pytorch| = {worst[label]:.6g} "
              f"on {len(points)} points at sigma = {sigmas}")
    return 0 if all(w < 1e-5 for w in worst.values()) else 1


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    d = sub.add_parser("denoise", help="D(x, sigma) of a model on points (.npy, N x D)")
    d.add_argument("model")
    d.add_argument("points")
    d.add_argument("--sigma", type=float, required=True)
    d.add_argument("--out", required=True)
    t = sub.add_parser("train", help="train a tiny MLP in PyTorch on points (.npy, N x D)")
    t.add_argument("data")
    t.add_argument("--out", required=True)
    t.add_argument("--steps", type=int, default=200)
    c = sub.add_parser("check", help="compare with diffuscope-cli both ways (the CTest test)")
    c.add_argument("--cli", required=True)
    c.add_argument("--workdir", required=True)
    a = p.parse_args()
    if a.cmd == "denoise":
        with torch.no_grad():
            out = load_model(a.model)(torch.from_numpy(np.load(a.points).astype(np.float64)), a.sigma)
        np.save(a.out, out.numpy())
        return 0
    if a.cmd == "train":
        save_model(train(np.load(a.data).astype(np.float64), steps=a.steps), a.out)
        return 0
    return check(a.cli, a.workdir)


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/python3
"""Ideal-denoiser field benchmark: diffuscope's fused CPU kernel against PyTorch, side by side.

The workload of issue 2: 8,000 `moons` points (written by diffuscope-cli, so both sides use the
same data), a 128 x 128 query grid on [-3, 3]^2, sigma = 0.5 on the ve schedule (alpha = 1).
PyTorch computes D(x) = softmax(-||x - y||^2 / (2 sigma^2)) @ y with cdist + softmax + matmul in
query chunks, float32. Both sides report the median of 5 timed repeats after a warm-up, at 1 and 2
threads; the ratio is what to read, since these machines are shared and noisy.
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile
import time


def diffuscope(cli, threads):
    out = subprocess.run([cli, "bench", "--workload", "field", "--threads", str(threads)],
                         check=True, capture_output=True, text=True).stdout
    return float(re.search(r"gpairs_per_s=([0-9.]+)", out).group(1))


def torch_field(torch, points, threads, repeat=5, chunk=2048):
    torch.set_num_threads(threads)
    y = torch.tensor(points, dtype=torch.float32)
    ticks = torch.linspace(-3.0, 3.0, 128)
    gy, gx = torch.meshgrid(ticks, ticks, indexing="ij")
    q = torch.stack([gx.reshape(-1), gy.reshape(-1)], dim=1)
    sigma = 0.5

    def run():
        parts = []
        for start in range(0, q.shape[0], chunk):
            d2 = torch.cdist(q[start:start + chunk], y).square_()
            w = torch.softmax(d2.mul_(-0.5 / sigma ** 2), dim=1)
            parts.append(w @ y)
        return torch.cat(parts)

    with torch.no_grad():
        run()
        times = []
        for _ in range(repeat):
            t0 = time.perf_counter()
            run()
            times.append(time.perf_counter() - t0)
    times.sort()
    return q.shape[0] * y.shape[0] / times[len(times) // 2] * 1e-9


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cli", required=True, help="path to diffuscope-cli")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "moons.csv")
        subprocess.run([args.cli, "data", "--dataset", "moons", "--n", "8000", "--out", path],
                       check=True, capture_output=True)
        with open(path) as f:
            next(f)
            points = [[float(v) for v in line.split(",")[:2]] for line in f]
    try:
        import torch
    except ImportError:
        torch = None
        print("PyTorch is not installed (apt-get install python3-torch): diffuscope only")
    print("ideal-denoiser field, 8000 moons points x 128x128 grid, sigma 0.5, G pairs/s "
          "(median of 5)")
    print(f"{'threads':>7}  {'diffuscope':>10}  {'pytorch ' + (torch.__version__ if torch else ''):>14}"
          f"  {'ratio':>7}")
    for threads in (1, 2):
        ours = diffuscope(args.cli, threads)
        if torch:
            theirs = torch_field(torch, points, threads)
            print(f"{threads:>7}  {ours:>10.3f}  {theirs:>14.3f}  {ours / theirs:>6.1f}x")
        else:
            print(f"{threads:>7}  {ours:>10.3f}  {'-':>14}  {'-':>7}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

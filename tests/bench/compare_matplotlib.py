#!/usr/bin/env python3
"""The export benchmark beside its notebook peer: a 200-frame 512x512 GIF of the trajectories of
5,000 particles (gmm8, exact denoiser, Heun 199 steps), written by diffuscope-cli render and by
matplotlib (FuncAnimation + PillowWriter) from the very same trajectory, in one run.

    /usr/bin/python3 tests/bench/compare_matplotlib.py --cli build/app/cli/diffuscope-cli
"""
import argparse
import csv
import os
import subprocess
import sys
import tempfile
import time


def diffuscope(cli, tmp):
    out = os.path.join(tmp, "diffuscope.gif")
    args = [cli, "render", "--dataset", "gmm8", "--denoiser", "exact", "--sampler", "heun",
            "--steps", "199", "--n", "5000", "--view", "trajectories", "--frames", "200",
            "--size", "512x512", "--out", out]
    start = time.perf_counter()
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start, os.path.getsize(out)


def trajectory(cli, tmp):
    path = os.path.join(tmp, "traj.csv")
    subprocess.run([cli, "sample", "--dataset", "gmm8", "--denoiser", "exact", "--sampler", "heun",
                    "--steps", "199", "--n", "5000", "--out", os.path.join(tmp, "x.csv"),
                    "--trajectory", path], check=True, stdout=subprocess.DEVNULL)
    import numpy as np
    rows = np.loadtxt(path, delimiter=",", skiprows=1)
    steps = int(rows[:, 0].max()) + 1
    return rows[:, 3:5].reshape(steps, 5000, 2), rows[::5000, 1]


def matplotlib_gif(xy, times, tmp):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.animation import FuncAnimation, PillowWriter
    from matplotlib.collections import LineCollection
    paths = xy[:, ::13, :]  # about 400 paths, as diffuscope draws
    fig, ax = plt.subplots(figsize=(5.12, 5.12), dpi=100)
    start = time.perf_counter()

    def draw(f):
        ax.clear()
        ax.set_xlim(-3, 3)
        ax.set_ylim(-3, 3)
        ax.set_title(f"heun: frame {f}/199, t = {times[f]:.3f}")
        if f > 0:
            segs = np.stack([paths[:f], paths[1:f + 1]], axis=2).reshape(-1, 2, 2)
            ax.add_collection(LineCollection(segs, colors=plt.cm.viridis(
                np.repeat(1 - times[:f], paths.shape[1])), linewidths=0.6, alpha=0.45))
        ax.scatter(xy[f, :, 0], xy[f, :, 1], s=1.5, c="#30305a")

    import numpy as np
    anim = FuncAnimation(fig, draw, frames=len(xy))
    out = os.path.join(tmp, "matplotlib.gif")
    anim.save(out, writer=PillowWriter(fps=20))
    return time.perf_counter() - start, os.path.getsize(out)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--cli", required=True)
    a = p.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        d_s, d_bytes = diffuscope(a.cli, tmp)
        try:
            xy, times = trajectory(a.cli, tmp)
            m_s, m_bytes = matplotlib_gif(xy, times, tmp)
        except ImportError as e:
            print(f"matplotlib peer unavailable ({e}); install python3-matplotlib")
            m_s = None
    print("200-frame 512x512 GIF, trajectories of 5000 particles (heun 199 steps, exact gmm8)")
    print(f"  diffuscope-cli render (sampling included): {d_s:.2f} s, {d_bytes / 1e6:.1f} MB")
    if m_s is not None:
        print(f"  matplotlib FuncAnimation + PillowWriter (drawing and writing only): {m_s:.2f} s,"
              f" {m_bytes / 1e6:.1f} MB")
        print(f"  ratio: diffuscope {m_s / d_s:.1f}x faster")
    return 0


if __name__ == "__main__":
    sys.exit(main())

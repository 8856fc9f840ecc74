#!/usr/bin/env bash
# Writes the fuzz targets' seed corpora, tests/fuzz/corpus/<target>/seed-*: what the CLI writes
# (points CSVs, trajectories, small models, a rendered PNG), the bundled scenes, IDX files cut
# from Debian's Fashion-MNIST to 3 images (plain and gzip), and a few hand-made PNGs and
# mixture files. Each file is a few KB at most. Run it again after a format change (it replaces
# only the seed-* files):
#
#   bash tools/fuzz_corpus.sh [path/to/diffuscope-cli]      (default: build/app/cli/diffuscope-cli)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cli=${1:-$root/build/app/cli/diffuscope-cli}
out=$root/tests/fuzz/corpus
fmnist=/usr/share/datasets/fashion-mnist
[ -x "$cli" ] || { echo "fuzz_corpus: no CLI at $cli (build diffuscope-cli first)" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for t in csv dsm idx png scene_json gmm_json npy npz safetensors; do
    mkdir -p "$out/$t"
    rm -f "${out:?}/$t"/seed-* # inputs the fuzzer found (named by their SHA-1) stay
done
quiet() { "$@" > /dev/null 2>&1; }

# Points CSVs as `data` and `sample` write them; a trajectory (refused: not a points file).
quiet "$cli" data --dataset moons --n 12 --out "$out/csv/seed-moons.csv"
quiet "$cli" data --dataset gmm8 --n 8 --seed 3 --out "$out/csv/seed-gmm8-labels.csv"
quiet "$cli" data --dataset "$out/csv/seed-moons.csv" --n 5 --out "$out/csv/seed-points-copy.csv"
quiet "$cli" sample --dataset gmm8 --denoiser exact --schedule cosine --sampler ddim --steps 2 \
    --n 3 --out "$out/csv/seed-samples.csv" --trajectory "$out/csv/seed-trajectory.csv"

# Small models: an MLP, a class-conditional MLP, a U-Net on 8x8 images.
quiet "$cli" train --dataset moons --data-n 64 --steps 2 --batch 8 --width 8 --depth 1 \
    --out "$out/dsm/seed-mlp.dsm"
quiet "$cli" train --dataset gmm8 --data-n 64 --conditional --steps 1 --batch 8 --width 4 \
    --depth 2 --activation relu --target eps --schedule vp-linear --out "$out/dsm/seed-cond.dsm"
quiet "$cli" train --dataset shapes --resolution 8 --data-n 16 --architecture unet --channels 2 \
    --groups 1 --steps 1 --batch 2 --out "$out/dsm/seed-unet.dsm"

# NumPy arrays as `data` and `sample` write them (.npy, and .npz with samples and labels); a
# safetensors model written by `train` and one converted by `export-model`.
quiet "$cli" data --dataset moons --n 6 --out "$out/npy/seed-moons.npy"
quiet "$cli" data --dataset gmm8 --n 6 --seed 3 --out "$out/npz/seed-gmm8-labels.npz"
quiet "$cli" sample --dataset gmm8 --denoiser exact --sampler ddim --steps 2 --n 3 \
    --out "$out/npz/seed-samples.npz"
quiet "$cli" train --dataset moons --data-n 64 --steps 2 --batch 8 --width 8 --depth 1 \
    --out "$out/safetensors/seed-mlp.safetensors"
quiet "$cli" export-model "$out/dsm/seed-cond.dsm" "$out/safetensors/seed-cond.safetensors"

# The bundled scenes.
for s in moons-ideal fashion-ideal perspective-flow perspective-latent perspective-rnn; do
    cp "$root/resources/scenes/$s.json" "$out/scene_json/seed-$s.json"
done

# A rendered PNG, then hand-made ones: 8-bit gray, RGB, 16-bit RGBA, palette with tRNS, 1-bit
# gray, and a non-square image (refused).
quiet "$cli" render --dataset moons --view chain --size 16x16 --frames 1 --out "$tmp/r.png"
cp "$tmp/r.png" "$out/png/seed-render.png"
python3 - "$out" "$fmnist" <<'PY'
import gzip, struct, sys, zlib
out, fmnist = sys.argv[1], sys.argv[2]

def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

def png(path, w, h, depth, colour, rows, extra=b""):
    ihdr = struct.pack(">IIBBBBB", w, h, depth, colour, 0, 0, 0)
    raw = b"".join(b"\0" + r for r in rows)
    data = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + extra +
            chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))
    open(f"{out}/png/{path}", "wb").write(data)

png("seed-gray8.png", 8, 8, 8, 0, [bytes((x * 32 + y * 4) % 256 for x in range(8)) for y in range(8)])
png("seed-rgb.png", 4, 4, 8, 2, [bytes(v for x in range(4) for v in (x * 60, y * 60, 128)) for y in range(4)])
png("seed-rgba16.png", 2, 2, 16, 6, [bytes(range(y * 16, y * 16 + 16)) for y in range(2)])
png("seed-palette.png", 3, 3, 8, 3, [bytes((0, 1, 2))] * 3,
    chunk(b"PLTE", bytes((0, 0, 0, 255, 0, 0, 255, 255, 255))) + chunk(b"tRNS", b"\x00\x80"))
png("seed-gray1.png", 8, 8, 1, 0, [bytes((0xA5 if y % 2 else 0x5A,)) for y in range(8)])
png("seed-nonsquare.png", 4, 2, 8, 0, [bytes(4)] * 2)

# IDX: the first 3 Fashion-MNIST test images and labels, plain and gzip.
def idx(name, header, count, item):
    src = gzip.open(f"{fmnist}/{name}.gz").read()
    dims = len(header) // 4 - 1
    body = src[: 4 + 4 * dims] + src[4 + 4 * dims: 4 + 4 * dims + count * item]
    body = body[:4] + struct.pack(">I", count) + body[8:]
    open(f"{out}/idx/seed-{name}", "wb").write(body)
    with open(f"{out}/idx/seed-{name}.gz", "wb") as f:
        f.write(gzip.compress(body, 9, mtime=0))

idx("t10k-images-idx3-ubyte", b"0" * 16, 3, 784)
idx("t10k-labels-idx1-ubyte", b"0" * 8, 3, 1)

# .npy by hand: float32 big-endian, Fortran order, one dimension, images (N, H, W), version 2.0.
def npy(path, descr, shape, data, fortran=False, version=1):
    head = "{'descr': '%s', 'fortran_order': %s, 'shape': %s, }" % (
        descr, "True" if fortran else "False", shape)
    size = 10 if version == 1 else 12
    head += " " * ((64 - (size + len(head) + 1) % 64) % 64) + "\n"
    length = struct.pack("<H", len(head)) if version == 1 else struct.pack("<I", len(head))
    open(f"{out}/npy/{path}", "wb").write(b"\x93NUMPY" + bytes((version, 0)) + length +
                                         head.encode() + data)

npy("seed-f4-big.npy", ">f4", "(3, 2)", struct.pack(">6f", 0.5, -1, 2, 0.25, -3, 1))
npy("seed-fortran.npy", "<f8", "(2, 3)", struct.pack("<6d", 1, 4, 2, 5, 3, 6), fortran=True)
npy("seed-1d.npy", "<f8", "(4,)", struct.pack("<4d", 0, 1, 2, 3))
npy("seed-images.npy", "<f4", "(2, 2, 2)", struct.pack("<8f", *range(8)))
npy("seed-v2.npy", "<f8", "(1, 2)", struct.pack("<2d", 1, 2), version=2)

# Mixture files: covariances, stds, weights.
mix = {
    "seed-covariances.json": '{"means": [[0, 0], [1.5, -0.5]], "covariances": '
                             '[[[1, 0.2], [0.2, 0.5]], [[0.1, 0], [0, 0.1]]], "weights": [0.3, 0.7]}',
    "seed-stds.json": '{"means": [[-1, 1], [1, 1], [0, -1]], "stds": [0.1, 0.2, 0.3]}',
    "seed-single.json": '{"means": [[2.5, -1e-3]], "covariances": [[[4, 0], [0, 1e-6]]]}',
}
for name, text in mix.items():
    open(f"{out}/gmm_json/{name}", "w").write(text + "\n")
PY
du -sh "$out"/*

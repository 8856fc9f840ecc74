#!/usr/bin/env bash
# Byte-for-byte behaviour check for refactors: runs a fixed list of CLI commands (every sampler on
# the exact, ideal and a small learned model, with and without trajectories; every field quantity;
# data; schedules; renders to PNG, SVG and CSV/JSON tables of every view) and writes their outputs
# with a SHA256SUMS file. Run it with the build before a change and after it, then compare.
#
#   bash tools/cli_golden.sh run CLI OUTDIR       write every output and OUTDIR/SHA256SUMS
#   bash tools/cli_golden.sh compare DIR_A DIR_B  exit 1 and name each file that differs
#
# Every command runs on the CPU backend with fixed seeds and one thread, so the outputs are
# reproducible. A command that fails stops the run (its message is printed).
set -euo pipefail

usage() {
    echo "usage: bash tools/cli_golden.sh run CLI OUTDIR | compare DIR_A DIR_B" >&2
    exit 2
}

run() {
    local cli out
    cli=$(realpath "$1")
    out=$2
    mkdir -p "$out"
    cd "$out"
    rm -f ./*.csv ./*.json ./*.png ./*.svg ./*.dsm ./*.log SHA256SUMS
    local c="$cli"
    local common=(--threads 1 --backend cpu)
    "$c" data --dataset moons --n 400 --seed 1 --out data-moons.csv
    "$c" data --dataset gmm8 --n 300 --seed 2 --out data-gmm8.csv
    "$c" data --dataset shapes --resolution 8 --n 12 --seed 3 --out data-shapes.csv
    for s in vp-linear cosine ve edm rf; do
        "$c" schedule --schedule "$s" --n 50 --out "schedule-$s.csv" --grid "grid-$s.csv" \
            --sampler heun --steps 12
    done
    "$c" train --dataset moons --steps 300 --batch 128 --seed 5 "${common[@]}" \
        --out moons.dsm --log train-moons.csv > train.log
    "$c" train --dataset moons --target eps --steps 200 --batch 64 --seed 6 "${common[@]}" \
        --out moons-eps.dsm > /dev/null
    local samplers=(ddpm ddim euler heun em edm-sde dpmpp-2m pc langevin)
    for smp in "${samplers[@]}"; do
        "$c" sample --dataset gmm8 --denoiser exact --schedule vp-linear --sampler "$smp" \
            --steps 12 --n 200 --seed 3 "${common[@]}" --out "sample-exact-$smp.csv" \
            --trajectory "traj-exact-$smp.csv"
        "$c" sample --dataset moons --data-n 300 --denoiser ideal --schedule cosine \
            --sampler "$smp" --steps 10 --n 150 --seed 4 "${common[@]}" \
            --out "sample-ideal-$smp.csv"
        "$c" sample --dataset moons --denoiser moons.dsm --schedule ve --sampler "$smp" \
            --steps 10 --n 150 --seed 5 "${common[@]}" --out "sample-learned-$smp.csv" \
            --trajectory "traj-learned-$smp.csv"
        "$c" sample --dataset moons --denoiser moons-eps.dsm --schedule edm --sampler "$smp" \
            --steps 8 --n 100 --seed 6 "${common[@]}" --out "sample-learned-eps-$smp.csv"
    done
    "$c" sample --dataset gmm8 --denoiser exact --sampler ddim --eta 0.5 --steps 15 --n 100 \
        --seed 7 "${common[@]}" --out sample-ddim-eta.csv
    "$c" sample --dataset gmm8 --denoiser exact --sampler edm-sde --churn 40 --steps 15 \
        --n 100 --seed 7 "${common[@]}" --out sample-edm-churn.csv
    "$c" sample --dataset gmm8 --denoiser exact --class 2 --guidance 3 --sampler heun \
        --steps 15 --n 100 --seed 8 "${common[@]}" --out sample-guided.csv
    for q in x0 eps v score velocity; do
        "$c" field --dataset gmm8 --denoiser exact --schedule vp-linear --t 0.3 --quantity "$q" \
            --grid 12 --extent 3 "${common[@]}" --out "field-exact-$q.csv"
        "$c" field --dataset moons --data-n 300 --denoiser ideal --schedule ve --sigma 0.4 \
            --quantity "$q" --grid 12 "${common[@]}" --out "field-ideal-$q.csv"
        "$c" field --dataset moons --denoiser moons.dsm --schedule cosine --t 0.5 \
            --quantity "$q" --grid 12 "${common[@]}" --out "field-learned-$q.csv"
    done
    local r2=(--dataset gmm8 --denoiser exact --sampler heun --steps 12 --n 300
        "${common[@]}")
    "$c" render "${r2[@]}" --view chain,field,trajectories,density --size 800x600 \
        --out render-2d.png
    "$c" render "${r2[@]}" --view trajectories,density --size 640x320 --out render-2d.svg
    for v in chain field trajectories density; do
        "$c" render "${r2[@]}" --view "$v" --out "table-$v.csv"
        "$c" render "${r2[@]}" --view "$v" --out "table-$v.json"
    done
    "$c" render --dataset moons --denoiser moons.dsm --sampler ddim --steps 10 --n 200 \
        "${common[@]}" --view field,trajectories --size 640x320 --out render-learned.png
    local ri=(--dataset shapes --resolution 8 --denoiser ideal --sampler heun --steps 8 --n 6
        "${common[@]}")
    "$c" render "${ri[@]}" --view filmstrip,samples,spectrum,posterior --size 1000x700 \
        --out render-images.png
    "$c" render "${ri[@]}" --view samples --out table-samples.csv
    "$c" render "${ri[@]}" --view spectrum --out table-spectrum.csv
    sha256sum -- *.csv *.json *.png *.svg *.dsm > SHA256SUMS
    echo "$(wc -l < SHA256SUMS) outputs in $out/SHA256SUMS"
}

compare() {
    local a=$1 b=$2 bad=0
    [ -f "$a/SHA256SUMS" ] && [ -f "$b/SHA256SUMS" ] || usage
    while read -r _ name; do
        if [ ! -f "$b/$name" ]; then
            echo "missing in $b: $name"
            bad=1
        elif ! cmp -s "$a/$name" "$b/$name"; then
            echo "differs: $name"
            bad=1
        fi
    done < "$a/SHA256SUMS"
    if [ "$bad" -eq 0 ]; then
        echo "identical: $(wc -l < "$a/SHA256SUMS") outputs"
    fi
    return "$bad"
}

case "${1:-}" in
run) [ $# -eq 3 ] || usage; run "$2" "$3" ;;
compare) [ $# -eq 3 ] || usage; compare "$2" "$3" ;;
*) usage ;;
esac

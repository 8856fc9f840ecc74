#!/bin/bash
# Issues 4 and 18's GPU measurements in one device call (../shared/gpu/README.md).
#
#   bash tests/bench/gpu_bench.sh build   here: a Qt-free Release build in build-gpu/ of
#                                         diffuscope-cli and vulkan_tests, copied with the shared
#                                         libraries the GPU machine lacks into gpu-carry/ (a few
#                                         MB: object files stay here), and the Vulkan loader's
#                                         packages in .gl/
#   bash tests/bench/gpu_bench.sh run     there (the device tool, carry [".gl", "gpu-carry"]):
#                                         the device, the parity tests with the kernels on the
#                                         GPU (the cooperative-matrix kernel's too, KHR and NV),
#                                         then DDIM 10^6 x 100 (each kernel), training at batch
#                                         4096 and the field, each beside PyTorch CUDA's best of
#                                         fp32, TF32, bf16 and torch.compile; about 5 minutes;
#                                         everything also goes to $OUT/gpu-bench.txt
set -euo pipefail
cd "$(dirname "$0")/../.."

build() {
    mkdir -p .gl && cp ../shared/gpu/debs/*.deb .gl/
    local exclude
    exclude="$(git rev-parse --git-dir)/info/exclude"
    mkdir -p "$(dirname "$exclude")"
    for p in /.gl/ /build-gpu/ /gpu-carry/; do
        grep -qxF "$p" "$exclude" 2>/dev/null || echo "$p" >> "$exclude"
    done
    cmake -S . -B build-gpu -G Ninja -DCMAKE_BUILD_TYPE=Release -DDIFFUSCOPE_BUILD_GUI=OFF
    cmake --build build-gpu --target diffuscope-cli vulkan_tests
    # The binaries, and what the GPU machine has no package for: fmt and libpng (Debian 12's,
    # as the build's).
    rm -rf gpu-carry && mkdir -p gpu-carry/lib
    cp build-gpu/app/cli/diffuscope-cli build-gpu/tests/vulkan_tests gpu-carry/
    for lib in libfmt.so.9 libpng16.so.16; do
        cp -L "/usr/lib/x86_64-linux-gnu/$lib" gpu-carry/lib/
    done
    strip gpu-carry/diffuscope-cli gpu-carry/vulkan_tests
    du -sh gpu-carry .gl
    echo 'then: run(command="bash tests/bench/gpu_bench.sh run", carry=[".gl", "gpu-carry"])'
}

run() {
    local out="${OUT:-/tmp/gpu-bench}"
    mkdir -p "$out"
    for f in .gl/*.deb; do dpkg -x "$f" /; done
    ldconfig
    export VK_DRIVER_FILES=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
    export LD_LIBRARY_PATH="$PWD/gpu-carry/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
    local cli=gpu-carry/diffuscope-cli tests=gpu-carry/vulkan_tests
    local torch="python3 tests/bench/compare_torch.py --cli $cli --backend vulkan --device cuda"
    local ddim=(bench --workload ddim --backend vulkan --particles 1000000 --steps 100 --repeat 3)
    local t0=$SECONDS
    {
        echo "== device"
        vulkaninfo --summary | sed -n '/Devices:/,$p' | head -20
        vulkaninfo 2>/dev/null | grep -iE 'cooperative_matrix|float16_int8|vulkan_memory_model' |
            head -8
        "$cli" list | sed -n '/backends/,$p'
        echo "== parity: every kernel against the CPU, on the GPU (no validation layer there)"
        timeout 200 "$tests" --reporter compact '~[coopmat]' || echo "PARITY TESTS FAILED"
        echo "== cooperative matrices (fp16, fp32 accumulation): KHR, then NV; errors printed"
        for mode in 1 nv; do
            echo "-- DIFFUSCOPE_VULKAN_COOPMAT=$mode"
            DIFFUSCOPE_VULKAN_COOPMAT=$mode timeout 90 "$tests" '[coopmat]' -s 2>&1 |
                grep -E 'error [0-9]|usable|FAILED|refused|passed|failed|width' | sort | uniq -c |
                head -40 || echo "COOPMAT TEST FAILED ($mode)"
        done
        echo "== DDIM 10^6 x 100 beside PyTorch's best (t = $((SECONDS - t0)) s)"
        timeout 240 $torch --workload ddim --particles 1000000 --steps 100 --compile-timeout 60 ||
            echo "DDIM COMPARISON FAILED"
        echo "== DDIM 10^6 x 100, each kernel (t = $((SECONDS - t0)) s)"
        for setting in "DIFFUSCOPE_VULKAN_WHOLE_RUN=0" "DIFFUSCOPE_VULKAN_MLP_ROWS=32" \
            "DIFFUSCOPE_VULKAN_MLP_ROWS=64" "DIFFUSCOPE_VULKAN_COOPMAT=1" \
            "DIFFUSCOPE_VULKAN_COOPMAT=nv"; do
            echo "-- $setting"
            env "$setting" timeout 60 "$cli" "${ddim[@]}" || echo "FAILED"
        done
        echo "== MLP training, batch 4096 (t = $((SECONDS - t0)) s)"
        timeout 150 $torch --workload train --batch 4096 --compile-timeout 45 ||
            echo "TRAINING COMPARISON FAILED"
        echo "== ideal field, 60,000 points x 512^2 (t = $((SECONDS - t0)) s)"
        timeout 120 $torch --workload field --compile-timeout 30 || echo "FIELD COMPARISON FAILED"
        echo "== done in $((SECONDS - t0)) s"
    } 2>&1 | tee "$out/gpu-bench.txt"
}

case "${1:-}" in
build) build ;;
run) run ;;
*)
    echo "usage: bash tests/bench/gpu_bench.sh build|run" >&2
    exit 2
    ;;
esac

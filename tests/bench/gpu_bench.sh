#!/bin/bash
# Issue 4's GPU measurements in one device call (../shared/gpu/README.md).
#
#   bash tests/bench/gpu_bench.sh build   here: a Qt-free Release build in build-gpu/ of
#                                         diffuscope-cli and vulkan_tests, copied with the shared
#                                         libraries the GPU machine lacks into gpu-carry/ (a few
#                                         MB: object files stay here), and the Vulkan loader's
#                                         packages in .gl/
#   bash tests/bench/gpu_bench.sh run     there (the device tool, carry [".gl", "gpu-carry"]):
#                                         the device, the parity tests with the kernels on the
#                                         GPU, then sampling, field and training side by side
#                                         with PyTorch CUDA; everything also goes to $OUT
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
    local cli=gpu-carry/diffuscope-cli
    {
        vulkaninfo --summary | sed -n '/Devices:/,$p' | head -20
        "$cli" list | sed -n '/backends/,$p'
        # Parity: every kernel against the CPU, on the GPU (no validation layer there).
        gpu-carry/vulkan_tests --reporter compact || echo "PARITY TESTS FAILED"
        python3 tests/bench/compare_torch.py --cli "$cli" --workload ddim --backend vulkan \
            --device cuda --particles 1000000 --steps 100
        python3 tests/bench/compare_torch.py --cli "$cli" --workload field --backend vulkan \
            --device cuda
        python3 tests/bench/compare_torch.py --cli "$cli" --workload train --backend vulkan \
            --device cuda --batch 4096
        "$cli" bench --workload ddim --backend vulkan --particles 1000000 --steps 100 --repeat 3
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

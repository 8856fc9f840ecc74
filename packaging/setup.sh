#!/usr/bin/env bash
# Diffuscope set-up for a fresh Debian 12 machine: installs the Debian packages that are missing,
# builds in build/ (Release, Ninja, ccache), then starts the program on its default scene, runs
# the whole test suite, or builds the Debian package.
#
#   bash packaging/setup.sh run    build, then open the explorer (`diffuscope`) on the default
#                                  scene; without a display, the CLI demo in the terminal
#   bash packaging/setup.sh test   build, run every test (ctest), then the core, loader and CLI
#                                  tests again under AddressSanitizer + UndefinedBehaviorSanitizer,
#                                  then each loader's fuzz target for a short while (clang,
#                                  libFuzzer; tools/fuzz.sh)
#   bash packaging/setup.sh package  build, then the Debian package and a .tar.gz of the same
#                                  files (CPack; packaging/CMakeLists.txt) in build/; install it
#                                  with `sudo apt-get install ./build/diffuscope_*.deb`
set -euo pipefail

mode=${1:-run}
case "$mode" in
run | test | package) ;;
*)
    echo "usage: bash packaging/setup.sh [run|test|package]" >&2
    exit 2
    ;;
esac
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
jobs=$(nproc 2>/dev/null || echo 2)

# Everything comes from Debian's archive; see DESIGN.md.
packages=(cmake g++ ninja-build ccache pkg-config libeigen3-dev catch2 libcli11-dev
    nlohmann-json3-dev libfmt-dev libvulkan-dev glslc spirv-tools mesa-vulkan-drivers
    vulkan-validationlayers qt6-base-dev qt6-svg-dev libgif-dev libavcodec-dev libavformat-dev
    libswscale-dev xvfb xauth zlib1g-dev libpng-dev dataset-fashion-mnist clang-format clang
    libclang-rt-14-dev dpkg-dev file help2man desktop-file-utils appstream lintian)
missing=()
for p in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$p")
    fi
done
if ((${#missing[@]})); then
    echo "== installing ${missing[*]}"
    sudo=""
    if [ "$(id -u)" -ne 0 ]; then sudo=sudo; fi
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
        "${missing[@]}"
fi

echo "== building in $root/build"
cmake -S "$root" -B "$root/build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$root/build" -j "$jobs"

if [ "$mode" = run ]; then
    if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
        exec "$root/build/app/gui/diffuscope"
    fi
    echo "== no display (DISPLAY and WAYLAND_DISPLAY are unset): the terminal demo instead"
    exec "$root/build/app/cli/diffuscope-cli" demo
fi

if [ "$mode" = package ]; then
    echo "== building the package (cpack)"
    cmake --build "$root/build" --target package
    ls -l "$root"/build/diffuscope_*.deb "$root"/build/diffuscope-*.tar.gz
    echo "== install it with: sudo apt-get install $(ls "$root"/build/diffuscope_*.deb)"
    exit 0
fi

echo "== running the test suite"
(cd "$root/build" && ctest --output-on-failure -j "$jobs")

stage=$SECONDS
echo "== core, loader and CLI tests under AddressSanitizer + UndefinedBehaviorSanitizer (build-asan/)"
# The CLI runs as a user runs it (every command, every refusal); the Qt layer and Vulkan stay out
# (render's tests need the Qt layer; lavapipe is not built for ASan). The PyTorch comparison
# (label interop) runs in the first stage only: under ASan its trainings take minutes.
cmake -S "$root" -B "$root/build-asan" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DDIFFUSCOPE_SANITIZE=ON -DDIFFUSCOPE_BUILD_CLI=ON -DDIFFUSCOPE_BUILD_GUI=OFF \
    -DDIFFUSCOPE_VULKAN=OFF >/dev/null
cmake --build "$root/build-asan" -j "$jobs" --target core_tests cli_tests diffuscope-cli
(cd "$root/build-asan" && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ctest -L 'core|cli' -LE interop --output-on-failure -j "$jobs")
echo "== sanitizer stage: $((SECONDS - stage)) s"

stage=$SECONDS
echo "== fuzzing every loader for ${DIFFUSCOPE_CI_FUZZ_SECONDS:-20} s (build-fuzz/, tools/fuzz.sh)"
FUZZ_BUILD_JOBS=$jobs bash "$root/tools/fuzz.sh" --seconds "${DIFFUSCOPE_CI_FUZZ_SECONDS:-20}"
echo "== fuzz stage: $((SECONDS - stage)) s"
echo "== all tests passed"

#!/usr/bin/env bash
# Builds the libFuzzer targets (tests/fuzz) in build-fuzz/ with clang, ASan and UBSan, and runs
# each for a while. Fails (exit 1) on any crash, leak, timeout, out-of-memory or allocation over
# the limit; the input that did it is copied to tests/fuzz/crashers/<target>/, where the core
# test 'fuzz corpus and crashers replay' replays it in every build.
#
#   bash tools/fuzz.sh [--seconds N | --runs M] [--no-build] [TARGET...]
#
#   --seconds N   run each target N seconds (default 60)
#   --runs M      run each target M inputs instead (e.g. 1000000)
#   --no-build    use build-fuzz/ as it is
#   TARGET        csv dsm idx png scene_json gmm_json npy npz safetensors (default: all)
#
# New inputs that reach new code go to build-fuzz/fuzz-corpus/<target>/ (not the tree); the
# seeds are tests/fuzz/corpus/<target>/ (tools/fuzz_corpus.sh writes them). One fuzzer process
# at a time; FUZZ_BUILD_JOBS (default 2) compile jobs.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=$root/build-fuzz
seconds=60
runs=""
do_build=1
targets=()
while (($#)); do
    case "$1" in
    --seconds) seconds=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --no-build) do_build=0; shift ;;
    -h | --help) sed -n '2,16p' "$0"; exit 0 ;;
    -*) echo "fuzz.sh: unknown option $1" >&2; exit 2 ;;
    *) targets+=("$1"); shift ;;
    esac
done
((${#targets[@]})) || targets=(csv dsm idx png scene_json gmm_json npy npz safetensors)

# The memory the loaders may plan to use, and the fuzzer's limits above it: an allocation of
# more than twice the budget in one piece, or a process past rss_limit_mb, is a finding.
export DIFFUSCOPE_MEMORY_BUDGET=${DIFFUSCOPE_MEMORY_BUDGET:-256M}
malloc_limit_mb=512
rss_limit_mb=2048
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:symbolize=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

if ((do_build)); then
    start=$SECONDS
    # -O1 with assertions (Eigen's index checks) on; line tables are enough for the reports.
    CC=clang CXX=clang++ cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
        -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -gline-tables-only" -DDIFFUSCOPE_FUZZ=ON \
        -DDIFFUSCOPE_BUILD_GUI=OFF -DDIFFUSCOPE_BUILD_CLI=OFF -DDIFFUSCOPE_VULKAN=OFF > /dev/null
    cmake --build "$build" -j "${FUZZ_BUILD_JOBS:-2}" --target fuzz_targets
    echo "== fuzz targets built in $((SECONDS - start)) s"
fi

failed=()
summary=()
for t in "${targets[@]}"; do
    bin=$build/tests/fuzz/fuzz_$t
    [ -x "$bin" ] || { echo "fuzz.sh: no target $bin" >&2; exit 2; }
    work=$build/fuzz-corpus/$t
    artifacts=$build/fuzz-artifacts/$t
    log=$build/fuzz-logs/$t.log
    mkdir -p "$work" "$artifacts" "$(dirname "$log")" "$root/tests/fuzz/crashers/$t"
    limit=(-max_total_time="$seconds")
    [ -n "$runs" ] && limit=(-runs="$runs")
    if [ -n "$runs" ]; then echo "== fuzz_$t ($runs runs)"; else echo "== fuzz_$t ($seconds s)"; fi
    start=$(date +%s%N)
    rc=0
    "$bin" "$work" "$root/tests/fuzz/corpus/$t" "$root/tests/fuzz/crashers/$t" \
        -dict="$root/tests/fuzz/dict/$t.dict" "${limit[@]}" -timeout=10 \
        -rss_limit_mb=$rss_limit_mb -malloc_limit_mb=$malloc_limit_mb \
        -artifact_prefix="$artifacts/" -print_final_stats=1 > "$log" 2>&1 || rc=$?
    wall=$(awk -v a="$start" -v b="$(date +%s%N)" 'BEGIN { printf "%.1f", (b - a) / 1e9 }')
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    rss=$(sed -n 's/^stat::peak_rss_mb: *//p' "$log" | tail -1)
    result=ok
    if ((rc != 0)); then
        result="FAILED (exit $rc)"
        failed+=("$t")
        tail -40 "$log"
        for f in "$artifacts"/*; do
            [ -f "$f" ] && cp "$f" "$root/tests/fuzz/crashers/$t/" && echo "kept $f in tests/fuzz/crashers/$t/"
        done
    fi
    rate=$(awk -v n="${execs:-0}" -v s="$wall" 'BEGIN { printf "%d", (s > 0) ? n / s : 0 }')
    summary+=("$(printf '%-11s %10s execs %8.1f s %7s exec/s %6s MB peak  %s' "$t" "${execs:-?}" \
        "$wall" "$rate" "${rss:-?}" "$result")")
done
echo "== fuzz summary (budget $DIFFUSCOPE_MEMORY_BUDGET, malloc limit $malloc_limit_mb MB, rss limit $rss_limit_mb MB)"
printf '%s\n' "${summary[@]}"
if ((${#failed[@]})); then
    echo "fuzz.sh: findings in ${failed[*]} (logs in $build/fuzz-logs/)" >&2
    exit 1
fi

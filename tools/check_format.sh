#!/usr/bin/env bash
# The formatting check (DESIGN.md: clang-format, LLVM base, 4 spaces, 100 columns, committed and
# applied), run by CTest (label core) so that CI fails on a file that clang-format would change.
#
#   bash tools/check_format.sh [REPO_ROOT]        check; exit 1 naming each file that differs
#   bash tools/check_format.sh --fix [REPO_ROOT]  rewrite those files in place
#
# Checks every C++ file of the project (core/, app/, tests/, tools/) with the
# .clang-format at the root. Needs clang-format (Debian's clang-format, version 14).
set -euo pipefail

fix=0
if [ "${1:-}" = "--fix" ]; then
    fix=1
    shift
fi
root=${1:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
cd "$root"
if ! command -v clang-format > /dev/null; then
    echo "check_format: clang-format is not installed (apt-get install clang-format)" >&2
    exit 1
fi
mapfile -t files < <(find core app tests tools packaging -type f \
    \( -name '*.cpp' -o -name '*.hpp' -o -name '*.h' \) 2> /dev/null | LC_ALL=C sort)
if [ "$fix" -eq 1 ]; then
    clang-format -i "${files[@]}"
    echo "check_format: formatted ${#files[@]} files"
    exit 0
fi
bad=()
for f in "${files[@]}"; do
    if ! clang-format --dry-run --Werror "$f" > /dev/null 2>&1; then bad+=("$f"); fi
done
if ((${#bad[@]})); then
    printf 'check_format: clang-format would change %s\n' "${bad[@]}" >&2
    echo "check_format: ${#bad[@]} of ${#files[@]} files differ; run: bash tools/check_format.sh --fix" >&2
    exit 1
fi
echo "check_format: ${#files[@]} files formatted"

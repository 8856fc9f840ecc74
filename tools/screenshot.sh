#!/usr/bin/env bash
# Screenshot of the real window under Xvfb: starts `diffuscope` (optionally on a scene file) on
# a virtual 1600x1000 screen (DIFFUSCOPE_SCREEN=1280x800 for another), waits for it to draw, grabs the screen with ImageMagick's `import`.
#
#   bash tools/screenshot.sh OUT.png [scene.json] [seconds to wait, default 6]
set -euo pipefail
out=${1:?usage: bash tools/screenshot.sh OUT.png [scene.json] [seconds]}
scene=${2:-}
wait_s=${3:-6}
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
app="$root/build/app/gui/diffuscope"
[ -x "$app" ] || { echo "build first: $app is missing" >&2; exit 1; }
command -v import >/dev/null || { echo "needs ImageMagick's import (apt-get install imagemagick)" >&2; exit 1; }
export DISPLAY_SCRIPT_OUT="$out"
# The window is stopped with SIGTERM, which leaves its crash-safe session behind (as a kill
# would): keep it out of the user's own folder unless DIFFUSCOPE_RECOVERY_DIR says where.
if [ -z "${DIFFUSCOPE_RECOVERY_DIR:-}" ]; then
    DIFFUSCOPE_RECOVERY_DIR=$(mktemp -d)
    trap 'rm -rf "$DIFFUSCOPE_RECOVERY_DIR"' EXIT
    export DIFFUSCOPE_RECOVERY_DIR
fi
xvfb-run -a -s "-screen 0 ${DIFFUSCOPE_SCREEN:-1600x1000}x24" bash -c '
    "$0" ${1:+"$1"} &
    pid=$!
    sleep "$2"
    import -window root "$DISPLAY_SCRIPT_OUT"
    kill $pid
    wait $pid 2>/dev/null || true
' "$app" "$scene" "$wait_s"
echo "wrote $out"

#!/usr/bin/env bash
# CTest `package` (label packaging): builds the .deb with cpack from BUILD_DIR, unpacks it with
# dpkg-deb -x into WORK_DIR and checks what a user gets: the control fields (shlibdeps ran, the
# Recommends and Suggests), diffuscope-cli running from the unpacked tree, both programs' man
# pages, the desktop entry, the SVG and every PNG icon size (read from the PNG header), the
# AppStream metadata, every example scene, no RPATH; then lintian, whose errors fail the test.
#
#   bash packaging/test_package.sh CPACK BUILD_DIR WORK_DIR SCENES_DIR
set -euo pipefail
if [ $# -ne 4 ]; then
    echo "usage: test_package.sh CPACK BUILD_DIR WORK_DIR SCENES_DIR" >&2
    exit 2
fi
cpack=$1
build=$2
work=$3
scenes=$4
app=io.github.diffuscope.Diffuscope
failures=0
fail() {
    echo "FAIL: $*" >&2
    failures=$((failures + 1))
}

rm -rf "$work"
mkdir -p "$work"
start=$SECONDS
"$cpack" --config "$build/CPackConfig.cmake" -G DEB -B "$work" >"$work/cpack.log" 2>&1 || {
    cat "$work/cpack.log" >&2
    echo "FAIL: cpack -G DEB" >&2
    exit 1
}
debs=("$work"/diffuscope_*.deb)
if [ ${#debs[@]} -ne 1 ] || [ ! -f "${debs[0]}" ]; then
    echo "FAIL: cpack made no single diffuscope_*.deb in $work" >&2
    exit 1
fi
deb=${debs[0]}
echo "built $(basename "$deb") ($(stat -c %s "$deb") bytes) in $((SECONDS - start)) s"

# Control fields.
depends=$(dpkg-deb -f "$deb" Depends)
for lib in libqt6widgets6 libqt6svg6 libvulkan1 libavcodec libpng16-16 libc6; do
    [[ $depends == *"$lib"* ]] || fail "Depends lacks $lib (shlibdeps): $depends"
done
[[ $(dpkg-deb -f "$deb" Recommends) == *mesa-vulkan-drivers* ]] || fail "Recommends lacks mesa-vulkan-drivers"
[[ $(dpkg-deb -f "$deb" Suggests) == *dataset-fashion-mnist* ]] || fail "Suggests lacks dataset-fashion-mnist"
[ "$(dpkg-deb -f "$deb" Section)" = science ] || fail "Section is not science"

# The unpacked tree.
root=$work/root
dpkg-deb -x "$deb" "$root"
for f in usr/bin/diffuscope usr/bin/diffuscope-cli; do
    [ -x "$root/$f" ] || fail "$f missing or not executable"
    if readelf -d "$root/$f" | grep -Eq 'RPATH|RUNPATH'; then fail "$f carries an RPATH"; fi
done
list=$("$root/usr/bin/diffuscope-cli" list 2>&1) || fail "unpacked diffuscope-cli list exited $?"
for word in gmm8 vp-linear heun; do
    [[ $list == *"$word"* ]] || fail "diffuscope-cli list does not name $word"
done
version=$(QT_QPA_PLATFORM=offscreen "$root/usr/bin/diffuscope" --version 2>/dev/null) ||
    fail "unpacked diffuscope --version exited $?"
# One version everywhere: the package's, the programs', the AppStream release's.
upstream=$(dpkg-deb -f "$deb" Version)
upstream=${upstream%-*}
[ "$version" = "Diffuscope $upstream" ] || fail "diffuscope --version printed '$version', not $upstream"
[ "$("$root/usr/bin/diffuscope-cli" --version)" = "diffuscope-cli $upstream" ] ||
    fail "diffuscope-cli --version is not $upstream"
grep -q "<release version=\"$upstream\"" "$root/usr/share/metainfo/$app.metainfo.xml" ||
    fail "the metainfo's releases do not name $upstream"
for prog in diffuscope diffuscope-cli; do
    page=$root/usr/share/man/man1/$prog.1.gz
    if [ -f "$page" ]; then
        zcat "$page" | grep -q '^\.SH FILES' || fail "$prog.1 has no FILES section"
        zcat "$page" | grep -q "^\.TH \"\?${prog^^}" || fail "$prog.1 has no .TH ${prog^^} header"
    else
        fail "man page $prog.1.gz missing"
    fi
done
[ -f "$root/usr/share/applications/$app.desktop" ] || fail "desktop entry missing"
grep -q "^Exec=diffuscope" "$root/usr/share/applications/$app.desktop" || fail "desktop entry does not run diffuscope"
[ -f "$root/usr/share/metainfo/$app.metainfo.xml" ] || fail "AppStream metadata missing"
[ -f "$root/usr/share/icons/hicolor/scalable/apps/$app.svg" ] || fail "SVG icon missing"
for size in 16 32 48 64 128 256; do
    png=$root/usr/share/icons/hicolor/${size}x${size}/apps/$app.png
    if [ ! -f "$png" ]; then
        fail "icon ${size}x${size} missing"
        continue
    fi
    # PNG: 8-byte signature, then the IHDR chunk with width and height as 4-byte big-endian.
    read -r w h < <(od -An -tu1 -j16 -N8 "$png" |
        awk '{print $1*16777216+$2*65536+$3*256+$4, $5*16777216+$6*65536+$7*256+$8}')
    [ "$w $h" = "$size $size" ] || fail "icon ${size}x${size} is ${w}x${h}"
done
for scene in "$scenes"/*.json; do
    [ -f "$root/usr/share/diffuscope/scenes/$(basename "$scene")" ] || fail "scene $(basename "$scene") missing"
done
[ -f "$root/usr/share/doc/diffuscope/copyright" ] || fail "copyright missing"

# lintian: errors fail, warnings are printed.
if command -v lintian >/dev/null; then
    lint=$(lintian --tag-display-limit 0 "$deb" 2>&1) || true
    [ -z "$lint" ] || echo "$lint"
    if grep -q '^E:' <<<"$lint"; then fail "lintian reports errors"; fi
else
    fail "lintian not installed (apt-get install lintian; packaging/setup.sh installs it)"
fi

echo "package test: $failures failure(s), $((SECONDS - start)) s"
[ "$failures" -eq 0 ]

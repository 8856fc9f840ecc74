#!/usr/bin/env bash
# The core's layering check (DESIGN.md, "the core's folders form layers with no include cycle"),
# run by CTest (label core) so that CI fails on an include that runs against the order.
#
#   bash tools/check_layers.sh [REPO_ROOT]
#
# Every file under core/ belongs to one layer of LAYERS below (lowest first). A file may include
# files of its own layer and of the layers below it, never of a layer above. It also rejects
#   - a file under core/ that is in no layer (a new folder or loose file must be placed here),
#   - an include cycle among the core's files, and a cycle among the folders of one layer,
#   - core including app/ or Qt, and <vulkan/...> outside core/vulkan/.
# Each error names the file, the line and the layers; the exit status is 1 on any error.
# Needs only bash, grep and awk.
set -euo pipefail

root=${1:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
cd "$root"

# One layer per line, lowest first: its name, then what it holds (paths under core/; a folder
# ends in /). The README's developer section explains the order.
LAYERS='
base       types.hpp errors.hpp name_table.hpp multiversion.hpp sincos.hpp sincos.cpp memory_budget.hpp memory_budget.cpp rng/
schedules  schedules/ parameterisation.hpp parameterisation.cpp
nn         nn/
io         io/
datasets   datasets/
model      model/
denoisers  denoisers/
metrics    metrics/
backend    backend/
samplers   samplers/ field.hpp field.cpp
training   training/
scene      scene/
perspectives perspectives/
vulkan     vulkan/
'

files=$(find core -type f \( -name '*.hpp' -o -name '*.cpp' -o -name '*.inc' -o -name '*.h' \) |
    LC_ALL=C sort)
# "file:line:text" for every include line of the core.
includes=$(grep -Hn -E '^[[:space:]]*#[[:space:]]*include[[:space:]]*["<]' $files || true)

LC_ALL=C awk -v layers="$LAYERS" -v files="$files" '
function layerOf(path,    rel, k) {
    rel = substr(path, 6) # without "core/"
    for (k = 1; k <= nEntries; ++k)
        if ((entry[k] ~ /\/$/ && index(rel, entry[k]) == 1) || rel == entry[k]) return entryLayer[k]
    return 0
}
# The unit of the folder-cycle check: a folder under core/, or a loose file without its suffix.
function unitOf(path,    rel) {
    rel = substr(path, 6)
    if (index(rel, "/")) return substr(rel, 1, index(rel, "/") - 1)
    sub(/\.[a-z]+$/, "", rel)
    return rel
}
function fail(msg) { print msg > "/dev/stderr"; ++errors }
# Depth-first search for a cycle from node u in graph g ("fileEdge" or "unitEdge"): state 1 on
# the stack, 2 done. On a back edge, prints the cycle with the include that makes each step.
function dfs(g, u,    k, v, i, msg) {
    state[g, u] = 1
    stack[++depth] = u
    for (k = 1; k <= outCount[g, u]; ++k) {
        v = out[g, u, k]
        if (state[g, v] == 1) {
            msg = (g == "file" ? "include cycle: " : "folder cycle within layer " \
                   names[layerOfUnit[u]] ": ")
            for (i = depth; i >= 1 && stack[i] != v; --i) ;
            for (; i <= depth; ++i)
                msg = msg (g == "file" ? "" : stack[i] " (") \
                      via[g, stack[i], (i < depth ? stack[i + 1] : v)] (g == "file" ? "" : ")") " -> "
            fail(msg v)
        } else if (state[g, v] == 0)
            dfs(g, v)
    }
    --depth
    state[g, u] = 2
}
function addEdge(g, u, v, where) {
    if ((g, u, v) in via) return
    via[g, u, v] = where
    out[g, u, ++outCount[g, u]] = v
    nodes[g, u] = 1
}
BEGIN {
    nLayers = 0
    n = split(layers, line, "\n")
    for (i = 1; i <= n; ++i) {
        m = split(line[i], word, " ")
        if (m == 0) continue
        names[++nLayers] = word[1]
        for (j = 2; j <= m; ++j) { entry[++nEntries] = word[j]; entryLayer[nEntries] = nLayers }
    }
    n = split(files, file, "\n")
    for (i = 1; i <= n; ++i) {
        if (file[i] == "") continue
        if (!layerOf(file[i]))
            fail(file[i] ": in no layer: add it (or its folder) to LAYERS in tools/check_layers.sh")
        layerOfUnit[unitOf(file[i])] = layerOf(file[i])
    }
}
{
    # $0 is "file:line:text"
    src = $0; sub(/:.*/, "", src)
    rest = substr($0, length(src) + 2)
    lineNo = rest; sub(/:.*/, "", lineNo)
    text = substr(rest, length(lineNo) + 2)
    where = src ":" lineNo
    if (match(text, /<[^>]*>/)) {
        sys = substr(text, RSTART + 1, RLENGTH - 2)
        if (sys ~ /^Q[A-Za-z]*(\/|$)/)
            fail(where ": includes <" sys ">: the core is Qt-free (Qt belongs in app/)")
        if (sys ~ /^vulkan\// && index(src, "core/vulkan/") != 1)
            fail(where ": includes <" sys ">: only core/vulkan/ includes Vulkan")
        next
    }
    if (!match(text, /"[^"]*"/)) next
    dst = substr(text, RSTART + 1, RLENGTH - 2)
    if (index(dst, "app/") == 1) { fail(where ": includes " dst ": the core never includes app/"); next }
    if (index(dst, "core/") != 1) next
    ls = layerOf(src); ld = layerOf(dst)
    if (!ls) next # reported above
    if (!ld) { fail(where ": includes " dst ", which is in no layer of tools/check_layers.sh"); next }
    if (ld > ls)
        fail(where ": includes " dst ": layer " names[ls] " (" ls ") may not include layer " \
             names[ld] " (" ld "), which is above it")
    addEdge("file", src, dst, where)
    if (ld == ls && unitOf(src) != unitOf(dst)) addEdge("unit", unitOf(src), unitOf(dst), where)
}
END {
    for (key in nodes) {
        split(key, part, SUBSEP)
        if (state[part[1], part[2]] == 0) { depth = 0; dfs(part[1], part[2]) }
    }
    if (errors) {
        printf("check_layers: %d error(s); the order, lowest first:", errors) > "/dev/stderr"
        for (i = 1; i <= nLayers; ++i) printf(" %s", names[i]) > "/dev/stderr"
        print "" > "/dev/stderr"
        exit 1
    }
    printf("check_layers: %d files in %d layers, no upward include, no include cycle\n",
           split(files, file, "\n"), nLayers)
}
' <<<"$includes"

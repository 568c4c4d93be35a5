#!/usr/bin/env bash
# Copies Debian's libfaiss.a to OUT_DIR/libfaiss.a with every code section aligned to 64 bytes.
#
# Why: a static link places each object's .text only on a 16-byte boundary, wherever the objects
# before it end. FAISS's hot loops are a few instructions long, so the link decides whether a loop
# straddles a 32- or 64-byte fetch boundary, and that swings its speed by 15% (IVF-PQ's code scan:
# 0.86x python3-faiss's speed on the very same machine code, 1.0x once aligned; docs/performance.md,
# session 17). Aligning every section to 64 bytes keeps each object's own layout, whatever the link order.
#
# Usage: align-faiss-text.sh /usr/lib/x86_64-linux-gnu/libfaiss.a target/faiss-aligned
set -euo pipefail
in=$(realpath "$1")
out=$(realpath -m "$2")
if [[ "$out" == "$(dirname "$in")" ]]; then
    echo "align-faiss-text: the output directory must not be the input's ($out)" >&2
    exit 1
fi
if [[ -f "$out/libfaiss.a" && "$out/libfaiss.a" -nt "$in" && "$out/libfaiss.a" -nt "$0" ]]; then
    exit 0
fi
if [[ -n "$(ar t "$in" | sort | uniq -d)" ]]; then
    echo "align-faiss-text: $in holds two members of one name; extracting would lose one" >&2
    exit 1
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && ar x "$in")
members=()
while IFS= read -r member; do
    objcopy --set-section-alignment '.text*=64' "$work/$member"
    members+=("$member")
done < <(ar t "$in")
mkdir -p "$out"
rm -f "$out/libfaiss.a.tmp"
(cd "$work" && ar rcs "$out/libfaiss.a.tmp" "${members[@]}")
mv "$out/libfaiss.a.tmp" "$out/libfaiss.a"

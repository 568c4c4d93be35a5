#!/usr/bin/env bash
# Copies Debian's libfaiss.a to OUT_DIR/libfaiss.a with every code section aligned to 64 bytes.
#
# Why: a static link places each object's .text only on a 16-byte boundary, wherever the objects
# before it end. FAISS's hot loops are a few instructions long, so the link decides whether a loop
# straddles a 32- or 64-byte fetch boundary, and that swings its speed by 15% (IVF-PQ's code scan:
# 0.86x python3-faiss's speed on the very same machine code, 1.0x once aligned; docs/performance.md,
# session 17). Aligning every section to 64 bytes keeps each object's own layout, whatever the link order.
#
# With a hot-loop table (faiss-hot-loops.txt), it then pads the .text of each listed member by the
# multiple of 16 bytes that place-hot-loops.py chooses, so the listed functions' inner loops do not
# straddle two lines, and checks on the padded object that they landed where the choice promised.
#
# Usage: align-faiss-text.sh /usr/lib/x86_64-linux-gnu/libfaiss.a target/faiss-aligned [faiss-hot-loops.txt]
set -euo pipefail
in=$(realpath "$1")
out=$(realpath -m "$2")
table=${3:+$(realpath "$3")}
here=$(dirname "$(realpath "$0")")
if [[ "$out" == "$(dirname "$in")" ]]; then
    echo "align-faiss-text: the output directory must not be the input's ($out)" >&2
    exit 1
fi
up_to_date() {
    local input
    [[ -f "$out/libfaiss.a" ]] || return 1
    for input in "$in" "$0" "$here/place-hot-loops.py" ${table:+"$table"}; do
        [[ "$out/libfaiss.a" -nt "$input" ]] || return 1
    done
}
up_to_date && exit 0
if [[ -n "$(ar t "$in" | sort | uniq -d)" ]]; then
    echo "align-faiss-text: $in holds two members of one name; extracting would lose one" >&2
    exit 1
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && ar x "$in")

# Puts PAD bytes in front of MEMBER's .text: a relocatable link of a pad object and the member, in
# that order, shifts every symbol and relocation of the member's .text by PAD.
pad_member() {
    local member=$1 pad=$2
    printf '.section .text,"ax",@progbits\n.p2align 6\n.skip %d, 0x90\n.section .note.GNU-stack,"",@progbits\n' \
        "$pad" > "$work/.pad.s"
    as --64 -o "$work/.pad.o" "$work/.pad.s"
    ld -r -o "$work/.padded.o" "$work/.pad.o" "$work/$member"
    mv "$work/.padded.o" "$work/$member"
}

if [[ -n "$table" ]]; then
    for member in $(grep -v '^#' "$table" | awk 'NF { print $1 }' | sort -u); do
        if [[ ! -f "$work/$member" ]]; then
            echo "align-faiss-text: $member (in $table) is not in $in; its loops stay where they are" >&2
            continue
        fi
        mapfile -t symbols < <(awk -v m="$member" '$1 == m { print $2 }' "$table")
        choice=$(python3 "$here/place-hot-loops.py" choose "$work/$member" "${symbols[@]}")
        read -r pad lines windows <<< "$choice"
        if (( pad > 0 )); then
            pad_member "$member" "$pad"
            python3 "$here/place-hot-loops.py" check "$work/$member" "$lines" "$windows" "${symbols[@]}"
        fi
    done
fi
members=()
while IFS= read -r member; do
    objcopy --set-section-alignment '.text*=64' "$work/$member"
    members+=("$member")
done < <(ar t "$in")
mkdir -p "$out"
rm -f "$out/libfaiss.a.tmp"
(cd "$work" && ar rcs "$out/libfaiss.a.tmp" "${members[@]}")
mv "$out/libfaiss.a.tmp" "$out/libfaiss.a"

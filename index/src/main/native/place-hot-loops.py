#!/usr/bin/env python3
"""Chooses how many bytes of padding to put in front of an object's .text so its hot loops sit well.

Why: FAISS's hottest loops are a few instructions long (a scalar inner product is 23 bytes). Once
align-faiss-text.sh has aligned every code section to 64 bytes, a loop's place in its 64-byte line is
fixed by its offset in the object; when that offset makes it straddle two lines, the front end fetches
two lines per iteration and the loop runs measurably slower (HNSW search: about 6%, docs/performance.md,
session 18). Padding the object's .text by a multiple of 16 moves every function in it while keeping
the 16-byte alignment the compiler planned for, so one pad can put the listed loops inside one line.

The loops are found, not hard-coded: every backward jump inside a listed function that spans at most
64 bytes is an inner loop. A pad scores first by how many of them fit inside one 64-byte line, then by
how many fit inside one 32-byte fetch window; ties go to the smaller pad.

  place-hot-loops.py choose OBJECT SYMBOL...
      prints "PAD LINES WINDOWS": the best pad (0, 16, 32 or 48) and how many loops it puts inside one
      line and inside one window; a report goes to stderr
  place-hot-loops.py check OBJECT LINES WINDOWS SYMBOL...
      exits 1 unless the object as it is (the padded one) scores LINES and WINDOWS

A listed symbol missing from the object's .text is reported and skipped: this only costs speed, and a
newer libfaiss-dev may rename things. The build still links, and the report says which loop was lost.
"""
import os
import re
import subprocess
import sys

LINE = 64
WINDOW = 32
PADS = (0, 16, 32, 48)
FUNCTION = re.compile(r"^([0-9a-f]+) <(.+)>:$")
JUMP = re.compile(r"^\s*([0-9a-f]+):\s+(j[a-z]+)\s+([0-9a-f]+) <")
INSTRUCTION = re.compile(r"^\s*([0-9a-f]+):\s")


def disassemble(path):
    """Maps each .text function to its list of instruction addresses and (address, target) jumps."""
    listing = subprocess.run(
        ["objdump", "-d", "--no-show-raw-insn", "-j", ".text", path],
        check=True, capture_output=True, text=True).stdout
    functions = {}
    current = None
    for line in listing.splitlines():
        header = FUNCTION.match(line)
        if header:
            current = {"start": int(header.group(1), 16), "addresses": [], "jumps": []}
            functions[header.group(2)] = current
            continue
        if current is None:
            continue
        instruction = INSTRUCTION.match(line)
        if instruction:
            current["addresses"].append(int(instruction.group(1), 16))
        jump = JUMP.match(line)
        if jump:
            current["jumps"].append((int(jump.group(1), 16), int(jump.group(3), 16)))
    return functions


def inner_loops(function, end):
    """Backward jumps within the function spanning at most one line: (first byte, one past the jump)."""
    addresses = function["addresses"] + [end]
    loops = set()
    for at, target in function["jumps"]:
        if function["start"] <= target <= at:
            after = addresses[addresses.index(at) + 1]
            if after - target <= LINE:
                loops.add((target, after))
    return sorted(loops)


def hot_loops(path, symbols):
    functions = disassemble(path)
    starts = sorted(f["start"] for f in functions.values())
    found, missing = {}, []
    for symbol in symbols:
        function = functions.get(symbol)
        if function is None:
            missing.append(symbol)
            continue
        later = [s for s in starts if s > function["start"]]
        end = later[0] if later else function["addresses"][-1] + 16
        found[symbol] = inner_loops(function, end)
    return found, missing


def fits(loop, pad, size):
    first, after = loop[0] + pad, loop[1] + pad
    return first // size == (after - 1) // size


def score(loops, pad):
    every = [loop for group in loops.values() for loop in group]
    return (sum(fits(loop, pad, LINE) for loop in every), sum(fits(loop, pad, WINDOW) for loop in every))


def choose(path, symbols):
    loops, missing = hot_loops(path, symbols)
    for symbol in missing:
        print(f"place-hot-loops: {os.path.basename(path)}: {symbol} not in .text; its loops stay where they are",
              file=sys.stderr)
    total = sum(len(group) for group in loops.values())
    best = max(PADS, key=lambda pad: (score(loops, pad), -pad))
    lines, windows = score(loops, best)
    was_lines, was_windows = score(loops, 0)
    print(f"place-hot-loops: {os.path.basename(path)}: pad {best}: {lines} of {total} hot loops inside one 64-byte line"
          f" (was {was_lines}), {windows} inside one 32-byte window (was {was_windows})", file=sys.stderr)
    return best, (lines, windows)


def main(argv):
    if len(argv) >= 3 and argv[0] == "choose":
        pad, (lines, windows) = choose(argv[1], argv[2:])
        print(pad, lines, windows)
        return 0
    if len(argv) >= 5 and argv[0] == "check":
        path, promised, symbols = argv[1], (int(argv[2]), int(argv[3])), argv[4:]
        loops, _ = hot_loops(path, symbols)
        now = score(loops, 0)
        if now != promised:
            print(f"place-hot-loops: {path}: its hot loops now score {now} (lines, windows),"
                  f" not the {promised} its pad promised", file=sys.stderr)
            return 1
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

#!/usr/bin/env python3
"""Makes the two package versions of the testbed's delta mode (run.sh DELTA=1), deterministically.

Usage: delta.py SIZE_BYTES SEED V1_PATH V2_PATH

  v1  SIZE_BYTES random bytes (from a generator seeded with SEED)
  v2  v1 with 32 scattered 16 KiB overwrites (new random bytes, each at an offset that is not a
      multiple of 4 KiB, one in each 1/32 of the file) and 3,000 new bytes inserted near the middle
      (also at an unaligned offset), so that the second half of the file moves by 3,000 bytes

Prints one line: new_bytes=527288 overwrites=32x16384 insertion=3000@OFFSET v1=SIZE v2=SIZE+3000,
then one line per overwrite (offset in v1). The same SIZE_BYTES and SEED give the same files.
Memory use is bounded (1 MiB chunks).
"""
import random
import sys

OVERWRITES = 32
OVERWRITE_LEN = 16384
INSERT_LEN = 3000
UNIT = 4096
CHUNK = 1 << 20


def plan(size, rng):
    """Overwrite offsets (in v1, sorted) and the insertion offset (in v1)."""
    stratum = size // OVERWRITES
    margin = UNIT
    if stratum < OVERWRITE_LEN + 3 * margin:
        raise SystemExit(f"delta.py: {size} bytes is too small for {OVERWRITES} overwrites of {OVERWRITE_LEN}")
    insert_at = size // 2 + 1001  # unaligned, inside the first margin of the stratum after the middle
    offsets = []
    for k in range(OVERWRITES):
        lo = k * stratum + margin
        hi = (k + 1) * stratum - OVERWRITE_LEN - margin
        if lo <= insert_at < lo + margin:
            lo = insert_at + margin  # keep clear of the insertion point
        off = rng.randrange(lo, hi)
        if off % UNIT == 0:
            off += 1
        offsets.append(off)
    return offsets, insert_at


def main():
    if len(sys.argv) != 5:
        raise SystemExit(__doc__)
    size, seed, v1_path, v2_path = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]
    rng = random.Random(seed)
    offsets, insert_at = plan(size, rng)
    edits = random.Random(seed + 1)
    patches = [(off, edits.randbytes(OVERWRITE_LEN)) for off in offsets]
    inserted = edits.randbytes(INSERT_LEN)
    data = random.Random(seed + 2)

    with open(v1_path, "wb") as v1, open(v2_path, "wb") as v2:
        pos = 0
        while pos < size:
            n = min(CHUNK, size - pos)
            chunk = data.randbytes(n)
            v1.write(chunk)
            out = bytearray(chunk)
            for off, patch in patches:  # overwrites that touch this chunk (a patch may span two chunks)
                a, b = max(off, pos), min(off + len(patch), pos + n)
                if a < b:
                    out[a - pos:b - pos] = patch[a - off:b - off]
            if pos <= insert_at < pos + n:
                i = insert_at - pos
                out[i:i] = inserted
            v2.write(out)
            pos += n

    print(f"new_bytes={OVERWRITES * OVERWRITE_LEN + INSERT_LEN} overwrites={OVERWRITES}x{OVERWRITE_LEN} "
          f"insertion={INSERT_LEN}@{insert_at} v1={size} v2={size + INSERT_LEN} seed={seed}")
    for off in offsets:
        print(f"overwrite {off} {OVERWRITE_LEN}")


if __name__ == "__main__":
    main()

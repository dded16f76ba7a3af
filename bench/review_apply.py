"""Time ``clean-articles review apply`` on synthetic MARKS.json files of many marks.

    python bench/review_apply.py [--marks 4000 20000] [--huge-chars 200000]

Four shapes, each into a fresh pack in a temporary folder: N distinct hits of one rule
marked wrong, N distinct lines marked "should go" (only RV001-RV999 can be drafted: give
N < 1000), and one very long line marked "should go" or as a wrong hit.  Prints the
seconds each took; nothing outside the temporary folder is written.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

WORDS = "council budget schools roads spring vote mayor members debate city year plan".split()


def _line(i: int) -> str:
    return f"Advertisement {i} " + " ".join(WORDS[(i * k) % len(WORDS)] for k in range(1, 6))


def _marks(shape: str, n: int, huge: int) -> list[dict]:
    if shape == "wrong":
        return [{"kind": "wrong", "doc": f"d{i}.txt", "code": "AD201", "text": _line(i)} for i in range(n)]
    if shape == "missed":
        return [{"kind": "missed", "doc": f"d{i}.txt", "text": _line(i)} for i in range(n)]
    text = " ".join(WORDS * (huge // 60 + 1))[:huge]
    if shape == "huge-wrong":
        return [{"kind": "wrong", "doc": "big.txt", "code": "AD201", "text": text}]
    return [{"kind": "missed", "doc": "big.txt", "text": text}]


def run(shape: str, n: int, huge: int) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        marks = Path(tmp) / "MARKS.json"
        marks.write_text(json.dumps({"report": "bench", "marks": _marks(shape, n, huge)}), encoding="utf-8")
        started = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "cleaner", "review", "apply", str(marks),
                               "-o", str(Path(tmp) / "pack.toml")], capture_output=True, text=True)
        elapsed = time.perf_counter() - started
        if done.returncode != 0:
            print(done.stdout[-400:], done.stderr[-800:], file=sys.stderr)
        return elapsed


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--marks", type=int, nargs="+", default=[4000, 20000])
    ap.add_argument("--huge-chars", type=int, default=200_000)
    ap.add_argument("--shapes", nargs="+", default=["wrong", "missed", "huge", "huge-wrong"])
    args = ap.parse_args(argv)
    for shape in args.shapes:
        for n in ([1] if shape.startswith("huge") else args.marks):
            label = f"one mark of {args.huge_chars:,} chars" if shape.startswith("huge") else f"{n:,} marks"
            print(f"{shape:7} {label:28} {run(shape, n, args.huge_chars):8.1f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

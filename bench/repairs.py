"""Count text repairs by rule code on a folder of scraped text pages.

    python bench/repairs.py DATASET_DIR [--repair-only] [--examples 3]

Reads every ``*.txt`` under DATASET_DIR (read-only), cleans it with the built-in rules
(or, with ``--repair-only``, runs text repair alone, no block dropped) and prints the number
of hits of each repair code (unicode, whitespace, machine-translation packs), then a few
examples of each flagged garble kind with some context. Nothing is written.
"""
from __future__ import annotations

import argparse
import sys
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cleaner.pipeline import REPAIR_SELECT, Cleaner  # noqa: E402


def _context(text: str, start: int, end: int, width: int = 40) -> str:
    left = text[max(0, start - width):start].replace("\n", "⏎")
    right = text[end:end + width].replace("\n", "⏎")
    return f"…{left}[[{text[start:end]}]]{right}…"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dataset_dir", type=Path)
    ap.add_argument("--repair-only", action="store_true", help="text repair only, no block dropped")
    ap.add_argument("--examples", type=int, default=3, help="examples per flag kind")
    args = ap.parse_args(argv)
    files = sorted(args.dataset_dir.rglob("*.txt"))
    if not files:
        print(f"no .txt files under {args.dataset_dir}", file=sys.stderr)
        return 2
    cleaner = Cleaner(select=REPAIR_SELECT) if args.repair_only else Cleaner()
    counts: Counter[tuple[str, str, str]] = Counter()
    docs: Counter[str] = Counter()
    examples: dict[str, list[str]] = defaultdict(list)
    for path in files:
        result = cleaner.clean(path.read_bytes())
        seen = set()
        for h in result.hits:
            if not h.code.startswith(REPAIR_SELECT):
                continue
            counts[(h.code, h.name, h.action)] += 1
            seen.add(h.code)
            if h.action == "flag" and len(examples[h.code]) < args.examples:
                examples[h.code].append(f"{path.stem[:16]}: {_context(result.input_text, h.src_start, h.src_end)}")
        docs.update(seen)
    mode = "repair only" if args.repair_only else "full pipeline"
    print(f"{len(files)} documents from {args.dataset_dir} ({mode})")
    print(f"{'code':7} {'action':10} {'hits':>6} {'docs':>5}  name")
    for (code, name, action), n in sorted(counts.items()):
        print(f"{code:7} {action:10} {n:6d} {docs[code]:5d}  {name}")
    by_action = Counter()
    for (_, _, action), n in counts.items():
        by_action[action] += n
    print("total: " + ", ".join(f"{a} {n}" for a, n in sorted(by_action.items())) if by_action else "total: none")
    for code in sorted(examples):
        print(f"\nflag {code}: {len(examples[code])} example(s)")
        for ex in examples[code]:
            print(f"  {ex}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

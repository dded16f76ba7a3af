"""What each DOM hint (HT1xx) takes on an article-extraction dataset: blocks and
characters dropped, how much of that is article text (the block is in the page's truth),
and the largest such losses per hint, for a reviewer to read whether the hint's name says
what it took (and the largest takes of each hint, article text or not).

    python bench/hint_takes.py ../shared/bench/modern-dev --json takes.json --top 10
"""
from __future__ import annotations

import argparse
import gzip
import json
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cleaner.pipeline import Cleaner  # noqa: E402


def _flat(text: str) -> str:
    return " ".join(text.split()).lower()


def _read(path: Path) -> bytes:
    data = path.read_bytes()
    return gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data


def measure(dataset: Path, top: int) -> dict:
    truth = json.loads((dataset / "ground-truth.json").read_text(encoding="utf-8"))
    cleaner = Cleaner()
    per: dict = defaultdict(lambda: {"name": "", "blocks": 0, "chars": 0, "truth_blocks": 0, "truth_chars": 0, "losses": [],
                                   "takes": []})
    for path in sorted((dataset / "html").iterdir()):
        doc = path.name.split(".")[0]
        if doc not in truth:
            continue
        body = _flat(truth[doc].get("articleBody", ""))
        result = cleaner.clean(_read(path), html=True)
        for h in result.hits:
            if not h.code.startswith("HT1") or h.action != "drop" or not h.before.strip():
                continue
            row = per[h.code]
            row["name"] = h.name
            row["blocks"] += 1
            row["chars"] += len(h.before)
            row["takes"].append((len(h.before), doc, h.before[:120]))
            text = _flat(h.before)
            if len(text) >= 20 and text in body:
                row["truth_blocks"] += 1
                row["truth_chars"] += len(h.before)
                row["losses"].append((len(h.before), doc, h.before[:120]))
    for row in per.values():
        row["losses"] = sorted(row["losses"], reverse=True)[:top]
        row["takes"] = sorted(row["takes"], reverse=True)[:top]
    return dict(sorted(per.items()))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("dataset", type=Path)
    ap.add_argument("--top", type=int, default=10, help="losses listed per hint")
    ap.add_argument("--json", type=Path, help="also write the figures as JSON here")
    args = ap.parse_args()
    per = measure(args.dataset, args.top)
    print(f"{'code':6} {'name':24} {'blocks':>7} {'chars':>9} {'in truth':>9} {'chars':>9}")
    for code, row in per.items():
        print(f"{code:6} {row['name'][:24]:24} {row['blocks']:7d} {row['chars']:9,d} {row['truth_blocks']:9d} {row['truth_chars']:9,d}")
    for code, row in per.items():
        for key, what in (("takes", "largest takes"), ("losses", "largest takes of article text")):
            if row[key]:
                print(f"\n{code} {row['name']}: {what}")
                for n, doc, text in row[key]:
                    print(f"  {n:6d}  {doc[:12]}  {text!r}")
    if args.json:
        args.json.write_text(json.dumps(per, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()

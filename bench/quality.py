#!/usr/bin/env python3
"""Measure the cleaner on an article-extraction dataset, with the reasons of its worst pages.

    python bench/quality.py DATASET_DIR [--kind text|html|both] [--out DIR] [--worst N]

DATASET_DIR holds ``ground-truth.json`` (``{id: {"articleBody": ..., "url": ...}}``),
``text/<id>.txt`` (scraped text) and optionally ``html/<id>.html.gz``.  Every page goes
through ``Cleaner().clean``; the outputs can be written to ``--out`` (one ``<id>.txt`` per
page and kind).  Nothing of the dataset is stored in the project.

The metric is the article-extraction benchmark's: tokens are runs of ``\\w`` characters, a
text is a multiset of 4-token shingles; per page tp, fp and fn are counted with
multiplicity and normalised by tp+fp+fn; precision and recall are averaged over pages and
F1 is the harmonic mean of the two means.

For each of the worst pages the report names the rules that removed the most ground-truth
shingles and the largest kept lines that are not in the ground truth, so a developer sees
why the page fails.
"""
from __future__ import annotations

import argparse
import gzip
import json
import re
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from cleaner.model import DROP, STRIP  # noqa: E402
from cleaner.pipeline import Cleaner  # noqa: E402

SIZE = 4
_WORD = re.compile(r"\w+")


def shingles(text: str) -> Counter:
    """Multiset of 4-token shingles (a text of at most 4 tokens is one shingle)."""
    toks = _WORD.findall(text or "")
    if not toks:
        return Counter()
    if len(toks) <= SIZE:
        return Counter([tuple(toks)])
    return Counter(tuple(toks[i:i + SIZE]) for i in range(len(toks) - SIZE + 1))


def page_counts(truth: str, pred: str) -> tuple[float, float, float]:
    """Normalised (tp, fp, fn) of one page."""
    t, p = shingles(truth), shingles(pred)
    tp = sum((t & p).values())
    fp = sum((p - t).values())
    fn = sum((t - p).values())
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def _precision(tp: float, fp: float, fn: float) -> float:
    if fp == 0 and fn == 0:
        return 1.0
    return tp / (tp + fp) if tp + fp else 0.0


def _recall(tp: float, fp: float, fn: float) -> float:
    if fp == 0 and fn == 0:
        return 1.0
    return tp / (tp + fn) if tp + fn else 0.0


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def summarise(counts: list[tuple[float, float, float]]) -> tuple[float, float, float]:
    """(F1, precision, recall) over pages: means of the per-page values, F1 of the means."""
    ps = [_precision(*c) for c in counts if c[0] + c[1] > 0] or [0.0]
    rs = [_recall(*c) for c in counts if c[0] + c[2] > 0] or [0.0]
    p, r = sum(ps) / len(ps), sum(rs) / len(rs)
    return _f1(p, r), p, r


def why(result, truth: str, top: int = 3) -> tuple[list[tuple[str, int]], list[tuple[int, str]]]:
    """Rules that removed the most truth shingles; largest kept lines not in the truth."""
    t = shingles(truth)
    lost: Counter = Counter()
    for h in result.hits:
        if h.action in (DROP, STRIP) and h.before.strip():
            n = sum((shingles(h.before) & t).values())
            if n:
                lost[f"{h.code} {h.name}"] += n
    kept = []
    for line in result.text.split("\n"):
        s = shingles(line)
        extra = sum((s - t).values())
        if extra and extra >= 0.5 * sum(s.values()):
            kept.append((extra, line))
    kept.sort(key=lambda x: -x[0])
    return lost.most_common(top), kept[:top]


def _inputs(dataset: Path, kind: str, ids: list[str]):
    for i in ids:
        if kind == "text":
            path = dataset / "text" / f"{i}.txt"
            if path.is_file():
                yield i, path.read_bytes()
        else:
            path = dataset / "html" / f"{i}.html.gz"
            if path.is_file():
                yield i, gzip.decompress(path.read_bytes())


def run(dataset: Path, kind: str, cleaner: Cleaner, out: Path | None, worst: int) -> dict | None:
    truth = json.loads((dataset / "ground-truth.json").read_text(encoding="utf-8"))
    ids = sorted(truth)
    counts, times, pages = [], [], []
    kwargs = {"html": True} if kind == "html" else {}
    for i, data in _inputs(dataset, kind, ids):
        t0 = time.perf_counter()
        result = cleaner.clean(data, **kwargs)
        times.append((time.perf_counter() - t0) * 1000)
        body = truth[i].get("articleBody") or ""
        c = page_counts(body, result.text)
        counts.append(c)
        pages.append((_f1(_precision(*c), _recall(*c)), i, result, body))
        if out is not None:
            d = out / kind
            d.mkdir(parents=True, exist_ok=True)
            (d / f"{i}.txt").write_text(result.text, encoding="utf-8")
    if not counts:
        return None
    f1, p, r = summarise(counts)
    pages.sort(key=lambda x: (x[0], x[1]))
    return {"kind": kind, "pages": len(counts), "f1": f1, "precision": p, "recall": r,
            "ms": statistics.median(times), "worst": pages[:worst]}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dataset", type=Path)
    ap.add_argument("--kind", choices=("text", "html", "both"), default="text")
    ap.add_argument("--out", type=Path, default=None, help="write the outputs to OUT/<kind>/<id>.txt")
    ap.add_argument("--worst", type=int, default=10)
    args = ap.parse_args(argv)
    cleaner = Cleaner()
    kinds = ["text", "html"] if args.kind == "both" else [args.kind]
    rows = []
    for kind in kinds:
        row = run(args.dataset, kind, cleaner, args.out, args.worst)
        if row is None:
            print(f"{kind}: no pages")
            continue
        rows.append(row)
    if not rows:
        return 1
    print(f"{'kind':<6}{'pages':>6}{'F1':>8}{'prec':>8}{'recall':>8}{'ms/page':>9}")
    for row in rows:
        print(f"{row['kind']:<6}{row['pages']:>6}{row['f1']:>8.3f}{row['precision']:>8.3f}"
              f"{row['recall']:>8.3f}{row['ms']:>9.1f}")
    for row in rows:
        if not args.worst:
            continue
        print(f"\nworst {args.worst} ({row['kind']}):")
        for f1, i, result, body in row["worst"]:
            lost, kept = why(result, body)
            print(f"  {f1:.3f}  {i}  lang={result.language}")
            for code, n in lost:
                print(f"      lost  {n:>5} truth shingles  {code}")
            for n, line in kept:
                print(f"      kept  {n:>5} extra shingles  {line[:90]!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

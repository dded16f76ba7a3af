#!/usr/bin/env python3
"""Measure the cleaner on an article-extraction dataset: overall, per page type, per site half.

    python bench/quality.py DATASET_DIR [--kind text|html|both] [--out DIR] [--worst N] [--jobs N]

DATASET_DIR holds ``ground-truth.json`` (``{id: {"articleBody": ..., "url": ...}}``, and on
sets that have them ``page_type``, ``with`` (sentences that must be kept) and ``without``
(boilerplate that must go)), ``text/<id>.txt`` (scraped text) and optionally
``html/<id>.html.gz``.  Every page goes through ``Cleaner().clean``; the outputs can be
written to ``--out`` (one ``<id>.txt`` per page and kind).  Nothing of the dataset is
stored in the project.

The metric is the article-extraction benchmark's: tokens are runs of ``\\w`` characters, a
text is a multiset of 4-token shingles; per page tp, fp and fn are counted with
multiplicity and normalised by tp+fp+fn; precision and recall are averaged over pages and
F1 is the harmonic mean of the two means.  Keep-rate is the share of must-keep sentences
found in the output, drop-rate the share of must-drop strings not found (both compared as
lower-cased word tokens, NFKC-normalised; a must-drop string that is in the truth's body
is not counted).

Pages are split into two fixed halves by site (the parity of the last byte of the
SHA-256 of the URL's host without ``www.``; half 0 is the tuning half), so a threshold chosen on one half can be
checked on the other.  A page whose truth has text and whose output has none is counted
as *empty*: that is a defect on any page.

For each of the worst pages the report names the rules that removed the most ground-truth
shingles and the largest kept lines that are not in the ground truth, so a developer sees
why the page fails.
"""
from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import re
import statistics
import sys
import time
import unicodedata
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit

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


def _snippet(text: str) -> str:
    toks = _WORD.findall(unicodedata.normalize("NFKC", text or "").lower())
    return f" {' '.join(toks)} " if toks else ""


def snippets(entry: dict, pred: str) -> tuple[int, int, int, int]:
    """(must-keep total, kept, must-drop total, dropped) of one page."""
    out, body = _snippet(pred), _snippet(entry.get("articleBody") or "")
    wt = wk = dt = dd = 0
    for s in map(_snippet, entry.get("with") or []):
        if s:
            wt += 1
            wk += s in out
    for s in map(_snippet, entry.get("without") or []):
        if s and s not in body:
            dt += 1
            dd += s not in out
    return wt, wk, dt, dd


def site_half(url: str) -> int:
    """0 or 1: a fixed split of the pages by site."""
    host = (urlsplit(url or "").hostname or "").lower()
    host = host[4:] if host.startswith("www.") else host
    return hashlib.sha256(host.encode()).digest()[-1] & 1


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


def _read(dataset: Path, kind: str, i: str) -> bytes | None:
    if kind == "text":
        path = dataset / "text" / f"{i}.txt"
        return path.read_bytes() if path.is_file() else None
    path = dataset / "html" / f"{i}.html.gz"
    return gzip.decompress(path.read_bytes()) if path.is_file() else None


_CLEANERS: dict[str, Cleaner] = {}


def _clean_page(job: tuple[str, str, str, str]):
    """Worker: clean one page; returns what the report needs (picklable)."""
    dataset, kind, i, profile = job
    if profile not in _CLEANERS:  # one cleaner per worker process and profile, built on first use
        _CLEANERS[profile] = Cleaner(profile=profile)
    _CLEANER = _CLEANERS[profile]
    data = _read(Path(dataset), kind, i)
    if data is None:
        return i, None, 0.0, "", "", []
    t0 = time.perf_counter()
    result = _CLEANER.clean(data, **({"html": True} if kind == "html" else {}))
    ms = (time.perf_counter() - t0) * 1000
    hits = [(h.code, h.name, h.before) for h in result.hits
            if h.action in (DROP, STRIP) and h.before.strip()]
    return i, result.text, ms, result.language, result.metadata.get("page_type", ""), hits


class _Result:  # what why() reads, rebuilt from a worker's answer
    def __init__(self, text, hits):
        self.text = text
        self.hits = [type("H", (), {"code": c, "name": n, "before": b, "action": DROP})
                     for c, n, b in hits]


def run(dataset: Path, kind: str, out: Path | None, worst: int, jobs: int, profile: str = "default") -> dict | None:
    truth = json.loads((dataset / "ground-truth.json").read_text(encoding="utf-8"))
    ids = sorted(truth)
    work = [(str(dataset), kind, i, profile) for i in ids]
    if jobs > 1:
        with ProcessPoolExecutor(jobs) as pool:
            answers = list(pool.map(_clean_page, work, chunksize=4))
    else:
        answers = [_clean_page(w) for w in work]
    return rows_of(answers, truth, kind, worst, out)


def rows_of(answers, truth: dict, kind: str, worst: int, out: Path | None) -> dict | None:
    """The scored pages of one input from the workers' answers (and their outputs written
    to ``out/<kind>/<id>.txt``)."""
    pages, times = [], []
    for i, text, ms, lang, ptype, hits in answers:
        if text is None:
            continue
        times.append(ms)
        entry = truth[i]
        body = entry.get("articleBody") or ""
        c = page_counts(body, text)
        pages.append({"id": i, "counts": c, "snip": snippets(entry, text),
                      "type": entry.get("page_type") or "", "found": ptype,
                      "half": site_half(entry.get("url", "")), "f1": _f1(_precision(*c), _recall(*c)),
                      "empty": bool(body.strip()) and not text.strip(), "lang": lang,
                      "text": text, "hits": hits, "body": body})
        if out is not None:
            d = out / kind
            d.mkdir(parents=True, exist_ok=True)
            (d / f"{i}.txt").write_text(text, encoding="utf-8")
    if not pages:
        return None
    pages.sort(key=lambda p: (p["f1"], p["id"]))
    return {"kind": kind, "pages": pages, "ms": statistics.median(times), "worst": worst}


def measure(pages: list[dict]) -> dict:
    """F1, precision, recall, keep, drop and empty pages of a group of pages."""
    f1, p, r = summarise([x["counts"] for x in pages])
    s = [sum(x["snip"][k] for x in pages) for k in range(4)]
    return {"n": len(pages), "f1": f1, "p": p, "r": r,
            "keep": s[1] / s[0] if s[0] else None, "drop": s[3] / s[2] if s[2] else None,
            "empty": sum(x["empty"] for x in pages)}


def figures_of(pages: list[dict]) -> dict:
    """The figures of a set's pages: all, each site half, each page type."""
    return {"all": measure(pages),
            **{f"half{h}": measure([p for p in pages if p["half"] == h]) for h in (0, 1)},
            **{t: measure([p for p in pages if p["type"] == t]) for t in sorted({p["type"] for p in pages if p["type"]})}}


def _row(label: str, m: dict) -> str:
    rate = lambda v: f"{v:>7.3f}" if v is not None else f"{'-':>7}"  # noqa: E731
    return (f"  {label:<15}{m['n']:>5}{m['f1']:>7.3f}{m['p']:>7.3f}{m['r']:>7.3f}"
            f"{rate(m['keep'])}{rate(m['drop'])}{m['empty']:>6}")


def report(row: dict) -> None:
    pages = row["pages"]
    print(f"\n{row['kind']}: {len(pages)} pages, median {row['ms']:.1f} ms/page")
    print(f"  {'group':<15}{'pages':>5}{'F1':>7}{'prec':>7}{'recall':>7}{'keep':>7}{'drop':>7}{'empty':>6}")
    print(_row("all", measure(pages)))
    for h in (0, 1):
        print(_row(f"half {h}", measure([p for p in pages if p["half"] == h])))
    types = sorted({p["type"] for p in pages if p["type"]})
    for t in types:
        print(_row(t, measure([p for p in pages if p["type"] == t])))
    if types and any(p["found"] for p in pages):  # how often the recognised type is the truth's
        ok = sum(p["found"] == p["type"] for p in pages if p["type"])
        print(f"  page type recognised: {ok}/{sum(1 for p in pages if p['type'])}")
        confusion = Counter((p["type"], p["found"]) for p in pages if p["type"])
        print("  truth -> found: " + ", ".join(f"{a}->{b} {n}" for (a, b), n in sorted(confusion.items())))
    if not row["worst"]:
        return
    print(f"  worst {row['worst']}:")
    for p in pages[:row["worst"]]:
        lost, kept = why(_Result(p["text"], p["hits"]), p["body"])
        print(f"    {p['f1']:.3f}  {p['id']}  {p['type'] or '-'} found={p['found'] or '-'} lang={p['lang']}")
        for code, n in lost:
            print(f"        lost  {n:>5} truth shingles  {code}")
        for n, line in kept:
            print(f"        kept  {n:>5} extra shingles  {line[:90]!r}")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dataset", type=Path)
    ap.add_argument("--kind", choices=("text", "html", "both"), default="both")
    ap.add_argument("--out", type=Path, default=None, help="write the outputs to OUT/<kind>/<id>.txt")
    ap.add_argument("--worst", type=int, default=10)
    ap.add_argument("--jobs", type=int, default=1, help="worker processes (outputs do not depend on it)")
    ap.add_argument("--json", type=Path, default=None, help="also write the figures as JSON here")
    ap.add_argument("--profile", choices=("safe", "default", "aggressive"), default="default",
                    help="which rules run (as the command's --profile)")
    args = ap.parse_args(argv)
    kinds = ["text", "html"] if args.kind == "both" else [args.kind]
    figures = {}
    for kind in kinds:
        row = run(args.dataset, kind, args.out, args.worst, args.jobs, args.profile)
        if row is None:
            print(f"{kind}: no pages")
            continue
        report(row)
        figures[kind] = figures_of(row["pages"])
    if not figures:
        return 1
    if args.json:
        args.json.write_text(json.dumps(figures, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

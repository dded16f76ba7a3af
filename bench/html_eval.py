#!/usr/bin/env python3
"""Evaluate the HTML path on a benchmark split: decode → parse → select_main, then score.

Usage: python bench/html_eval.py DATASET_DIR [--out DIR] [--worst N] [--trafilatura]

DATASET_DIR holds ``html/<id>.html.gz`` (or ``.html``) and ``ground-truth.json``
({id: {"articleBody": ...}}).  The metric is the article-body benchmark's: texts become
multisets of 4-token shingles (tokens are ``\\w+`` runs), each page gets precision and
recall from its tp/fp/fn, corpus P and R are means over pages, F1 their harmonic mean.
Timing is per page (decode + parse + select), reported as the median of wall and CPU
time; with ``--trafilatura`` each page is also given to ``trafilatura.extract`` (default
settings, same decoded HTML) right after ours, so both see the same machine load.
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cleaner.html import decode_html, default_rules, parse_html, select_main  # noqa: E402
import re  # noqa: E402

_TOKEN = re.compile(r"\w+")


def shingles(text: str, size: int = 4) -> Counter:
    toks = _TOKEN.findall(text or "")
    if len(toks) <= size:
        return Counter([tuple(toks)]) if toks else Counter()
    return Counter(tuple(toks[i:i + size]) for i in range(len(toks) - size + 1))


def page_scores(truth: str, pred: str) -> tuple[float | None, float | None, float]:
    """(precision, recall, f1) of one page; None where the mean over pages skips it."""
    t, p = shingles(truth), shingles(pred)
    tp = sum((t & p).values())
    fp = sum((p - t).values())
    fn = sum((t - p).values())
    if fp == 0 and fn == 0:
        return (1.0 if tp else None), (1.0 if tp else None), 1.0 if tp else 0.0
    prec = tp / (tp + fp) if tp + fp else None
    rec = tp / (tp + fn) if tp + fn else None
    f1 = 2 * (prec or 0) * (rec or 0) / ((prec or 0) + (rec or 0)) if (prec or 0) + (rec or 0) else 0.0
    return prec, rec, f1


def corpus_scores(pairs: list[tuple[str, str]]) -> dict:
    ps, rs = [], []
    for truth, pred in pairs:
        p, r, _ = page_scores(truth, pred)
        if p is not None:
            ps.append(p)
        if r is not None:
            rs.append(r)
    prec = sum(ps) / len(ps) if ps else 0.0
    rec = sum(rs) / len(rs) if rs else 0.0
    return {"f1": 2 * prec * rec / (prec + rec) if prec + rec else 0.0, "precision": prec, "recall": rec}


def read_page(folder: Path, pid: str) -> bytes:
    for name in (f"{pid}.html.gz", f"{pid}.html"):
        f = folder / "html" / name
        if f.is_file():
            return f.read_bytes()
    raise FileNotFoundError(pid)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dataset", type=Path)
    ap.add_argument("--out", type=Path)
    ap.add_argument("--worst", type=int, default=10)
    ap.add_argument("--trafilatura", action="store_true", help="also time trafilatura.extract on the same HTML")
    args = ap.parse_args(argv)
    truth = json.loads((args.dataset / "ground-truth.json").read_text(encoding="utf-8"))
    rules = default_rules()
    select_main(parse_html("<p>warm up the loaders</p>", rules), rules)
    if args.trafilatura:
        import trafilatura

        trafilatura.extract("<html><body><p>" + "warm up the extractor. " * 20 + "</p></body></html>")
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
    times, ttimes, cpu, tcpu, pairs, tpairs, per_page, nodecode = [], [], [], [], [], [], [], []
    for pid in sorted(truth):
        data = read_page(args.dataset, pid)
        t0, c0 = time.perf_counter(), time.process_time()
        html = decode_html(data)
        t1, c1 = time.perf_counter(), time.process_time()
        page = parse_html(html, rules)
        decisions = select_main(page, rules)
        out = "\n\n".join(b.text for b, d in zip(page.blocks, decisions) if d.keep)
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
        nodecode.append((time.perf_counter() - t1, time.process_time() - c1))
        body = truth[pid].get("articleBody") or ""
        pairs.append((body, out))
        per_page.append((page_scores(body, out), pid))
        if args.out:
            (args.out / f"{pid}.txt").write_text(out, encoding="utf-8")
        if args.trafilatura:
            import trafilatura

            t0, c0 = time.perf_counter(), time.process_time()
            tout = trafilatura.extract(html) or ""
            ttimes.append(time.perf_counter() - t0)
            tcpu.append(time.process_time() - c0)
            tpairs.append((body, tout))
    s = corpus_scores(pairs)
    print(f"pages {len(pairs)}  F1 {s['f1']:.3f}  precision {s['precision']:.3f}  recall {s['recall']:.3f}"
          f"  median {1000 * statistics.median(times):.1f} ms/page  (mean {1000 * statistics.mean(times):.1f},"
          f" cpu median {1000 * statistics.median(cpu):.1f})")
    wall_nd = statistics.median(w for w, _ in nodecode)
    cpu_nd = statistics.median(c for _, c in nodecode)
    print(f"  without decoding: median {1000 * wall_nd:.1f} ms/page (cpu {1000 * cpu_nd:.1f})")
    if ttimes:
        t = corpus_scores(tpairs)
        print(f"trafilatura  F1 {t['f1']:.3f}  precision {t['precision']:.3f}  recall {t['recall']:.3f}"
              f"  median {1000 * statistics.median(ttimes):.1f} ms/page  (mean {1000 * statistics.mean(ttimes):.1f},"
              f" cpu median {1000 * statistics.median(tcpu):.1f}; timed on the same decoded HTML, decode excluded)")
        print(f"  speed-up without decoding: wall {statistics.median(ttimes) / wall_nd:.2f}x,"
              f" cpu {statistics.median(tcpu) / cpu_nd:.2f}x")
    for (p, r, f1), pid in sorted(per_page, key=lambda x: x[0][2])[:args.worst]:
        print(f"  {f1:.3f}  P {p if p is not None else float('nan'):.2f}  R {r if r is not None else float('nan'):.2f}  {pid}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

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
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cleaner.stages.html import decode_html, default_rules, extract_text  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from quality import _f1, _precision, _recall, page_counts, summarise  # noqa: E402  (the benchmark's metric)


def page_scores(truth: str, pred: str) -> tuple[float, float, float]:
    """(precision, recall, f1) of one page."""
    c = page_counts(truth, pred)
    p, r = _precision(*c), _recall(*c)
    return p, r, _f1(p, r)


def corpus_scores(pairs: list[tuple[str, str]]) -> dict:
    f1, p, r = summarise([page_counts(truth, pred) for truth, pred in pairs])
    return {"f1": f1, "precision": p, "recall": r}


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
    extract_text("<p>warm up the loaders</p>", rules)
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
        out = extract_text(html, rules)
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
        print(f"  {f1:.3f}  P {p:.2f}  R {r:.2f}  {pid}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Score the real pipeline out of fold: each page cleaned with the content model of the
fold that never saw its site.

    python bench/oof_quality.py FOLDS_DIR DATASET [DATASET ...] [--jobs N] [--json OUT]

``FOLDS_DIR`` is what ``bench/train_model.py --fold-models`` wrote: one model file per fold,
its chosen parameters and the pages it is to decide.  Every page goes through
``Cleaner.clean`` (both inputs) with its fold's model and parameters, and the figures are
``bench/quality.py``'s: F1 per dataset, keep and drop rates, per page type and site half,
empty pages, and the page-type table.  These are the figures to report for the model.
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for p in (ROOT, ROOT / "bench"):
    if str(p) not in sys.path:
        sys.path.insert(0, str(p))

import quality  # noqa: E402
from cleaner.model import DROP, STRIP  # noqa: E402
from cleaner.pipeline import Cleaner  # noqa: E402
from cleaner.rules import load_rules  # noqa: E402

_CLEANERS: dict[int, Cleaner] = {}
CODES = {"text": "ML101", "html": "ML102"}


def fold_cleaner(folder: str, fold: int, plan: dict) -> Cleaner:
    """The built-in rules with the fold's parameters on ML101/ML102, and the fold's model."""
    if fold not in _CLEANERS:
        params = plan["params"]
        rules = []
        for r in load_rules([]):
            kind = next((k for k, c in CODES.items() if c == r.code), None)
            if kind and kind in params:
                p = params[kind]
                new = {"threshold": p["threshold"], "switch_cost": p["switch_cost"], "guard_min_chars": 150,
                       **{f"threshold_{t}": v for t, v in p["thresholds"].items() if t != "collection"}}
                r = dataclasses.replace(r, params=new)
            rules.append(r)
        _CLEANERS[fold] = Cleaner(rules=rules, model=str(Path(folder) / plan["model"]))
    return _CLEANERS[fold]


def clean_page(job):
    folder, fold, plan, dataset, kind, page_id = job
    cleaner = fold_cleaner(folder, fold, plan)
    data = quality._read(Path(dataset), kind, page_id)
    if data is None:
        return page_id, None, 0.0, "", "", []
    t0 = time.perf_counter()
    result = cleaner.clean(data, html=kind == "html")
    ms = (time.perf_counter() - t0) * 1000
    hits = [(h.code, h.name, h.before) for h in result.hits if h.action in (DROP, STRIP) and h.before.strip()]
    return page_id, result.text, ms, result.language, result.metadata.get("page_type", ""), hits


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folds", type=Path)
    ap.add_argument("datasets", type=Path, nargs="+")
    ap.add_argument("--jobs", type=int, default=1)
    ap.add_argument("--worst", type=int, default=5)
    ap.add_argument("--json", type=Path, default=None)
    ap.add_argument("--out", type=Path, default=None, help="write the outputs to OUT/<dataset>/<kind>/<id>.txt")
    args = ap.parse_args(argv)
    plans = {int(k): v for k, v in json.loads((args.folds / "folds.json").read_text()).items()}
    fold_of = {page: f for f, plan in plans.items() for page in plan["pages"]}
    figures = {}
    for ds in args.datasets:
        truth = json.loads((ds / "ground-truth.json").read_text(encoding="utf-8"))
        for kind in ("text", "html"):
            work = [(str(args.folds), fold_of[f"{ds.name}/{i}"], plans[fold_of[f"{ds.name}/{i}"]], str(ds), kind, i)
                    for i in sorted(truth) if f"{ds.name}/{i}" in fold_of]
            if args.jobs > 1:
                with ProcessPoolExecutor(args.jobs) as pool:
                    answers = list(pool.map(clean_page, work, chunksize=4))
            else:
                answers = [clean_page(w) for w in work]
            row = quality.rows_of(answers, truth, kind, args.worst, None if args.out is None else args.out / ds.name)
            print(f"\n== {ds.name} (out of fold)")
            quality.report(row)
            figures[f"{ds.name}/{kind}"] = quality.figures_of(row["pages"])
    if args.json:
        args.json.write_text(json.dumps(figures, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

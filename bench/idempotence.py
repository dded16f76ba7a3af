"""Idempotence on real pages: every page of the datasets, in both inputs, cleaned and its
output cleaned again, as tests/test_fuzz.py's property does on generated documents.

    python bench/idempotence.py DATASET [DATASET ...] [--jobs 2]

Scraped text goes through the whole pipeline twice; an HTML page's output is cleaned again
by the rules the HTML path runs on its blocks (the scraped-text scorer, dedupe and run
rules judge lines without the page's structure, which the DOM pass had).  Both with the
first pass's language pinned and detected again.  Prints each page whose output changed,
with the hits of the second cleaning; exit 1 when there is one.
"""
from __future__ import annotations

import argparse
import gzip
import json
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from cleaner.pipeline import Cleaner  # noqa: E402
from test_fuzz import RECLEAN_HTML_IGNORE  # noqa: E402

_CLEANERS: tuple[Cleaner, Cleaner] | None = None


def _cleaners() -> tuple[Cleaner, Cleaner]:
    global _CLEANERS  # one pair per worker process, built on first use
    if _CLEANERS is None:
        _CLEANERS = Cleaner(), Cleaner(ignore=list(RECLEAN_HTML_IGNORE))
    return _CLEANERS


def check(item: tuple[str, str, str]) -> list[str]:
    """The failures of one page input, as lines to print."""
    dataset, kind, page = item
    full, rules_only = _cleaners()
    base = Path(dataset)
    if kind == "html":
        first = full.clean(gzip.decompress((base / "html" / f"{page}.html.gz").read_bytes()), html=True)
        again = rules_only
    else:
        first = full.clean((base / "text" / f"{page}.txt").read_bytes())
        again = full
    out = []
    for pin in (True, False):
        second = again.clean(first.text, lang=first.language if pin else None)
        if second.text != first.text:
            changes = [(h.code, h.before[:60]) for h in second.changes]
            out.append(f"{base.name}/{kind}/{page} (language {'pinned' if pin else 'detected'}): {changes}")
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("datasets", type=Path, nargs="+")
    ap.add_argument("--jobs", type=int, default=1)
    args = ap.parse_args(argv)
    work = []
    for ds in args.datasets:
        truth = json.loads((ds / "ground-truth.json").read_text(encoding="utf-8"))
        work += [(str(ds), kind, page) for kind in ("text", "html") for page in sorted(truth)]
    if args.jobs > 1:
        with ProcessPoolExecutor(args.jobs) as pool:
            results = list(pool.map(check, work, chunksize=8))
    else:
        results = [check(w) for w in work]
    failures = [line for r in results for line in r]
    for line in failures:
        print(line)
    pages = len({(w[0], w[2]) for w in work})
    print(f"{len(work)} page inputs ({pages} pages, text and HTML): "
          f"{len(failures)} outputs changed when cleaned again (language pinned and detected)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

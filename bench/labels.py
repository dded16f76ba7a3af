#!/usr/bin/env python3
"""Label every block the content model decides, on labelled dev pages, in both inputs.

    python bench/labels.py DATASET [DATASET ...] --out blocks.npz [--report spot-check.md]

For each page (``ground-truth.json`` beside ``text/`` and ``html/``) and each input (the
scraped text and the HTML), the pipeline runs with the content model off and hands over
what the model would see: every block with its feature row, and which blocks no rule
decided.  Each of those gets a label from the truth:

- the share of the block's 4-token shingles found in ``articleBody`` (a block of one to
  three tokens: whether they stand together in the body), content when at least half;
- firm labels where the page has them: a must-keep sentence (``with``) inside the block
  makes it content, a must-drop string (``without``, not in the body) inside it or
  holding it makes it boilerplate.

Each block is weighted by its share of the page's shingles, plus an equal share per block,
so that every page counts alike (the metric averages over pages) and short lines count
too (the keep and drop rates count sentences).  The output holds the rows, labels,
weights and, per block, the page, its site (the URL's host: the unit of cross-validation)
and the input kind.  Deterministic: the same datasets give the same file.

``--report`` writes a spot-check a person can read: for each page type and input, a fixed
sample of labelled blocks with their share and firm label.
"""
from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import re
import sys
import unicodedata
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402  (bench only: the training extra)

from cleaner.content.blockfeatures import FEATURES  # noqa: E402
from cleaner.pipeline import HTML_PIPELINE, TEXT_PIPELINE, Cleaner, run_stages  # noqa: E402
from cleaner.stages.steps import Doc  # noqa: E402

_WORD = re.compile(r"\w+")
SIZE = 4
SHARE_WEIGHT = 0.7   # of a block's weight: its share of the page's shingles; the rest is equal per block
_CLEANER: list[Cleaner] = []


def site(url: str) -> str:
    host = (urlsplit(url or "").hostname or "").lower()
    return host[4:] if host.startswith("www.") else host


def _snippet(text: str) -> str:
    toks = _WORD.findall(unicodedata.normalize("NFKC", text or "").lower())
    return f" {' '.join(toks)} " if toks else ""


class Truth:
    """What one page's truth says about any block of it."""

    def __init__(self, entry: dict):
        body = entry.get("articleBody") or ""
        toks = _WORD.findall(body)
        self.body_shingles = [tuple(toks[i:i + SIZE]) for i in range(len(toks) - SIZE + 1)] or (
            [tuple(toks)] if toks else [])
        self.shingles = set(self.body_shingles)
        self.short = {tuple(toks[i:i + n]) for n in (1, 2, 3) for i in range(len(toks) - n + 1)}
        if len(toks) <= SIZE:
            self.shingles.add(tuple(toks))
        body_snip = _snippet(body)
        self.keep = [s for s in map(_snippet, entry.get("with") or []) if s]
        self.drop = [s for s in map(_snippet, entry.get("without") or []) if s and s not in body_snip]

    def share(self, text: str, before: list[str] = (), after: list[str] = ()) -> tuple[float, int]:
        """(share of the block's shingles in the body, number of shingles).  A block of
        fewer than four tokens is read with the last tokens of the block before it and the
        first of the block after: "Tennis" in a menu and as a heading of the article
        differ only there."""
        toks = _WORD.findall(text)
        if not toks:
            return 0.0, 0
        if len(toks) < SIZE:
            window = [*before[-(SIZE - 1):], *toks, *after[:SIZE - 1]]
            lo = min(len(before), SIZE - 1)
            sh = [tuple(window[k:k + SIZE]) for k in range(len(window) - SIZE + 1)
                  if k < lo + len(toks) and k + SIZE > lo]
            if sh:
                return sum(s in self.shingles for s in sh) / len(sh), 1
            return float(tuple(toks) in self.short), 1
        sh = [tuple(toks[i:i + SIZE]) for i in range(len(toks) - SIZE + 1)]
        return sum(s in self.shingles for s in sh) / len(sh), len(sh)

    def stats(self, text: str) -> tuple[int, int, int, int]:
        """(shingles, shingles found in the body, must-keep and must-drop strings inside):
        what a block adds to its page's figures when kept (shingles across block edges
        and repeats aside)."""
        toks = _WORD.findall(text)
        sh = [tuple(toks[i:i + SIZE]) for i in range(len(toks) - SIZE + 1)] if len(toks) >= SIZE else (
            [tuple(toks)] if toks else [])
        s = _snippet(text)
        return (len(sh), sum(x in self.shingles for x in sh), sum(k in s for k in self.keep) if s else 0,
                sum(d in s for d in self.drop) if s else 0)

    def firm(self, text: str) -> int:
        """1 (must keep), 0 (must drop) or -1 (no firm label)."""
        s = _snippet(text)
        if not s:
            return -1
        if any(k in s for k in self.keep):
            return 1
        if any(d in s or (len(s) > 12 and s in d) for d in self.drop):
            return 0
        return -1


def _read(dataset: Path, kind: str, i: str) -> bytes | None:
    if kind == "text":
        p = dataset / "text" / f"{i}.txt"
        return p.read_bytes() if p.is_file() else None
    p = dataset / "html" / f"{i}.html.gz"
    return gzip.decompress(p.read_bytes()) if p.is_file() else None


def label_page(job: tuple[str, str, str, dict]) -> tuple[list[tuple], list[tuple[int, str]]]:
    """The labelled open blocks of one page and input, and the blocks rules kept
    (index, text): with the model's kept blocks they make the page's output."""
    dataset, kind, page_id, entry = job
    if not _CLEANER:
        _CLEANER.append(Cleaner(ignore=("ML",)))
    data = _read(Path(dataset), kind, page_id)
    if data is None:
        return [], [], (0,) * 7
    doc = Doc(data)
    doc.capture = []
    run_stages(HTML_PIPELINE if kind == "html" else TEXT_PIPELINE, _CLEANER[0], doc)
    if not doc.capture:
        return [], [(0, doc.text)], (0,) * 7
    _, units, rows, open_ = doc.capture[0]
    shut = set(open_)
    fixed = [(i, u.text) for i, u in enumerate(units) if i not in shut and u.kept]
    truth = Truth(entry)
    out = []
    sizes = []
    toks = [_WORD.findall(u.text) for u in units]
    for i in open_:
        share, n = truth.share(units[i].text, toks[i - 1] if i else [], toks[i + 1] if i + 1 < len(toks) else [])
        firm = truth.firm(units[i].text)
        y = firm if firm >= 0 else int(share >= 0.5)
        sizes.append(n)
        out.append([rows[i], y, share, firm, units[i].text, n, i, truth.stats(units[i].text)])
    total = sum(sizes) or 1
    for r in out:
        r[5] = SHARE_WEIGHT * r[5] / total + (1 - SHARE_WEIGHT) / len(out)
    fixed_stats = [truth.stats(t) for _, t in fixed]
    page = (len(truth.body_shingles), len(truth.keep), len(truth.drop),
            *(sum(x[k] for x in fixed_stats) for k in range(4)))
    return [tuple(r) for r in out], fixed, page


def collect(datasets: list[Path], jobs: int) -> dict:
    work, meta = [], []
    for ds in datasets:
        truth = json.loads((ds / "ground-truth.json").read_text(encoding="utf-8"))
        for i in sorted(truth):
            e = truth[i]
            for kind in ("text", "html"):
                work.append((str(ds), kind, i, e))
                meta.append((ds.name, i, kind, site(e.get("url", "")), e.get("page_type") or "article"))
    if jobs > 1:
        with ProcessPoolExecutor(jobs) as pool:
            answers = list(pool.map(label_page, work, chunksize=8))
    else:
        answers = [label_page(w) for w in work]
    cols = {k: [] for k in ("X", "y", "share", "firm", "w", "page", "kind", "site", "type", "index", "text", "stats")}
    pages, fixed, page_stats = [], [], []
    for n, ((ds, i, kind, host, ptype), (blocks, kept, pstats)) in enumerate(zip(meta, answers)):
        pages.append(f"{ds}/{i}/{kind}")
        fixed.append(json.dumps(kept, ensure_ascii=False))
        page_stats.append(pstats)
        for row, y, share, firm, text, w, idx, stats in blocks:
            cols["stats"].append(stats)
            cols["X"].append(row)
            cols["y"].append(y)
            cols["share"].append(share)
            cols["firm"].append(firm)
            cols["w"].append(w)
            cols["page"].append(n)
            cols["kind"].append(kind == "html")
            cols["site"].append(host)
            cols["type"].append(ptype)
            cols["index"].append(idx)
            cols["text"].append(text)
    return {"X": np.asarray(cols["X"], dtype=np.float64), "y": np.asarray(cols["y"], dtype=np.int8),
            "share": np.asarray(cols["share"]), "firm": np.asarray(cols["firm"], dtype=np.int8),
            "w": np.asarray(cols["w"]), "page": np.asarray(cols["page"], dtype=np.int32),
            "html": np.asarray(cols["kind"], dtype=bool), "site": np.asarray(cols["site"]),
            "type": np.asarray(cols["type"]), "index": np.asarray(cols["index"], dtype=np.int32),
            "text": np.asarray(cols["text"]), "pages": np.asarray(pages), "fixed": np.asarray(fixed),
            "stats": np.asarray(cols["stats"], dtype=np.int64).reshape(-1, 4),
            # per page: body shingles, must-keep and must-drop strings, then the rule-kept blocks' stats
            "page_stats": np.asarray(page_stats, dtype=np.int64).reshape(-1, 7), "features": np.asarray(FEATURES)}


def digest(data: dict) -> str:
    """A hash of the labelled data (rows, labels, weights, groups), for the model header."""
    h = hashlib.sha256()
    for k in ("X", "y", "w", "page", "html", "site"):
        a = data[k]
        h.update(a.tobytes() if a.dtype != object and a.dtype.kind != "U" else "\n".join(a.tolist()).encode())
    return h.hexdigest()


def spot_check(data: dict, per_group: int = 12) -> str:
    """A readable sample of labelled blocks per page type and input (fixed by a hash)."""
    out = ["# Labelled blocks: a spot-check", "",
           "Per page type and input, a fixed sample of the blocks the model decides: the label "
           "(1 content, 0 boilerplate), the share of the block's shingles in the truth, and "
           "the firm label (must keep / must drop) where the page has one.", ""]
    order = sorted(range(len(data["y"])), key=lambda j: hashlib.sha256(
        f"{data['pages'][data['page'][j]]}/{data['index'][j]}".encode()).hexdigest())
    groups: dict[tuple[str, str], list[int]] = {}
    for j in order:
        key = (str(data["type"][j]), "html" if data["html"][j] else "text")
        g = groups.setdefault(key, [])
        if len(g) < per_group:
            g.append(j)
    for (ptype, kind), idx in sorted(groups.items()):
        n = int(sum((data["type"] == ptype) & (data["html"] == (kind == "html"))))
        pos = float(np.mean(data["y"][(data["type"] == ptype) & (data["html"] == (kind == "html"))]))
        out += [f"## {ptype}, {kind}: {n} blocks, {pos:.0%} labelled content", ""]
        out += ["| label | share | firm | block |", "|---|---|---|---|"]
        for j in idx:
            firm = {1: "keep", 0: "drop"}.get(int(data["firm"][j]), "")
            text = str(data["text"][j])[:140].replace("|", "\\|").replace("\n", " / ")
            out.append(f"| {data['y'][j]} | {data['share'][j]:.2f} | {firm} | {text} |")
        out.append("")
    return "\n".join(out)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("datasets", type=Path, nargs="+")
    ap.add_argument("--out", type=Path, required=True, help="the labelled blocks (.npz)")
    ap.add_argument("--report", type=Path, default=None, help="write the spot-check here (Markdown)")
    ap.add_argument("--jobs", type=int, default=1, help="worker processes (the output does not depend on it)")
    args = ap.parse_args(argv)
    data = collect(args.datasets, args.jobs)
    np.savez_compressed(args.out, **data)
    print(f"{len(data['y'])} blocks of {len(data['pages'])} page inputs, {data['y'].mean():.1%} content; "
          f"data hash {digest(data)[:16]}")
    if args.report:
        args.report.write_text(spot_check(data), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

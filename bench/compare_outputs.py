"""Prove a restructuring preserved behaviour: snapshot every output of one checkout, then diff.

    python bench/compare_outputs.py snapshot --src /work/base --out /tmp/snap-base.jsonl.gz
    python bench/compare_outputs.py snapshot --src . --out /tmp/snap-main.jsonl.gz [--jobs 2]
    python bench/compare_outputs.py diff /tmp/snap-base.jsonl.gz /tmp/snap-main.jsonl.gz [--show 5]

``snapshot`` imports ``cleaner`` from the checkout ``--src`` (put first on ``sys.path``, so
an editable install does not shadow it; the module path is printed) and cleans every
``html/*.html.gz`` (as HTML) and ``text/*.txt`` of the ``scrapinghub-dev`` and ``modern-dev``
sets under ``--data``, plus the ``--seeds`` files (text).  One JSON line per document, sorted
by (set, kind, id): text, language, hits (with their stage and stage offsets) and metadata,
or ``error`` when the clean raised.  Snapshots hold dataset content: write them outside the
repo (e.g. /tmp).  ``diff`` compares two snapshots document by document and exits 1 on any
difference, 0 when they are identical.
"""
from __future__ import annotations

import argparse
import difflib
import gzip
import json
import multiprocessing
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SETS = ("scrapinghub-dev", "modern-dev")
FIELDS = ("text", "language", "hits", "metadata", "error")
_cleaner = None  # this process's Cleaner (one per worker)


def _load(src: str):
    """``cleaner`` imported from the checkout ``src``, refusing any other copy."""
    sys.path.insert(0, src)
    import cleaner

    if not Path(cleaner.__file__).resolve().is_relative_to(src):
        raise SystemExit(f"cleaner imported from {cleaner.__file__}, not from {src}")
    return cleaner


def _init(src: str) -> None:
    global _cleaner
    _load(src)
    from cleaner.pipeline import Cleaner

    _cleaner = Cleaner()


def _clean(job: tuple[str, str, str, str]) -> str:
    """One document as its JSON line; an exception is recorded, not raised."""
    set_name, kind, doc_id, path = job
    rec = {"set": set_name, "kind": kind, "id": doc_id}
    try:
        r = _cleaner.clean(Path(path).read_bytes(), html=kind == "html")
        hits = [{**h.to_dict(), "stage": h.stage, "stage_start": h.start, "stage_end": h.end} for h in r.hits]
        rec.update(text=r.text, language=r.language, hits=hits, metadata=r.metadata)
    except Exception as e:  # noqa: BLE001 - one failure must not stop the snapshot
        rec["error"] = repr(e)
    return json.dumps(rec, ensure_ascii=False, sort_keys=True, default=repr)


def _jobs(data: Path, seeds: Path) -> list[tuple[str, str, str, str]]:
    if missing := [str(d) for d in [*(data / s for s in SETS), seeds] if not d.is_dir()]:
        raise SystemExit(f"no such folder: {', '.join(missing)}")
    found = [(s, kind, p) for s in SETS for kind, pat in (("html", "html/*.html.gz"), ("text", "text/*.txt"))
             for p in (data / s).glob(pat)]
    found += [("seeds", "seed", p) for p in seeds.glob("*") if p.is_file()]
    return sorted((s, kind, p.name.split(".")[0], str(p)) for s, kind, p in found)


def snapshot(args) -> int:
    src = str(Path(args.src).resolve())
    print(f"cleaner from {_load(src).__file__}")
    jobs = _jobs(Path(args.data), Path(args.seeds))
    start, errors = time.perf_counter(), 0
    with gzip.GzipFile(args.out, "wb", mtime=0) as out:
        if args.jobs > 1:
            with multiprocessing.Pool(args.jobs, _init, (src,)) as pool:
                lines = list(pool.imap(_clean, jobs, chunksize=8))  # imap keeps the sorted order
        else:
            _init(src)
            lines = [_clean(j) for j in jobs]
        for line in lines:
            errors += "error" in json.loads(line)
            out.write(line.encode("utf-8") + b"\n")
    print(f"{len(lines)} documents ({errors} errors) in {time.perf_counter() - start:.1f} s -> {args.out}")
    return 0


def _read(path: str) -> dict:
    with gzip.open(path, "rt", encoding="utf-8") as f:
        return {(r["set"], r["kind"], r["id"]): r for r in map(json.loads, f)}


def _explain(a: dict, b: dict, fields: list[str]) -> str:
    if "error" in fields:
        fields = ["error"]
    elif "text" in fields and a.get("text") is not None and b.get("text") is not None:
        lines = difflib.unified_diff(a["text"].splitlines(), b["text"].splitlines(), "A", "B", n=1, lineterm="")
        return "\n".join(list(lines)[:20]) or f"(line ends) A {a['text'][-60:]!r}\n            B {b['text'][-60:]!r}"
    if "hits" in fields:
        ha, hb = a.get("hits") or [], b.get("hits") or []
        i = next((i for i, (x, y) in enumerate(zip(ha, hb)) if x != y), min(len(ha), len(hb)))
        return f"hit {i} of {len(ha)}/{len(hb)}:\n  A {ha[i] if i < len(ha) else None}\n  B {hb[i] if i < len(hb) else None}"
    return "\n".join(f"{f}: A {a.get(f)!r}\n{' ' * len(f)}  B {b.get(f)!r}" for f in fields)


def diff(args) -> int:
    a, b = _read(args.a), _read(args.b)
    fields = [f for f in FIELDS if not (args.ignore_metadata and f == "metadata")]
    counts = dict.fromkeys(fields, 0)
    missing, extra = sorted(a.keys() - b.keys()), sorted(b.keys() - a.keys())
    shown = differing = 0
    for key in sorted(a.keys() & b.keys()):
        bad = [f for f in fields if a[key].get(f) != b[key].get(f)]
        for f in bad:
            counts[f] += 1
        differing += bool(bad)
        if bad and shown < args.show:
            shown += 1
            print(f"--- {'/'.join(key)}: {', '.join(bad)} differ\n{_explain(a[key], b[key], bad)}\n")
    total = differing + len(missing) + len(extra)
    print(f"{total} differences in {len(a.keys() | b.keys())} documents")
    if total:
        print("  " + ", ".join(f"{f} {n}" for f, n in counts.items()) + f", missing {len(missing)}, extra {len(extra)}")
        for label, keys in (("missing from B", missing), ("extra in B", extra)):
            if keys and args.show:
                print(f"  {label}: " + ", ".join("/".join(k) for k in keys[:args.show]) + (" ..." if len(keys) > args.show else ""))
    return 1 if total else 0


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("snapshot", help="clean every bench document with one checkout")
    s.add_argument("--src", required=True, help="checkout root holding cleaner/ and rules/")
    s.add_argument("--out", required=True, help="snapshot to write (.jsonl.gz), outside the repo")
    s.add_argument("--data", default=str(ROOT.parent / "shared" / "bench"), help="folder of the bench sets")
    s.add_argument("--seeds", default=str(ROOT / "seeds"), help="folder of seed texts")
    s.add_argument("--jobs", type=int, default=2, help="worker processes (1: this process)")
    d = sub.add_parser("diff", help="compare two snapshots; exit 1 on any difference")
    d.add_argument("a")
    d.add_argument("b")
    d.add_argument("--ignore-metadata", action="store_true")
    d.add_argument("--show", type=int, default=5, help="differing documents to print")
    args = p.parse_args(argv)
    return snapshot(args) if args.cmd == "snapshot" else diff(args)


if __name__ == "__main__":
    sys.exit(main())

"""Throughput of the cleaner: docs/s and MB/s on one core and on all cores, peak memory,
and trafilatura's pages/s on the same HTML pages in the same run.

    python bench/throughput.py DATASET_DIR [--mb 50] [--profile] [--stream-mb 100,300]

DATASET_DIR holds ``text/*.txt`` and ``html/*.html.gz`` pages (it is read, never copied).
The text pages are repeated until the corpus reaches ``--mb`` MB of UTF-8.  Not a test:
the figures depend on the machine and on what else runs on it, so CPU seconds are
reported next to wall seconds (MB/s per CPU second is the per-core figure).

* ``--profile``: cProfile of the text hot path on one copy of the pages; top functions.
* ``--stream-mb 100,300``: peak RSS of the whole ``clean-articles big.jsonl out.jsonl``
  process tree for JSONL streams of those sizes (generated in a temporary folder).
"""
from __future__ import annotations

import argparse
import cProfile
import gzip
import hashlib
import io
import json
import os
import pstats
import resource
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

# The cleaner of this checkout, or of the checkout named by --root (to compare branches).
_ROOT = sys.argv[sys.argv.index("--root") + 1] if "--root" in sys.argv else Path(__file__).resolve().parent.parent
sys.path.insert(0, str(_ROOT))

import cleaner  # noqa: E402
from cleaner.pipeline import Cleaner  # noqa: E402

MB = 1_000_000


def load_pages(dataset: Path) -> tuple[list[str], list[bytes]]:
    texts = [p.read_bytes().decode("utf-8", "replace") for p in sorted((dataset / "text").glob("*.txt"))]
    htmls = [gzip.decompress(p.read_bytes()) for p in sorted((dataset / "html").glob("*.html.gz"))]
    return texts, htmls


def corpus(pages: list[str], mb: float) -> list[str]:
    size = sum(len(p.encode("utf-8")) for p in pages)
    rounds = max(1, int(-(-mb * MB // size)))
    return pages * rounds


CHUNK = 64
_CLEANER: Cleaner | None = None


def _init() -> None:
    global _CLEANER
    if _CLEANER is None:
        _CLEANER = Cleaner()


def _texts_task(texts: list[str]) -> list[str]:
    return [_CLEANER.clean(t).text for t in texts]


def cpu_count() -> int:
    return len(os.sched_getaffinity(0))


class Clock:
    def __enter__(self):
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        self.child = resource.getrusage(resource.RUSAGE_CHILDREN)
        return self

    def __exit__(self, *exc):
        self.wall = time.perf_counter() - self.wall
        child = resource.getrusage(resource.RUSAGE_CHILDREN)
        self.cpu = time.process_time() - self.cpu + (child.ru_utime - self.child.ru_utime) + (
            child.ru_stime - self.child.ru_stime)


def digest(texts) -> str:
    h = hashlib.sha256()
    for t in texts:
        h.update(t.encode("utf-8"))
        h.update(b"\0")
    return h.hexdigest()[:16]


def run_text(docs: list[str], jobs: int) -> tuple[Clock, str]:
    """Like ``--jobs N``: chunks of documents over a pool whose workers build the cleaner once
    (self-contained, so --root can point at a checkout without cleaner.run.executor)."""
    _init()  # built before the clock starts (and inherited by forked workers)
    chunks = [docs[i:i + CHUNK] for i in range(0, len(docs), CHUNK)]
    with Clock() as clock:
        if jobs == 1:
            out = [t for chunk in chunks for t in _texts_task(chunk)]
        else:
            with ProcessPoolExecutor(jobs, initializer=_init) as pool:
                out = [t for chunk in pool.map(_texts_task, chunks) for t in chunk]
    return clock, digest(out)


def report_rate(label: str, n: int, nbytes: int, clock: Clock, jobs: int) -> None:
    print(f"{label:28s} {n:7d} docs {nbytes / MB:8.1f} MB  wall {clock.wall:7.1f}s  "
          f"{n / clock.wall:8.1f} docs/s  {nbytes / MB / clock.wall:6.2f} MB/s  "
          f"| cpu {clock.cpu:7.1f}s  {nbytes / MB / clock.cpu:6.2f} MB/s per core  (jobs {jobs})")


def bench_html(htmls: list[bytes], rounds: int) -> None:
    import trafilatura

    pages = htmls * rounds
    trafilatura.extract(htmls[0])  # warm-up: imports and lazy set-up are not throughput
    with Clock() as t:
        for page in pages:
            trafilatura.extract(page)
    traf = len(pages) / t.wall
    print(f"{'trafilatura.extract':28s} {len(pages):7d} pages  wall {t.wall:7.1f}s  {traf:8.1f} pages/s  "
          f"| cpu {t.cpu:7.1f}s  {len(pages) / t.cpu:8.1f} pages/s per core")
    _init()
    def clean_html(data: bytes):
        return _CLEANER.clean(data, html=True)

    clean_html(htmls[0])  # warm-up, as for trafilatura
    with Clock() as c:
        for page in pages:
            clean_html(page)
    ours = len(pages) / c.wall
    print(f"{'Cleaner.clean(html=True)':28s} {len(pages):7d} pages  wall {c.wall:7.1f}s  {ours:8.1f} pages/s  "
          f"| cpu {c.cpu:7.1f}s  {len(pages) / c.cpu:8.1f} pages/s per core")
    print(f"html ratio (ours / trafilatura, pages/s on one core): {ours / traf:.2f}x by wall time, "
          f"{t.cpu / c.cpu:.2f}x by CPU time  (target >= 2x; CPU time is the fair one on a shared machine)")


def profile(texts: list[str], top: int) -> None:
    cleaner = Cleaner()
    prof = cProfile.Profile()  # wall timer: a CPU-time timer costs a system call per event and skews it
    prof.enable()
    for t in texts:
        cleaner.clean(t)
    prof.disable()
    for key in ("cumulative", "tottime"):
        out = io.StringIO()
        pstats.Stats(prof, stream=out).strip_dirs().sort_stats(key).print_stats(top)
        print(f"--- profile, top {top} by {key} ---")
        print("\n".join(line for line in out.getvalue().splitlines() if line.strip())[:20000])


def tree_rss(pid: int) -> int:
    import psutil

    try:
        proc = psutil.Process(pid)
        procs = [proc, *proc.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0
    total = 0
    for p in procs:
        try:
            total += p.memory_info().rss
        except psutil.NoSuchProcess:
            pass
    return total


def stream_memory(texts: list[str], mb: float, jobs: int) -> None:
    """Peak RSS of the process tree of ``clean-articles big.jsonl out.jsonl`` on ``mb`` MB."""
    with tempfile.TemporaryDirectory(prefix="clean-articles-bench-") as tmp:
        src, dst = Path(tmp) / "big.jsonl", Path(tmp) / "out.jsonl"
        written, i = 0, 0
        with open(src, "w", encoding="utf-8") as fh:
            while written < mb * MB:
                line = json.dumps({"id": i, "text": texts[i % len(texts)], "metadata": {}}, ensure_ascii=False) + "\n"
                fh.write(line)
                written += len(line.encode("utf-8"))
                i += 1
        cmd = [sys.executable, "-m", "cleaner", str(src), str(dst), "-q", "--jobs", str(jobs)]
        peak = 0
        with Clock() as clock:
            proc = subprocess.Popen(cmd, cwd=Path(__file__).resolve().parent.parent,
                                    env={**os.environ, "PYTHONPATH": str(Path(cleaner.__file__).parent.parent)})
            done = threading.Event()

            def poll():
                nonlocal peak
                while not done.is_set():
                    peak = max(peak, tree_rss(proc.pid))
                    time.sleep(0.1)

            poller = threading.Thread(target=poll, daemon=True)
            poller.start()
            proc.wait()
            done.set()
            poller.join()
        print(f"stream {written / MB:7.1f} MB, {i} docs, jobs {jobs}: exit {proc.returncode}, "
              f"wall {clock.wall:.1f}s ({written / MB / clock.wall:.2f} MB/s), "
              f"peak RSS of the process tree {peak / MB:.0f} MB")


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("dataset", type=Path)
    ap.add_argument("--mb", type=float, default=50, help="size of the text corpus in MB (default 50)")
    ap.add_argument("--jobs", type=int, default=0, help="cores for the all-cores run (default: all)")
    ap.add_argument("--html-rounds", type=int, default=1, help="times the HTML pages are repeated")
    ap.add_argument("--profile", action="store_true", help="cProfile the text hot path on one copy of the pages")
    ap.add_argument("--top", type=int, default=25)
    ap.add_argument("--stream-mb", default="", help="comma-separated JSONL stream sizes for the memory check")
    ap.add_argument("--root", help="measure the cleaner of this checkout instead of this one's")
    ap.add_argument("--skip", default="", help="comma-separated parts to skip: text,html")
    args = ap.parse_args(argv)
    skip = set(filter(None, args.skip.split(",")))
    jobs = args.jobs or cpu_count()

    texts, htmls = load_pages(args.dataset)
    print(f"cleaner from {Path(cleaner.__file__).parent.parent}")
    print(f"dataset {args.dataset}: {len(texts)} text pages, {len(htmls)} html pages; {cpu_count()} cores")
    if args.profile:
        profile(texts, args.top)
    if "text" not in skip:
        docs = corpus(texts, args.mb)
        nbytes = sum(len(d.encode("utf-8")) for d in docs)
        one, h1 = run_text(docs, 1)
        report_rate("text, one process", len(docs), nbytes, one, 1)
        many, hn = run_text(docs, jobs)
        report_rate("text, all cores", len(docs), nbytes, many, jobs)
        print(f"speed-up {one.wall / many.wall:.2f}x on {jobs} cores; output hash one core {h1}, "
              f"all cores {hn}: {'SAME' if h1 == hn else 'DIFFERENT'}")
    if "html" not in skip:
        bench_html(htmls, args.html_rounds)
    for mb in filter(None, args.stream_mb.split(",")):
        stream_memory(texts, float(mb), jobs)
    self_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1000
    child_peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1000
    print(f"peak RSS: this process {self_peak:.0f} MB (holds the corpus), largest child {child_peak:.0f} MB")


if __name__ == "__main__":
    main()

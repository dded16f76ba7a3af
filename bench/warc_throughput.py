"""WARC throughput: our WARC -> JSONL.gz against resiliparse on the same records, in one run.

    python bench/warc_throughput.py DATASET_DIR [--rounds N]

DATASET_DIR holds ``html/*.html.gz`` pages (read, never copied).  They are written, ``N``
times over, as HTTP response records of a WARC.gz in a temporary folder, then timed:

* ours in process through :func:`cleaner.run.stream.run_files` (the command's runner), on
  one core and on all cores, and as the ``clean-articles`` command (start-up included);
* resiliparse: fastwarc's ArchiveIterator and
  ``extract_plain_text(main_content=True)``, writing JSONL.gz, on one core.

MB are the pages' uncompressed HTML.  Not a test: the figures depend on the machine and
on what else runs on it, so CPU seconds (the process and its workers) stand beside wall
seconds, and the ratio is given by both.  Needs the ``warc`` extra, warcio and resiliparse.
"""
from __future__ import annotations

import argparse
import gzip
import io
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cleaner.pipeline import Cleaner  # noqa: E402
from cleaner.run.executor import cpu_count  # noqa: E402
from cleaner.run.stream import run_files  # noqa: E402
from throughput import Clock  # noqa: E402  (wall and CPU seconds, workers included)

MB = 1_000_000


def write_warc(pages: list[bytes], rounds: int, path: Path) -> int:
    """The pages as response records of a WARC.gz; returns the HTML bytes written."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    size = 0
    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for r in range(rounds):
            for i, page in enumerate(pages):
                http = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
                writer.write_record(writer.create_warc_record(
                    f"https://bench.invalid/{r}/{i}", "response", payload=io.BytesIO(page), http_headers=http))
                size += len(page)
    return size


def resiliparse_run(src: Path, dest: Path) -> int:
    """Resiliparse's main-content text of every HTML response, as JSONL.gz; returns the count."""
    from fastwarc.warc import ArchiveIterator, WarcRecordType
    from resiliparse.extract.html2text import extract_plain_text
    from resiliparse.parse.encoding import bytes_to_str, detect_encoding

    n = 0
    with open(src, "rb") as fh, gzip.open(dest, "wt", encoding="utf-8") as out:
        for rec in ArchiveIterator(fh, record_types=WarcRecordType.response, parse_http=True):
            if rec.http_content_type not in ("text/html", "application/xhtml+xml"):
                continue
            body = rec.reader.read()
            html = bytes_to_str(body, rec.http_charset or detect_encoding(body))
            text = extract_plain_text(html, main_content=True)
            out.write(json.dumps({"id": rec.record_id, "text": text,
                                  "metadata": {"url": rec.headers.get("WARC-Target-URI")}},
                                 ensure_ascii=False) + "\n")
            n += 1
    return n


def line(label: str, n: int, size: int, clock: Clock) -> None:
    print(f"{label:34s} {n:6d} records {size / MB:7.1f} MB  wall {clock.wall:6.1f}s  "
          f"{n / clock.wall:7.1f} rec/s  {size / MB / clock.wall:6.2f} MB/s  "
          f"| cpu {clock.cpu:6.1f}s  {n / clock.cpu:7.1f} rec/s per CPU s")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("dataset", type=Path)
    ap.add_argument("--rounds", type=int, default=1, help="write the pages this many times over")
    args = ap.parse_args()
    pages = [gzip.decompress(p.read_bytes()) for p in sorted((args.dataset / "html").glob("*.html.gz"))]
    if not pages:
        sys.exit(f"no html/*.html.gz pages under {args.dataset}")
    cleaner = Cleaner()
    cleaner.clean(pages[0], html=True)  # warm-up: the HTML rules compile once, not per record
    with tempfile.TemporaryDirectory(prefix="warc-bench-") as tmp:
        tmp = Path(tmp)
        src = tmp / "bench.warc.gz"
        size = write_warc(pages, args.rounds, src)
        n = len(pages) * args.rounds
        print(f"{n} records ({len(pages)} pages x {args.rounds}), {size / MB:.1f} MB of HTML, "
              f"WARC.gz {src.stat().st_size / MB:.1f} MB, {cpu_count()} cores")
        runs = {}
        for jobs in (1, 0):
            with Clock() as clock:
                report = run_files(str(src), str(tmp / f"ours-{jobs}.jsonl.gz"), cleaner, jobs=jobs)
            assert report.totals.docs == n and not report.bad, (report.totals.docs, report.bad)
            runs[jobs] = clock
            line(f"ours run_files jobs {jobs or cpu_count()}", n, size, clock)
        with Clock() as clock:
            subprocess.run([sys.executable, "-m", "cleaner", str(src), str(tmp / "cli.jsonl.gz"), "-q"],
                           check=True, env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)})
        line("ours clean-articles (all cores)", n, size, clock)
        with Clock() as theirs:
            got = resiliparse_run(src, tmp / "resiliparse.jsonl.gz")
        assert got == n, got
        line("resiliparse main_content (1 core)", n, size, theirs)
        one = runs[1]
        print(f"ours / resiliparse, records/s on one core: {theirs.wall / one.wall:.3f}x by wall time, "
              f"{theirs.cpu / one.cpu:.3f}x by CPU time; all cores: {theirs.wall / runs[0].wall:.3f}x by wall")


if __name__ == "__main__":
    main()

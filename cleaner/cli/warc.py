"""The WARC side of ``clean-articles``: ``clean-articles crawl.warc.gz out.jsonl`` (or ``-``).

The command decides *whether* the input is a WARC (``--format warc``, a ``.warc`` or
``.warc.gz`` name) and hands over here.  Exit codes are the command's: 0 every page
record cleaned, 1 some records failed (each named as ``FILE#record N (URL)``) or the file
is no WARC, 2 usage error (fastwarc missing, a bad destination: nothing written).
"""
from __future__ import annotations

import os
import time
from pathlib import Path

import click

from cleaner.cli.jsonl import (EXIT_FAILED, EXIT_OK, check_destinations, file_or_stdout, pipe_closed, stream_session,
                               write_failed)
from cleaner.run.io import WriteError
from cleaner.terminal import printable
from cleaner.run.warc import WarcError, WarcReport, fastwarc_missing, record_name, run_warc


def run_warc_command(source: str, dest: str, cleaner, *, jobs: int, scheduler: str | None, quiet: bool,
                     no_progress: bool, hits_path=None, input: str = "auto", text_field: str = "text",
                     output: str = "text") -> int:
    """Run the WARC batch; returns the exit code."""
    missing = fastwarc_missing()
    if missing:
        raise click.UsageError(missing)
    if source != "-" and os.path.isdir(source):
        raise click.UsageError(f"WARC input {source} is a folder; name a .warc or .warc.gz file")
    if dest != "-" and os.path.isdir(dest):
        raise click.UsageError(f"JSONL output {dest} is a folder; name a .jsonl (or .jsonl.gz) file or - for stdout")
    check_destinations([("OUT", file_or_stdout(dest)), ("--hits", hits_path)], [] if source == "-" else [Path(source)])
    started = time.monotonic()

    def on_failed(number: int, url: str | None, why: str) -> None:
        where = f" ({printable(url)})" if url else ""
        click.echo(f"clean-articles: failed: {printable(record_name(source, number))}{where}: {printable(why)}",
                   err=True)

    try:
        with stream_session(scheduler, quiet, no_progress, hits_path) as (executor, progress, hits):
            report = run_warc(source, dest, cleaner, jobs=jobs, pool=executor, on_failed=on_failed,
                              progress=progress, hits=hits, in_flight=getattr(executor, "in_flight", None),
                              input=input, text_field=text_field, output=output)
    except WarcError as exc:
        click.echo(f"clean-articles: failed: {printable(source)}: {printable(str(exc))}", err=True)
        return EXIT_FAILED
    except BrokenPipeError:
        return pipe_closed()
    except WriteError as exc:
        return write_failed(exc)
    if not quiet:
        _summary(report, cleaner, time.monotonic() - started)
    return EXIT_FAILED if report.failed else EXIT_OK


def _counts(counter) -> str:
    return ", ".join(f"{printable(name)} {n}" for name, n in sorted(counter.items(), key=lambda kv: (-kv[1], kv[0])))


def _summary(report: WarcReport, cleaner, elapsed: float) -> None:
    t = report.totals
    not_html = sum(report.not_html.values())
    rate = t.docs / elapsed if elapsed > 0 else 0.0
    head = (f"cleaned {t.docs} records, {not_html} not HTML, {report.failed} failed, "
            f"in {elapsed:.1f}s ({rate:,.0f} records/s)")
    lines = t.summary(head, "chars", cleaner.by_code)
    extra = []
    if not_html:
        extra.append(f"clean-articles: not HTML: {_counts(report.not_html)}")
    if report.other:
        extra.append(f"clean-articles: other records: {_counts(report.other)}")
    lines[1:1] = extra
    for line in lines:
        click.echo(line, err=True)

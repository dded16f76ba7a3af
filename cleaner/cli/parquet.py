"""The Parquet side of ``clean-articles``: ``clean-articles in.parquet out.parquet`` (or ``out.jsonl``, ``-``).

The command hands over here when IN or OUT is named ``.parquet`` (or ``.pq``); the output
kind follows OUT's name.  Needs pyarrow (``pip install 'clean-articles[parquet]'``).
Exit codes are the command's: 0 every row cleaned, 1 some rows failed (each named as
``FILE#row N`` as it is found), 2 usage error (nothing written).
"""
from __future__ import annotations

import os
import time
from pathlib import Path

import click

from cleaner.cli.jsonl import (EXIT_FAILED, EXIT_OK, check_destinations, file_or_stdout, pipe_closed, stream_session,
                               write_failed)
from cleaner.terminal import display, printable
from cleaner.run.io import WriteError, is_parquet
from cleaner.run.jsonl import StreamReport, is_compressed


def run_parquet_command(source: str, dest: str, cleaner, *, text_field: str, jobs: int, scheduler: str | None,
                        quiet: bool, no_progress: bool, hits_path=None, input: str = "auto",
                        html_field: str | None = None, output: str = "text") -> int:
    """Run the Parquet batch; returns the exit code."""
    if not is_parquet(source):
        raise click.UsageError(f"OUT {dest} is Parquet but IN {source} is not: Parquet is written from a "
                               "Parquet IN (JSONL, folders and pages are cleaned to JSONL or text)")
    try:
        from cleaner.run import parquet
    except ImportError:
        raise click.UsageError("Parquet needs pyarrow: pip install 'clean-articles[parquet]'") from None
    if os.path.isdir(source):
        raise click.UsageError(f"Parquet input {source} is a folder; name one .parquet file")
    if dest != "-" and os.path.isdir(dest):
        raise click.UsageError(f"OUT {dest} is a folder; name a .parquet or .jsonl file, or - for stdout")
    if dest != "-" and is_compressed(dest):
        raise click.UsageError(f"OUT {dest}: compressed JSONL is not written; name a .parquet or .jsonl file")
    check_destinations([("OUT", file_or_stdout(dest)), ("--hits", hits_path)], [Path(source)])
    try:  # the input's own problems are usage errors, found before anything is written
        parquet.open_input(source, text_field, html_field).close()
    except parquet.TableError as exc:
        raise click.UsageError(str(exc)) from None
    started = time.monotonic()

    def on_bad(row: int, why: str) -> None:
        click.echo(f"clean-articles: failed: {display(source)}#row {row}: {printable(why)}", err=True)

    try:
        with stream_session(scheduler, quiet, no_progress, hits_path) as (executor, progress, hits):
            report = parquet.run_parquet(source, dest, cleaner, text_field=text_field, jobs=jobs, pool=executor,
                                         on_bad=on_bad, progress=progress, hits=hits,
                                         in_flight=getattr(executor, "in_flight", None), input=input,
                                         html_field=html_field, output=output)
    except BrokenPipeError:
        return pipe_closed()
    except WriteError as exc:
        return write_failed(exc)
    if not quiet:
        _summary(report, cleaner, time.monotonic() - started)
    return EXIT_FAILED if report.bad else EXIT_OK


def _summary(report: StreamReport, cleaner, elapsed: float) -> None:
    t = report.totals
    rate = t.docs / elapsed if elapsed > 0 else 0.0
    head = f"cleaned {t.docs} rows, {report.bad} failed, in {elapsed:.1f}s ({rate:,.0f} rows/s)"
    for line in t.summary(head, "chars", cleaner.by_code):
        click.echo(line, err=True)

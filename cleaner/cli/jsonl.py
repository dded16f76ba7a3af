"""The JSONL side of ``clean-articles``: ``clean-articles in.jsonl out.jsonl`` and ``- -``.

Kept apart from :mod:`cleaner.cli` so the command module stays small: the command
decides *whether* the batch is JSONL (``--format``, ``-``, a ``.jsonl`` name) and hands
over here.  Exit codes are the command's: 0 all lines cleaned, 1 some bad lines (each
reported with its number as it is found), 2 usage error.
"""
from __future__ import annotations

import os
import sys
import time
from contextlib import contextmanager, nullcontext
from pathlib import Path

import click

from cleaner.run import executor as parallel
from cleaner.run.io import ReadError, WriteError, text_output
from cleaner.run.paths import write_problem
from cleaner.run.progress import Progress
from cleaner.run.jsonl import StreamReport, run_jsonl
from cleaner.terminal import display, printable

# The exit codes of every clean-articles command (README: "Exit codes").
EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


@contextmanager
def dask_executor(address: str | None):
    """A ``concurrent.futures`` executor on the Dask cluster at ``address`` (or None)."""
    if not address:
        yield None
        return
    try:
        from distributed import Client
    except ImportError:
        raise click.UsageError("--scheduler needs Dask: pip install 'clean-articles[dask]'") from None
    with Client(address) as client:
        executor = client.get_executor()
        # Enough chunks in flight to keep every thread of the cluster busy, and no more.
        executor.in_flight = max(2, parallel.IN_FLIGHT_PER_JOB * sum(client.nthreads().values()))
        yield executor


@contextmanager
def stream_session(scheduler: str | None, quiet: bool, no_progress: bool, hits_path=None):
    """What every stream command (JSONL, WARC, Parquet) runs in: ``(executor, progress,
    hits)`` -- the Dask executor or None, the progress bar (on a terminal only), and the
    ``--hits`` file or None."""
    show = not quiet and not no_progress and sys.stderr.isatty()
    with dask_executor(scheduler) as executor, Progress("cleaning", enabled=show) as progress, \
            (text_output(hits_path) if hits_path else nullcontext()) as hits:
        yield executor, progress, hits


def pipe_closed() -> int:
    """The next step of the pipe stopped reading: not our failure.  stdout goes to
    /dev/null so the interpreter's exit flush raises no second error."""
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return EXIT_OK


def write_failed(exc: WriteError) -> int:
    """A destination could not be written (a full disk): named, exit 1.  A file OUT is
    never left partial (it is renamed into place only when complete)."""
    click.echo(f"clean-articles: failed: {display(exc.target)}: cannot write: {printable(exc.strerror or '')}", err=True)
    return EXIT_FAILED


def check_destinations(dests, inputs=(), in_dir=None, out_dir=None) -> None:
    """A usage error (exit 2, nothing written) for the first path the command must not
    write (see :func:`cleaner.run.paths.write_problem`).  Only OUT takes ``-`` for stdout:
    callers pass it as None; any other ``-`` is a file of that name, checked like any."""
    why = write_problem(dests, inputs, in_dir, out_dir)
    if why:
        raise click.UsageError(display(why))


def file_or_stdout(dest: str):
    """OUT as a write path: None for ``-`` (stdout is not a file)."""
    return None if dest == "-" else dest


def run_jsonl_command(source: str, dest: str, cleaner, *, text_field: str, jobs: int,
                      scheduler: str | None, quiet: bool, no_progress: bool, hits_path=None, input: str = "auto",
                      html_field: str | None = None, output: str = "text", budget=None) -> int:
    """Run the JSONL batch; returns the exit code."""
    if source != "-" and os.path.isdir(source):
        raise click.UsageError(f"JSONL input {source} is a folder; use --format files")
    if dest != "-" and os.path.isdir(dest):
        raise click.UsageError(f"JSONL output {dest} is a folder; name a .jsonl file or - for stdout")
    inputs = [] if source == "-" else [Path(source)]
    check_destinations([("OUT", file_or_stdout(dest)), ("--hits", hits_path)], inputs)
    started = time.monotonic()

    def on_bad(lineno: int, why: str) -> None:
        click.echo(f"clean-articles: {display(source)}:{lineno}: bad line: {printable(why)}", err=True)

    try:
        with stream_session(scheduler, quiet, no_progress, hits_path) as (executor, progress, hits):
            report = run_jsonl(source, dest, cleaner, text_field=text_field, jobs=jobs, pool=executor,
                               on_bad=on_bad, progress=progress, hits=hits,
                               in_flight=getattr(executor, "in_flight", None), input=input,
                               html_field=html_field, output=output,
                               **({} if budget is None else {"budget": budget}))
    except BrokenPipeError:
        return pipe_closed()
    except WriteError as exc:
        return write_failed(exc)
    except ReadError as exc:  # the output was not committed: the previous one stands
        click.echo(f"clean-articles: failed: {display(exc.source)}: cannot read after line {exc.line}: "
                   f"{printable(exc.why)}", err=True)
        return EXIT_FAILED
    if not quiet:
        _summary(report, cleaner, time.monotonic() - started)
    return EXIT_FAILED if report.bad else EXIT_OK


def _summary(report: StreamReport, cleaner, elapsed: float) -> None:
    t = report.totals
    rate = t.docs / elapsed if elapsed > 0 else 0.0
    head = f"cleaned {t.docs} documents, {report.bad} bad lines, in {elapsed:.1f}s ({rate:,.0f} docs/s)"
    for line in t.summary(head, "chars", cleaner.by_code):
        click.echo(line, err=True)

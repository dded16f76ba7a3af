"""The record side of ``clean-articles``: JSONL, WARC and Parquet, in any reader-writer pair.

``clean-articles in.jsonl out.jsonl``, ``- -``, ``crawl.warc.gz out.jsonl.gz``,
``in.parquet out.parquet``, ``in.jsonl out.parquet``, ``in.parquet out.jsonl``...  The
reader follows IN (``--format``, its name), the writer OUT's name: Parquet for
``.parquet``/``.pq``, else JSON lines (compressed by the name; ``-`` for stdout).  Exit
codes are the command's: 0 every record cleaned, 1 some failed (each named as it is
found: ``FILE:LINE``, ``FILE#record N (URL)``, ``FILE#row N``) or the input is no WARC,
2 usage error (nothing written).
"""
from __future__ import annotations

import os
import sys
import time
from contextlib import ExitStack, contextmanager
from pathlib import Path

import click

from cleaner import __version__
from cleaner.cli.batch_review import BatchReview
from cleaner.cli.common import EXIT_FAILED, EXIT_OK, check_destinations, file_or_stdout, pipe_closed, write_failed
from cleaner.pipeline import ARTICLE_FIELDS
from cleaner.run import executor as parallel
from cleaner.run.batch import rules_hash
from cleaner.run.extras import missing_extra
from cleaner.run.io import ReadError, WriteError, is_parquet
from cleaner.run.progress import Progress
from cleaner.run.readers import InputError, Reader, fastwarc_missing, is_warc, open_reader, pyarrow_missing
from cleaner.run.records import Job
from cleaner.run.stream import Checkpoint, HitsOut, Resume, StreamReport, remove_checkpoint, run_stream
from cleaner.run.work import NO_BUDGET, Budget
from cleaner.terminal import display, printable

# What a record is called in the summary, by reader kind.
NOUNS = {"jsonl": ("documents", "bad lines", "docs"), "warc": ("records", "failed", "records"),
         "parquet": ("rows", "failed", "rows")}


@contextmanager
def dask_executor(address: str | None):
    """A ``concurrent.futures`` executor on the Dask cluster at ``address`` (or None)."""
    if not address:
        yield None
        return
    try:
        from distributed import Client
    except ImportError:
        raise click.UsageError("--scheduler " + missing_extra("", "Dask", "dask").lstrip()) from None
    with Client(address) as client:
        executor = client.get_executor()
        # Enough chunks in flight to keep every thread of the cluster busy, and no more.
        executor.in_flight = max(2, parallel.IN_FLIGHT_PER_JOB * sum(client.nthreads().values()))
        yield executor


def _usage(source: str, dest: str, fmt: str, html_field, resume: bool) -> None:
    """The usage errors a record batch finds before it reads anything."""
    reads_warc = is_warc(source, fmt)
    missing = fastwarc_missing() if reads_warc else None
    if not missing and (is_parquet(dest) or (fmt == "auto" and is_parquet(source))):
        missing = pyarrow_missing()
    if missing:
        raise click.UsageError(missing)
    if reads_warc and html_field:
        raise click.UsageError("--html-field names a field of JSONL records or a Parquet column; a WARC's "
                               "responses are the pages")
    if source != "-" and os.path.isdir(source):
        raise click.UsageError(f"input {source} is a folder; name a file, or use --format files")
    if dest != "-" and os.path.isdir(dest):
        raise click.UsageError(f"output {dest} is a folder; name a .jsonl, .jsonl.gz or .parquet file, "
                               "or - for stdout")
    if resume and (dest == "-" or source == "-"):
        raise click.UsageError("--resume needs IN and OUT files: a pipe cannot be read or written again")


def _checkpoint_key(source: str, cleaner, job: Job, hits: bool, chunk: int) -> dict:
    """What a checkpoint must match to be resumed: the same input, rules and options."""
    st = os.stat(source)
    return {"input": os.path.abspath(source), "size": st.st_size, "mtime_ns": st.st_mtime_ns,
            "rules": rules_hash(cleaner), "version": __version__, "kind": job.kind, "text_field": job.text_field,
            "html_field": job.html_field, "input_kind": job.input, "output": job.output, "hits": hits,
            "max_bytes": job.budget.max_bytes, "timeout": job.budget.timeout, "chunk": chunk}


def run_records_command(source: str, dest: str, cleaner, *, fmt: str = "auto", text_field: str = "text",
                        jobs: int = 0, scheduler: str | None = None, quiet: bool = False,
                        no_progress: bool = False, hits_path: Path | None = None, input: str = "auto",
                        html_field: str | None = None, output: str = "text", budget: Budget = NO_BUDGET,
                        resume: bool = False, review: BatchReview | None = None) -> int:
    """Run a record batch (see the module docstring); returns the exit code."""
    _usage(source, dest, fmt, html_field, resume)
    check_destinations([("OUT", file_or_stdout(dest)), ("--hits", hits_path),
                        ("--report", review.report_path if review else None)],
                       [] if source == "-" else [Path(source)])
    try:  # the input's own problems are usage errors, found before anything is written
        reader = open_reader(source, fmt, text_field=text_field, html_field=html_field, added=ARTICLE_FIELDS)
    except InputError as exc:
        raise click.UsageError(str(exc)) from None
    from cleaner.run.writers import JsonlWriter, ParquetWriter, table_schema

    parquet_out = is_parquet(dest)
    job = Job(reader.kind, ParquetWriter.shape if parquet_out else JsonlWriter.shape, text_field, input,
              html_field, output, budget, None if hits_path is None else source,
              bool(review and review.wanted), _columns(reader))
    chunk = reader.size()
    checkpoint = state = None
    if dest != "-" and source != "-":
        checkpoint = Checkpoint(Path(dest), _checkpoint_key(source, cleaner, job, hits_path is not None, chunk))
        if resume:
            state, why = checkpoint.load(hits_path, (ParquetWriter if parquet_out else JsonlWriter).can_resume)
            if state is None and not quiet:
                click.echo(f"clean-articles: nothing to resume ({why or 'no checkpoint'}): cleaning from the top",
                           err=True)
        else:
            remove_checkpoint(checkpoint.path)
    started = time.monotonic()

    def on_bad(name: str, why: str) -> None:
        if reader.kind == "jsonl":
            click.echo(f"clean-articles: {display(name)}: bad line: {printable(why)}", err=True)
        else:
            click.echo(f"clean-articles: failed: {display(name)}: {printable(why)}", err=True)

    show = not quiet and not no_progress and sys.stderr.isatty()
    interrupted = False
    try:
        with ExitStack() as stack:
            stack.enter_context(reader)
            executor = stack.enter_context(dask_executor(scheduler))
            progress = stack.enter_context(Progress("cleaning", total_bytes=reader.total_bytes, enabled=show))
            hits = _open_hits(stack, hits_path, state)
            at = (state.temp, state.output) if state else None
            writer = ParquetWriter(dest, table_schema(reader, text_field), resume=at) if parquet_out \
                else JsonlWriter(dest, resume=at)
            if checkpoint is not None:  # ended after OUT is complete (or kept, when interrupted)
                stack.callback(lambda: checkpoint.close(keep=interrupted))
            stack.enter_context(writer)
            if checkpoint is not None:
                checkpoint.start(writer.temp or "", state)
            try:
                report = run_stream(reader, writer, cleaner, job, jobs=jobs, pool=executor,
                                    in_flight=getattr(executor, "in_flight", None), hits=hits, on_bad=on_bad,
                                    on_result=review.add if review and review.wanted else None, progress=progress,
                                    checkpoint=checkpoint, resume=state)
            except KeyboardInterrupt:
                interrupted = True
                raise
    except InputError as exc:  # found while reading: a WARC that holds no record
        click.echo(f"clean-articles: failed: {printable(source)}: {printable(str(exc))}", err=True)
        return EXIT_FAILED
    except BrokenPipeError:
        return pipe_closed()
    except WriteError as exc:
        return write_failed(exc)
    except ReadError as exc:  # the output was not committed: the previous one stands
        click.echo(f"clean-articles: failed: {display(exc.source)}: cannot read after line {exc.line}: "
                   f"{printable(exc.why)}", err=True)
        return EXIT_FAILED
    failed = report.bad
    stream_error = getattr(reader, "stream_error", None)
    if stream_error:
        failed += 1
        on_bad(reader.name(stream_error[0]), stream_error[1])
    unwritten = review.finish() if review else []
    if not quiet:
        _summary(reader, report, failed, cleaner, time.monotonic() - started)
    if review:
        review.summary()
    for name, why in unwritten:
        click.echo(f"clean-articles: failed: {display(name)}: {printable(why)}", err=True)
    return EXIT_FAILED if failed or unwritten else EXIT_OK


def _columns(reader: Reader) -> tuple[str, ...]:
    """A Parquet input's columns, in order (the rows' passed-through fields)."""
    schema = getattr(reader, "schema", None)
    return tuple(schema.names) if schema is not None else ()


def _open_hits(stack: ExitStack, hits_path: Path | None, state: Resume | None) -> HitsOut | None:
    """The ``--hits`` file: new, or (resumed) cut back to its checkpoint and written on."""
    if hits_path is None:
        return None
    try:
        if state is not None:
            os.truncate(hits_path, state.hits)
        fh = stack.enter_context(open(hits_path, "a" if state is not None else "w", encoding="utf-8"))
    except OSError as exc:
        raise WriteError(hits_path, exc) from exc
    return HitsOut(fh, state.hits if state is not None else 0)


def _counts(counter) -> str:
    return ", ".join(f"{printable(name)} {n}" for name, n in sorted(counter.items(), key=lambda kv: (-kv[1], kv[0])))


def _summary(reader: Reader, report: StreamReport, failed: int, cleaner, elapsed: float) -> None:
    t = report.totals
    rate = t.docs / elapsed if elapsed > 0 else 0.0
    noun, bad, per = NOUNS[reader.kind]
    not_pages = reader.counts + report.skipped
    skipped = f", {sum(not_pages.values())} not HTML" if reader.kind == "warc" else ""
    resumed = f", resumed after {reader.name(report.resumed_at)}" if report.resumed_at else ""
    head = f"cleaned {t.docs} {noun}{skipped}, {failed} {bad}, in {elapsed:.1f}s ({rate:,.0f} {per}/s){resumed}"
    lines = t.summary(head, "chars", cleaner.by_code)
    extra = []
    if not_pages:
        extra.append(f"clean-articles: not HTML: {_counts(not_pages)}")
    other = getattr(reader, "other", None)
    if other:
        extra.append(f"clean-articles: other records: {_counts(other)}")
    lines[1:1] = extra
    for line in lines:
        click.echo(line, err=True)

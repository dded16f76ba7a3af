"""Parquet files: ``clean-articles in.parquet out.parquet`` (or ``out.jsonl``), in order, on every core.

Optional: ``pip install 'clean-articles[parquet]'`` (pyarrow).  The input is read in
batches of rows (:meth:`pyarrow.parquet.ParquetFile.iter_batches`, so memory does not grow
with the file); each batch is a task of :func:`cleaner.run.executor.ordered_map`.  Per row,
the text column is cleaned -- HTML or text by its content, or as ``input`` says, or the
page read from ``html_field`` -- exactly as :meth:`cleaner.pipeline.Cleaner.clean_doc`
cleans a JSONL record; every other column passes through unchanged and the fixed columns
of :mod:`cleaner.run.schema` are added.  Rows are numbered from 0, as pyarrow and pandas
index them; a row whose page is null or not a string is reported (``FILE#row N``), not
written, and the file goes on.

A Parquet OUT is written by :class:`pyarrow.parquet.ParquetWriter` to a temporary file
beside it, renamed when complete (:func:`cleaner.run.io.atomic_open`).  Any other OUT
gets JSON lines: each row an object of the same columns (dates and times as ISO strings).
"""
from __future__ import annotations

import datetime
import decimal
import sys
from contextlib import ExitStack, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

import pyarrow as pa
import pyarrow.parquet as pq

from cleaner.formats import to_markdown
from cleaner.pipeline import BadDocument, Cleaner
from cleaner.run import executor
from cleaner.run.io import atomic_open, is_parquet, remove_dead_temps
from cleaner.run.jsonl import StreamReport, write_chunk
from cleaner.run.schema import ADDED, TEXT_TYPE, added_values, collisions, output_schema
from cleaner.run.totals import Totals, dumps, hit_record
from cleaner.run.work import JSONL_CHUNK, one_line

ROWS_A_TASK = JSONL_CHUNK
# A row group is written when this many rows or bytes are buffered, whichever comes first:
# large enough for readers to skip and scan well, small enough to hold in memory.
ROW_GROUP_ROWS = 10_000
ROW_GROUP_BYTES = 64 << 20


class TableError(ValueError):
    """An input the Parquet batch cannot start on (not Parquet, no such column...)."""


def open_input(source: str, text_field: str = "text", html_field: str | None = None) -> pq.ParquetFile:
    """The Parquet file ``source``, checked before anything is written: it must be Parquet,
    hold the page column, and have no column of a name the clean adds."""
    try:
        pf = pq.ParquetFile(source)
    except (pa.ArrowException, OSError) as exc:
        raise TableError(f"{source} is not a readable Parquet file: {one_line(exc)}") from None
    names = pf.schema_arrow.names
    page = html_field or text_field
    if page not in names:
        pf.close()
        raise TableError(f"{source} has no column {page!r} (its columns: {', '.join(names)}); "
                         f"name it with {'--html-field' if html_field else '--text-field'}")
    taken = collisions(names)
    if taken:
        pf.close()
        raise TableError(f"{source} already has the column(s) {', '.join(taken)} that the clean adds "
                         f"({', '.join(ADDED.names)}); rename them first")
    return pf


def numbered_batches(pf: pq.ParquetFile, size: int) -> Iterator[tuple[int, pa.RecordBatch]]:
    """``(number of the first row, batch)`` for batches of at most ``size`` rows."""
    first = 0
    for batch in pf.iter_batches(batch_size=size):
        if batch.num_rows:
            yield first, batch
            first += batch.num_rows


@dataclass
class RowsResult:
    """What cleaning a batch of rows gives: the output batch (Parquet OUT) or lines
    (JSONL OUT), hit records, bad rows by number and the batch's totals."""

    batch: pa.RecordBatch | None = None
    lines: list[str] = field(default_factory=list)
    hits: list[str] = field(default_factory=list)
    bad: list[tuple[int, str]] = field(default_factory=list)
    totals: Totals = field(default_factory=Totals)


def rows_task(cleaner: Cleaner, chunk: tuple[int, pa.RecordBatch], text_field: str = "text",
              input: str = "auto", html_field: str | None = None, jsonl: bool = False,
              hits_source: str | None = None, output: str = "text") -> RowsResult:
    """Clean one numbered batch (see :func:`numbered_batches`); module-level so it pickles.
    With ``output="markdown"`` the text column holds the clean text as Markdown."""
    first, batch = chunk
    out = RowsResult()
    source = html_field or text_field
    ids = batch.column("id").to_pylist() if "id" in batch.schema.names else None
    kept, texts, added, results = [], [], [], []
    kind = "HTML" if html_field else "text"
    for i, page in enumerate(batch.column(source).to_pylist()):
        if not isinstance(page, str):
            why = "null" if page is None else f"not a string but {type(page).__name__}"
            out.bad.append((first + i, f"{kind} column {source!r} is {why}"))
            continue
        try:
            _, result = cleaner.clean_doc({source: page}, text_field, input=input, html_field=html_field)
        except BadDocument as exc:
            out.bad.append((first + i, str(exc)))
            continue
        except Exception as exc:  # one bad row never stops the file
            out.bad.append((first + i, one_line(exc)))
            continue
        kept.append(i)
        texts.append(to_markdown(result) if output == "markdown" else result.text)
        added.append(added_values(result))
        results.append(result)
    table = _cleaned_batch(batch, kept, texts, added, text_field)
    rows = table.to_pylist() if jsonl else None
    written = []
    for n, (i, result) in enumerate(zip(kept, results)):
        if rows is not None:
            try:
                out.lines.append(dumps(_jsonable(rows[n])) + "\n")
            except TypeError as exc:
                out.bad.append((first + i, f"not JSON: {exc}"))
                continue
        written.append(n)
        if hits_source is not None:
            out.hits.append(hit_record(f"{hits_source}#row {first + i}", None if ids is None else ids[i], result))
        out.totals.add(result, len(result.input_text), len(result.text))
    out.bad.sort()
    if not jsonl:
        out.batch = table
    return out


def _cleaned_batch(batch: pa.RecordBatch, kept: list[int], texts: list[str], added: list[dict],
                   text_field: str) -> pa.RecordBatch:
    schema = output_schema(batch.schema, text_field)
    rows = batch if len(kept) == batch.num_rows else batch.take(pa.array(kept, pa.int64()))
    arrays = []
    for f in schema:
        if f.name == text_field:
            arrays.append(pa.array(texts, TEXT_TYPE))
        elif f.name in ADDED.names:
            arrays.append(pa.array([a[f.name] for a in added], f.type))
        else:
            arrays.append(rows.column(f.name))
    return pa.RecordBatch.from_arrays(arrays, schema=schema)


def _jsonable(value):
    """A row's values as JSON carries them: dates and times as ISO strings, decimals as
    strings; anything else JSON cannot carry (bytes) stays and fails the row."""
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, (datetime.timedelta, decimal.Decimal)):
        return str(value)
    return value


class RowGroups:
    """Batches buffered into row groups of :data:`ROW_GROUP_ROWS` rows (or bytes) each:
    a row group a batch of 64 rows would make the file slow to read."""

    def __init__(self, writer: pq.ParquetWriter):
        self.writer = writer
        self.batches: list[pa.RecordBatch] = []
        self.rows = self.bytes = 0

    def add(self, batch: pa.RecordBatch) -> None:
        if not batch.num_rows:
            return
        self.batches.append(batch)
        self.rows += batch.num_rows
        self.bytes += batch.nbytes
        if self.rows >= ROW_GROUP_ROWS or self.bytes >= ROW_GROUP_BYTES:
            self.flush()

    def flush(self) -> None:
        if self.batches:
            self.writer.write_table(pa.Table.from_batches(self.batches), row_group_size=self.rows)
        self.batches, self.rows, self.bytes = [], 0, 0


def run_parquet(source: str, dest: str, cleaner: Cleaner, *, text_field: str = "text", jobs: int | None = 0,
                pool=None, on_bad=None, progress=None, hits=None, in_flight: int | None = None,
                input: str = "auto", html_field: str | None = None, chunk: int | None = None,
                output: str = "text") -> StreamReport:
    """Clean the Parquet file ``source`` into ``dest``: Parquet for a ``.parquet`` name,
    else JSON lines (``-``: stdout).

    Batches are cleaned on ``jobs`` processes (or on ``pool``) and written in order.
    ``on_bad(row, why)`` is called for each bad row as it is found; ``hits`` (a text file)
    receives each row's hits as a JSON line (source ``FILE#row N``).  Raises
    :class:`TableError` before writing anything when the input cannot be cleaned.
    """
    report = StreamReport()
    jsonl = not is_parquet(dest)
    with ExitStack() as stack:
        pf = open_input(source, text_field, html_field)
        stack.callback(pf.close)
        if dest != "-":
            remove_dead_temps(Path(dest).parent, Path(dest).name)  # a killed run's leftovers
        out = stack.enter_context(nullcontext(sys.stdout.buffer) if dest == "-" else atomic_open(Path(dest)))
        groups = None
        if not jsonl:
            writer = stack.enter_context(pq.ParquetWriter(out, output_schema(pf.schema_arrow, text_field)))
            groups = RowGroups(writer)
        for result in executor.ordered_map(rows_task, cleaner, numbered_batches(pf, chunk or ROWS_A_TASK),
                                           text_field, input, html_field, jsonl,
                                           None if hits is None else source, output, jobs=jobs, executor=pool,
                                           in_flight=in_flight):
            if groups is not None:
                groups.add(result.batch)
            write_chunk(out, result.lines if groups is None else (), hits, result.hits, dest)
            for row, why in result.bad:
                if on_bad:
                    on_bad(row, why)
            report.add(result)
            if progress:
                progress.update(result.totals.docs + len(result.bad))
        if groups is not None:
            groups.flush()
    return report

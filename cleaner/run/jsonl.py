"""JSONL streams: ``clean-articles in.jsonl out.jsonl`` and ``- -``, in order, on every core.

Each cleaned document (see :meth:`cleaner.pipeline.Cleaner.clean_doc`) is a copy of its input with the text replaced and ``metadata``
extended with what the clean learnt, every name prefixed ``article_`` so a crawl's own
``url``, ``date`` or ``language`` stays: ``article_language``, ``article_rule_hits`` (hits
per rule code), ``article_page_type``, ``article_removed_share``, ``article_title``,
``article_url`` (HTML) and -- when the metadata rules removed such lines --
``article_byline``, ``article_agency``, ``article_date`` (and ``article_time``).  Every
other field passes through unchanged.

JSONL is one such object a line.  A line that is not a JSON object with a string text
field is a *bad line*: it is reported with its line number, nothing is written for it,
and the stream goes on.
"""
from __future__ import annotations

import io
import os
import select
import sys
from contextlib import ExitStack, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

from xopen import xopen

from cleaner.run import executor
from cleaner.run.io import COMPRESSION, CheckedLines, ReadError, WriteError, atomic_output, compression_of
from cleaner.run.totals import Totals
from cleaner.run.work import JSONL_CHUNK, NO_BUDGET, Budget, ChunkResult, jsonl_recovery, jsonl_task

IDLE_FLUSH = 0.5  # seconds without input after which a pipe's partial chunk is cleaned


def numbered_chunks(stream: Iterable[bytes | None], size: int) -> Iterator[list[tuple[int, bytes]]]:
    """Lines of a binary stream, numbered from 1, in lists of ``size`` lines.

    A ``None`` in the stream (see :func:`pipe_lines`) means the input went quiet: the
    partial chunk is yielded, then an empty list, which tells :func:`cleaner.run.executor.ordered_map`
    to hand back everything in flight, so a slow producer's documents are not held back.
    """
    chunk: list[tuple[int, bytes]] = []
    lineno = 0
    for line in stream:
        if line is None:
            if chunk:
                yield chunk
                chunk = []
            yield []
            continue
        lineno += 1
        chunk.append((lineno, line))
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def pipe_lines(fd: int, idle: float = IDLE_FLUSH, block: int = 1 << 16,
               prefix: bytes = b"") -> Iterator[bytes | None]:
    """Lines read from the file descriptor ``fd`` (stdin), after the bytes ``prefix``
    already read from it, with ``None`` each time no byte came for ``idle`` seconds.
    POSIX only (``select`` on a pipe, a file or a tty)."""
    parts: list[bytes] = []
    quiet = False
    while True:
        if prefix:
            data, prefix = prefix, b""
        else:
            ready, _, _ = select.select([fd], [], [], idle)
            if not ready:
                if not quiet:  # one tick per quiet spell
                    quiet = True
                    yield None
                continue
            quiet = False
            data = os.read(fd, block)
        if not data:
            break
        start = 0
        while True:
            end = data.find(b"\n", start)
            if end < 0:
                if start < len(data):
                    parts.append(data[start:])
                break
            parts.append(data[start:end + 1])
            yield b"".join(parts)
            parts = []
            start = end + 1
    if parts:
        yield b"".join(parts)


def _stdin_lines(src) -> Iterable[bytes | None]:
    """stdin as :func:`pipe_lines` where it is a real file descriptor on POSIX, else as is."""
    try:
        fd = src.fileno()
    except (AttributeError, ValueError, io.UnsupportedOperation):
        return src
    if os.name != "posix":
        return src
    # What the buffered reader already holds (the command peeks at stdin to tell JSON
    # lines from one page) comes first; the rest is read from the descriptor.
    prefix = src.read(len(src.peek(1))) if hasattr(src, "peek") else b""
    return pipe_lines(fd, prefix=prefix)


COMPRESSED = tuple(COMPRESSION)


def is_compressed(path: str) -> bool:
    """Is the file named as compressed (gzip, bzip2, xz, zstd)?"""
    return compression_of(path) is not None


def is_jsonl(path: str, fmt: str) -> bool:
    """Whether the batch reads JSONL: ``--format jsonl``, ``-`` or a ``.jsonl`` name
    (compressed ones too: ``.jsonl.gz``, ``.jsonl.zst``, ...)."""
    if fmt != "auto":
        return fmt == "jsonl"
    name = str(path).lower()
    for suffix in COMPRESSED:
        if name.endswith(suffix):
            name = name[: -len(suffix)]
            break
    return path == "-" or name.endswith((".jsonl", ".ndjson"))


def open_source(path: str) -> CheckedLines:
    """A JSONL input file's lines, decompressed by its name through xopen (gzip, bzip2,
    xz, zstd), else as they are; damage is a :class:`ReadError` naming file and line.
    threads=0: decompressed in this process, so a damaged stream fails as it is read,
    not in a helper program whose complaint comes only when the file is closed."""
    fh = xopen(path, "rb", threads=0) if is_compressed(path) else open(path, "rb")
    return CheckedLines(fh, path)


# -- the JSONL batch -------------------------------------------------------------------

def write_chunk(out, lines, hits, hit_lines, dest: str) -> None:
    """A cleaned chunk's JSON lines to ``out`` (the file ``dest``), its hit records to
    ``hits`` (or None); flushed at once when ``dest`` is ``-`` (stdout), so the next step of a pipe sees each
    chunk as it is cleaned.  A failed write (a full disk) raises :class:`WriteError`."""
    try:
        if lines:
            out.write("".join(lines).encode("utf-8"))
        if dest == "-":
            out.flush()
    except BrokenPipeError:
        raise
    except OSError as exc:
        raise WriteError("stdout" if dest == "-" else dest, exc) from exc
    if hits is not None:
        try:
            hits.writelines(hit_lines)
        except OSError as exc:
            raise WriteError(getattr(hits, "name", "--hits"), exc) from exc


@dataclass
class StreamReport:
    """Totals of a JSONL run, and its number of bad lines."""

    totals: Totals = field(default_factory=Totals)
    bad: int = 0

    def add(self, chunk: ChunkResult) -> None:
        self.totals.merge(chunk.totals)
        self.bad += len(chunk.bad)


def run_jsonl(source: str, dest: str, cleaner, *, text_field: str = "text", jobs: int | None = 0,
              pool=None, on_bad=None, progress=None, chunk: int | None = None, hits=None,
              in_flight: int | None = None, input: str = "auto", html_field: str | None = None,
              output: str = "text", budget: Budget = NO_BUDGET) -> StreamReport:
    """Clean the JSONL file ``source`` (``-``: stdin) into ``dest`` (``-``: stdout).

    Lines are read, cleaned (on ``jobs`` processes, or on ``pool``) and written in
    order with a bounded number of chunks in flight, so memory does not grow with the
    stream.  ``input`` and ``html_field`` say which records are HTML (see
    :meth:`cleaner.pipeline.Cleaner.clean_doc`); with ``output="markdown"`` the text field
    holds the Markdown of the clean (:func:`cleaner.formats.to_markdown`).  ``hits`` (a text file) receives each document's hits as a JSON line.
    ``on_bad(lineno, why)`` is called for each bad line as it is found.  A file
    ``dest`` is written under a temporary name and renamed when complete, compressed
    when its name says so (``.jsonl.gz``, ``.bz2``, ``.xz``, ``.zst``).  A record over
    ``budget`` (its line's bytes, its cleaning time), or one whose worker process died, is
    a bad line and the stream goes on.
    """
    size = chunk or JSONL_CHUNK
    report = StreamReport()
    with ExitStack() as stack:
        src = sys.stdin.buffer if source == "-" else stack.enter_context(open_source(source))
        out = stack.enter_context(nullcontext(sys.stdout.buffer) if dest == "-" else atomic_output(Path(dest)))
        lines = _stdin_lines(src) if src is sys.stdin.buffer else src
        for result in executor.ordered_map(jsonl_task, cleaner, numbered_chunks(lines, size), text_field,
                                           None if hits is None else source, input, html_field, output, budget,
                                           jobs=jobs, executor=pool, in_flight=in_flight,
                                           recovery=jsonl_recovery(budget)):
            write_chunk(out, result.lines, hits, result.hits, dest)
            for lineno, why in result.bad:
                if on_bad:
                    on_bad(lineno, why)
            report.add(result)
            if progress:
                progress.update(result.totals.docs + len(result.bad))
        if src is not sys.stdin.buffer:
            src.close()  # before ``out`` is committed: a damaged input leaves the old output
    return report

"""Record readers: JSONL (plain or compressed, a file or stdin), WARC and Parquet.

A reader yields chunks of *items* ``(position, payload)`` for the runner
(:mod:`cleaner.run.stream`); the workers turn an item into a cleaned record
(:mod:`cleaner.run.records`).  The position is an item's place in its source, and the
key of everything said about it: a JSONL line number (from 1), a WARC record number
(from 1, among all records of the file) or a Parquet row (from 0, as pyarrow and pandas
count).  Ids stay optional.

Every reader can start after its first ``skip`` items (``--resume``): it reads past them
without handing them on (see :meth:`Reader.resume_skip`).  ``done_bytes()`` and ``total_bytes`` (None for a pipe) feed the
progress bar.
"""
from __future__ import annotations

import io
import os
import select
import sys
from collections import Counter
from dataclasses import dataclass
from typing import Any, BinaryIO, Iterable, Iterator

from xopen import xopen

from cleaner.run.extras import missing_extra
from cleaner.run.io import COMPRESSION, CheckedLines, compression_of, is_parquet

IDLE_FLUSH = 0.5  # seconds without input after which a pipe's partial chunk is cleaned
JSONL_CHUNK = 64  # JSONL lines or Parquet rows a task
WARC_CHUNK = 16   # WARC records a task: pages are larger than JSONL lines
WARC_SUFFIXES = (".warc", ".warc.gz")
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
TEXT_TYPES = frozenset({"text/plain"})
NO_TYPE = "no content type"
NOT_TEXT = "binary payload"
MAX_HTTP_HEADER = 1 << 20  # bytes of one record's HTTP header (fastwarc's default: 32 KiB)


class InputError(Exception):
    """The input cannot be read at all (not a WARC, not Parquet, no page column):
    nothing is written."""


# -- telling the formats apart --------------------------------------------------------

def is_compressed(path: str) -> bool:
    """Is the file named as compressed (gzip, bzip2, xz, zstd)?"""
    return compression_of(path) is not None


def is_jsonl(path: str, fmt: str) -> bool:
    """Whether the batch reads JSONL: ``--format jsonl``, ``-`` or a ``.jsonl`` name
    (compressed ones too: ``.jsonl.gz``, ``.jsonl.zst``, ...)."""
    if fmt != "auto":
        return fmt == "jsonl"
    name = str(path).lower()
    for suffix in COMPRESSION:
        if name.endswith(suffix):
            name = name[: -len(suffix)]
            break
    return path == "-" or name.endswith((".jsonl", ".ndjson"))


def is_warc(path: str, fmt: str) -> bool:
    """Whether the batch reads a WARC: ``--format warc``, or a ``.warc`` / ``.warc.gz`` name."""
    if fmt != "auto":
        return fmt == "warc"
    return str(path).lower().endswith(WARC_SUFFIXES)


def fastwarc_missing() -> str | None:
    """Why WARC input cannot run here (fastwarc not installed), or None."""
    try:
        import fastwarc.warc  # noqa: F401
    except ImportError:
        return missing_extra("WARC input", "fastwarc", "warc")
    return None


def pyarrow_missing() -> str | None:
    """Why Parquet cannot be read or written here (pyarrow not installed), or None."""
    try:
        import pyarrow.parquet  # noqa: F401
    except ImportError:
        return missing_extra("Parquet", "pyarrow", "parquet")
    return None


# -- JSONL ----------------------------------------------------------------------------

def numbered_chunks(stream: Iterable[bytes | None], size: int, skip: int = 0) -> Iterator[list[tuple[int, bytes]]]:
    """Lines of a binary stream, numbered from 1, in lists of ``size`` lines, after the
    first ``skip`` lines.

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
        if lineno <= skip:
            continue
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


class Reader:
    """What every reader has: its source's name, the bytes to read and read so far."""

    kind = ""           # how a worker reads an item (cleaner.run.records)
    chunk_size: int | None = None  # items a task; None: the format's own (read when the run starts)

    def size(self) -> int:
        return self.chunk_size or JSONL_CHUNK

    def __init__(self, source: str):
        self.source = source
        self.counts: Counter = Counter()  # items passed over here (WARC: other records)
        self._raw: BinaryIO | None = None
        self.total_bytes: int | None = None
        if source != "-":
            try:
                self.total_bytes = os.path.getsize(source)
            except OSError:
                self.total_bytes = None

    def done_bytes(self) -> int:
        """The bytes of the file read so far (compressed ones, for a compressed file)."""
        try:
            return self._raw.tell() if self._raw is not None else 0
        except (OSError, ValueError):
            return 0

    def _open_raw(self) -> BinaryIO:
        self._raw = open(self.source, "rb")
        return self._raw

    def name(self, position: int) -> str:
        raise NotImplementedError

    def resume_skip(self, position: int) -> int:
        """How many items to pass over to go on after the item at ``position`` (positions
        count from 1; Parquet rows from 0)."""
        return position

    def chunks(self, skip: int = 0) -> Iterator[list]:
        raise NotImplementedError

    def close(self) -> None:
        """Close the input; the runner does so after its last chunk, before the output is
        committed, and the context again (a second close does nothing)."""
        if self._raw is not None:
            self._raw.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class JsonlReader(Reader):
    """One JSON object a line, from a file (decompressed by its name through xopen) or
    stdin (a pipe's partial chunk is cleaned when it goes quiet)."""

    kind = "jsonl"
    _lines: CheckedLines | None = None

    def name(self, position: int) -> str:
        return f"{self.source}:{position}"

    def chunks(self, skip: int = 0) -> Iterator[list]:
        """A file's damage (truncated or corrupt compressed data, an I/O error) is a
        :class:`~cleaner.run.io.ReadError` naming it and the last line read whole.
        threads=0: decompressed in this process, so a damaged stream fails as it is
        read, not in a helper program whose complaint comes only when it is closed."""
        if self.source == "-":
            lines: Iterable[bytes | None] = _stdin_lines(sys.stdin.buffer)
        else:
            raw = self._open_raw()
            fh = xopen(raw, "rb", format=compression_of(self.source), threads=0) \
                if is_compressed(self.source) else raw
            lines = self._lines = CheckedLines(fh, self.source)
        yield from numbered_chunks(lines, self.size(), skip)

    def close(self) -> None:
        """Closing is part of reading (a decompressor may tell a truncated stream only
        then): a :class:`~cleaner.run.io.ReadError` here means the input is damaged."""
        lines, self._lines = self._lines, None
        try:
            if lines is not None:
                lines.close()
        finally:
            super().close()


# -- WARC -----------------------------------------------------------------------------

@dataclass(frozen=True)
class WarcRecord:
    """One response record as read: what HTTP said and the raw payload."""

    url: str | None
    date: str | None
    record_id: str | None
    status: int | None
    content_type: str | None
    charset: str | None
    transfer_encoding: str | None
    content_encoding: str | None
    body: bytes
    broken: str = ""            # why the record cannot be cleaned (truncated)


class PipeReader:
    """A pipe (stdin) as fastwarc can read it: fastwarc asks a Python stream where it
    is (``tell``), which a pipe cannot answer, so the position is counted here."""

    def __init__(self, stream: BinaryIO):
        self._stream = stream
        self._pos = 0

    def read(self, size: int = -1) -> bytes:
        data = self._stream.read(size)
        self._pos += len(data)
        return data

    def tell(self) -> int:
        return self._pos

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return False

    def close(self) -> None:
        """stdin stays open: it is not ours to close."""


class WarcReader(Reader):
    """The ``response`` records of a WARC (gzipped or not, a file or stdin) that hold a
    page; other records and content types are counted in ``counts``, not handed on.

    fastwarc reads the records here; the payloads go to the workers, where their HTTP
    codings are undone.  A stream that breaks off is noted in ``stream_error`` (the
    records before it stand); one that holds no record at all is an :class:`InputError`."""

    kind = "warc"

    def size(self) -> int:
        return self.chunk_size or WARC_CHUNK

    def __init__(self, source: str):
        super().__init__(source)
        self.records = 0
        self.stream_error: tuple[int, str] | None = None  # (record number, why) the file broke at
        self.other: Counter = Counter()  # records that are not responses, by WARC-Type

    def name(self, position: int) -> str:
        return f"{self.source}#record {position}"

    def chunks(self, skip: int = 0) -> Iterator[list]:
        stream = PipeReader(sys.stdin.buffer) if self.source == "-" else self._open_raw()
        items = ((n, rec) for n, rec in self._records(stream) if n > skip)
        chunk: list = []
        for item in items:
            chunk.append(item)
            if len(chunk) >= self.size():
                yield chunk
                chunk = []
        if chunk:
            yield chunk

    def _records(self, stream) -> Iterator[tuple[int, WarcRecord]]:
        from fastwarc.warc import ArchiveIterator, WarcRecordType

        # auto_decode="none": a corrupt gzip body would break fastwarc's iterator for the rest
        # of the file; undone per record in the worker instead (cleaner.run.http_payload).
        # parse_http=False: an HTTP header fastwarc cannot parse (too long, say) would end the
        # iterator; parsed per record below, it fails that record alone.
        records = iter(ArchiveIterator(stream, parse_http=False, auto_decode="none"))
        while True:
            try:
                rec = next(records)
            except StopIteration:
                break
            except Exception as exc:  # fastwarc's errors differ by version (OSError, StreamError)
                if not self.records:
                    raise InputError(f"not a WARC file: {' '.join(str(exc).split()) or type(exc).__name__}") from None
                self.stream_error = (self.records + 1, f"cannot read on: {exc}")
                break
            self.records += 1
            if rec.record_type != WarcRecordType.response:
                self.other[rec.headers.get("WARC-Type") or "no WARC-Type"] += 1
                continue
            try:
                rec.parse_http(auto_decode="none", max_header_len=MAX_HTTP_HEADER)
            except Exception as exc:  # noqa: BLE001 - fastwarc's errors differ by version
                yield self.records, _unreadable(rec, f"cannot read its HTTP header: {' '.join(str(exc).split())}")
                continue
            http = rec.http_headers
            ctype = (rec.http_content_type if http is not None else rec.headers.get("Content-Type")) or None
            ctype = ctype.strip().lower() if ctype else None
            if http is None or (ctype is not None and ctype not in HTML_TYPES | TEXT_TYPES):
                self.counts[ctype or NO_TYPE] += 1
                continue
            expected = rec.content_length
            body = rec.reader.read()
            status = http.status_code
            yield self.records, WarcRecord(
                url=rec.headers.get("WARC-Target-URI"), date=rec.headers.get("WARC-Date"),
                record_id=rec.headers.get("WARC-Record-ID"), status=int(status) if status is not None else None,
                content_type=ctype, charset=rec.http_charset, transfer_encoding=http.get("Transfer-Encoding"),
                content_encoding=http.get("Content-Encoding"), body=body,
                broken=f"truncated record: {len(body):,} of {expected:,} payload bytes" if len(body) < expected else "")
        if not self.records:
            raise InputError("not a WARC file: no record in it")


def _unreadable(rec, why: str) -> WarcRecord:
    """A response record that fails, named, without its payload."""
    return WarcRecord(url=rec.headers.get("WARC-Target-URI"), date=rec.headers.get("WARC-Date"),
                      record_id=rec.headers.get("WARC-Record-ID"), status=None, content_type=None, charset=None,
                      transfer_encoding=None, content_encoding=None, body=b"", broken=why)


# -- Parquet --------------------------------------------------------------------------

class ParquetReader(Reader):
    """The rows of a Parquet file, read in batches (memory does not grow with the file),
    each row a dict of its columns.  Opened at once: it must be Parquet, hold the page
    column, and have no column of a name the clean adds (:class:`InputError` otherwise)."""

    kind = "parquet"

    def __init__(self, source: str, page_column: str, flag: str, added: Iterable[str]):
        super().__init__(source)
        import pyarrow as pa
        import pyarrow.parquet as pq

        try:
            self.file = pq.ParquetFile(source)
        except (pa.ArrowException, OSError) as exc:
            raise InputError(f"{source} is not a readable Parquet file: {' '.join(str(exc).split())}") from None
        self.schema = self.file.schema_arrow
        names = self.schema.names
        if page_column not in names:
            self.file.close()
            raise InputError(f"{source} has no column {page_column!r} (its columns: {', '.join(names)}); "
                             f"name it with {flag}")
        added = list(added)
        taken = [c for c in names if c in set(added)]
        if taken:
            self.file.close()
            raise InputError(f"{source} already has the column(s) {', '.join(taken)} that the clean adds "
                             f"({', '.join(added)}); rename them first")
        self.rows = self.file.metadata.num_rows

    def name(self, position: int) -> str:
        return f"{self.source}#row {position}"

    def resume_skip(self, position: int) -> int:
        return position + 1

    def done_bytes(self) -> int:
        return self._done

    _done = 0

    def chunks(self, skip: int = 0) -> Iterator[list]:
        """Rows after the row ``skip - 1``: ``skip`` is the number of rows to pass over
        (rows count from 0, so a checkpoint's position ``N`` resumes with ``skip=N + 1``)."""
        first = 0
        row_bytes = (self.total_bytes or 0) / self.rows if self.rows else 0
        for batch in self.file.iter_batches(batch_size=self.size()):
            n = batch.num_rows
            if first + n <= skip:
                first += n
                continue
            rows = batch.to_pylist()
            start = max(0, skip - first)
            items: list[tuple[int, Any]] = [(first + i, rows[i]) for i in range(start, n)]
            first += n
            self._done = int(first * row_bytes)
            if items:
                yield items

    def close(self) -> None:
        self.file.close()


def open_reader(source: str, fmt: str, *, text_field: str = "text", html_field: str | None = None,
                added: Iterable[str] = ()) -> Reader:
    """The reader of ``source`` by ``--format`` or its name: WARC, Parquet or JSONL."""
    if is_warc(source, fmt):
        return WarcReader(source)
    if fmt == "auto" and is_parquet(source):
        return ParquetReader(source, html_field or text_field, "--html-field" if html_field else "--text-field",
                             added)
    return JsonlReader(source)

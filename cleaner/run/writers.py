"""Record writers: JSONL (a file, plain or compressed, or stdout) and Parquet.

A writer takes each chunk's cleaned records in input order (:mod:`cleaner.run.stream`),
in the shape it declares: JSON lines, or table rows.  A file OUT is written under a
temporary name beside it and renamed when complete (:func:`cleaner.run.io.atomic_open`),
so no partial output is ever left under its name.

A JSONL file can be cut back to a checkpoint and written on (``--resume``): ``offset()``
is its size after the last chunk.  A compressed one is written a chunk a member (gzip),
frame (zstd) or stream (bzip2, xz), each compressed on its own, so every checkpoint ends
one; readers (gzip, xopen, zcat) read the members as one stream.  The bytes depend only
on the records and their chunks, so a resumed run writes the file an uninterrupted run
writes.  Parquet is written by row groups and is not resumable: a file without its
footer cannot be read back.
"""
from __future__ import annotations

import bz2
import gzip
import lzma
import sys
from contextlib import ExitStack
from pathlib import Path
from typing import Any, Callable

from cleaner.run.io import WriteError, atomic_open, compression_of, remove_dead_temps
from cleaner.run.records import JSON, ROW

# A row group is written when this many rows or bytes are buffered, whichever comes first:
# large enough for readers to skip and scan well, small enough to hold in memory.
ROW_GROUP_ROWS = 10_000
ROW_GROUP_BYTES = 64 << 20


def _zstd(data: bytes) -> bytes:
    import zstandard  # xopen[zstd] installs it

    return zstandard.ZstdCompressor(level=3).compress(data)


# Each chunk compressed on its own, deterministically (gzip without a timestamp).
COMPRESSORS: dict[str, Callable[[bytes], bytes]] = {
    "gz": lambda data: gzip.compress(data, compresslevel=6, mtime=0),
    "bz2": lambda data: bz2.compress(data, 9),
    "xz": lambda data: lzma.compress(data),
    "zst": _zstd,
}


class Writer:
    """What every writer has: a destination, a shape, and a context that opens and
    completes it (``with writer:``); an error leaves no output under its name."""

    shape = JSON
    resumable = False

    def __init__(self, dest: str):
        self.dest = dest
        self._stack = ExitStack()

    def write(self, records: list) -> None:
        raise NotImplementedError

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self._stack.__exit__(*exc)


class JsonlWriter(Writer):
    """JSON lines to a file (compressed by its name) or to stdout (``-``, flushed a chunk
    at a time, so the next step of a pipe sees each chunk as it is cleaned)."""

    resumable = True

    def __init__(self, dest: str, *, resume: tuple[str, int] | None = None):
        super().__init__(dest)
        self.compress = COMPRESSORS.get(compression_of(dest) or "") if dest != "-" else None
        self._size = resume[1] if resume else 0
        self._resume = (Path(resume[0]), resume[1]) if resume else None
        self._out: Any = None

    def __enter__(self):
        if self.dest == "-":
            self._out = sys.stdout.buffer
            return self
        path = Path(self.dest)
        remove_dead_temps(path.parent, path.name, keep=self._resume[0] if self._resume else None)
        self._out = self._stack.enter_context(atomic_open(path, resume=self._resume))
        return self

    @property
    def temp(self) -> str | None:
        """The temporary file being written (None for stdout)."""
        return None if self.dest == "-" else self._out.name

    def write(self, records: list[str]) -> None:
        """A chunk's lines; a failed write (a full disk) raises :class:`WriteError`."""
        data = "".join(records).encode("utf-8")
        if self.compress is not None and data:
            data = self.compress(data)
        try:
            if data:
                self._out.write(data)
            if self.dest == "-":
                self._out.flush()
        except BrokenPipeError:
            raise
        except OSError as exc:
            raise WriteError("stdout" if self.dest == "-" else self.dest, exc) from exc
        self._size += len(data)

    def offset(self) -> int:
        """The file's size after the chunks written so far, flushed to the system (a
        killed process loses none of it)."""
        try:
            self._out.flush()
        except OSError as exc:
            raise WriteError(self.dest, exc) from exc
        return self._size


class ParquetWriter(Writer):
    """Table rows to a Parquet file of ``schema``, by row groups of
    :data:`ROW_GROUP_ROWS` rows (or :data:`ROW_GROUP_BYTES`): a row group a chunk of 64
    rows would make the file slow to read."""

    shape = ROW

    def __init__(self, dest: str, schema):
        super().__init__(dest)
        self.schema = schema
        self.rows: list[dict] = []
        self.bytes = 0

    def __enter__(self):
        import pyarrow.parquet as pq

        path = Path(self.dest)
        remove_dead_temps(path.parent, path.name)  # a killed run's leftovers
        out = self._stack.enter_context(atomic_open(path))
        self._writer = self._stack.enter_context(pq.ParquetWriter(out, self.schema))
        self._stack.callback(self._flush_on_success)
        return self

    def __exit__(self, *exc) -> None:
        self._failed = exc[0] is not None
        super().__exit__(*exc)

    _failed = False

    def _flush_on_success(self) -> None:
        if not self._failed:
            self.flush()

    def write(self, records: list[dict]) -> None:
        for row in records:
            self.rows.append(row)
            self.bytes += sum(len(v) for v in row.values() if isinstance(v, (str, bytes)))
        if len(self.rows) >= ROW_GROUP_ROWS or self.bytes >= ROW_GROUP_BYTES:
            self.flush()

    def flush(self) -> None:
        import pyarrow as pa

        if self.rows:
            table = pa.Table.from_pylist(self.rows, schema=self.schema)
            try:
                self._writer.write_table(table, row_group_size=len(self.rows))
            except OSError as exc:
                raise WriteError(self.dest, exc) from exc
        self.rows, self.bytes = [], 0


def table_schema(reader, text_field: str):
    """The Parquet schema of what ``reader``'s records become as rows: a Parquet input's
    own columns (see :func:`cleaner.run.schema.output_schema`), else
    :data:`cleaner.run.schema.RECORD` with the text; then the added columns."""
    import pyarrow as pa

    from cleaner.run.schema import ADDED, RECORD, TEXT_TYPE, output_schema

    if reader.kind == "parquet":
        return output_schema(reader.schema, text_field)
    return pa.schema([RECORD.field("id"), pa.field(text_field, TEXT_TYPE), RECORD.field("metadata"),
                      RECORD.field("fields"), *ADDED])

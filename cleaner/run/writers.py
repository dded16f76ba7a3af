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
writes.  Parquet is written by row groups; a file without its
footer cannot be read back, so it is written a chunk a part first (see
:class:`ParquetWriter`) and resumes by its parts.
"""
from __future__ import annotations

import bz2
import errno
import gzip
import lzma
import os
import shutil
import sys
from contextlib import ExitStack
from pathlib import Path
from typing import Any, Callable

from cleaner.run.io import WriteError, atomic_open, compression_of, lock_when_free, remove_dead_temps
from cleaner.run.records import JSON, ROW

# A row group is written when this many rows or bytes are buffered, whichever comes first:
# large enough for readers to skip and scan well, small enough to hold in memory.
ROW_GROUP_ROWS = 10_000
ROW_GROUP_BYTES = 64 << 20
LOCK = ".lock"  # in a Parquet OUT's parts folder: held by the run writing it


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

    def offset(self) -> int:
        """Where the output stands after the chunks written so far (a checkpoint's key)."""
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

    @staticmethod
    def can_resume(temp: str, size: int) -> bool:
        """Does a killed run's temporary file ``temp`` hold its first ``size`` bytes?"""
        try:
            return os.path.getsize(temp) >= size
        except OSError:
            return False

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
    rows would make the file slow to read.

    A Parquet file's footer comes at its end, so a killed one cannot be read back.  Each
    chunk is therefore written first as a *part* (a small uncompressed Parquet file) in the
    folder ``.NAME.parts`` beside OUT; ``offset()`` is the number of parts, a checkpoint's
    key.  When the run completes, the parts are read in order into the row groups of OUT
    (the same row groups however often the run was killed and resumed) and the folder goes.
    """

    shape = ROW
    resumable = True

    def __init__(self, dest: str, schema, *, resume: tuple[str, int] | None = None):
        super().__init__(dest)
        self.schema = schema
        self.parts = resume[1] if resume else 0
        self._resume = resume is not None
        self.folder = Path(dest).with_name(f".{Path(dest).name}.parts")
        self._failed = False
        self._interrupted = False

    @staticmethod
    def can_resume(temp: str, size: int) -> bool:
        """Does a killed run's parts folder ``temp`` hold its first ``size`` parts?"""
        return all((Path(temp) / _part_name(i)).is_file() for i in range(size))

    @property
    def temp(self) -> str:
        return str(self.folder)

    def __enter__(self):
        path = Path(self.dest)
        remove_dead_temps(path.parent, path.name)  # a killed run's leftovers
        try:
            self.folder.mkdir(exist_ok=True)
            lock = self._stack.enter_context(open(self.folder / LOCK, "a"))
            try:
                lock_when_free(lock)  # a killed run's workers may hold it a moment longer
            except BlockingIOError:
                raise OSError(errno.EBUSY, "another clean-articles run is writing it") from None
            for part in self.folder.iterdir():  # a killed run's parts past the checkpoint (or all)
                if part.name != LOCK and (not self._resume or not part.name.endswith(".parquet")
                                          or int(part.name.split(".")[0]) >= self.parts):
                    part.unlink()
        except (OSError, ValueError) as exc:
            raise WriteError(self.folder, exc if isinstance(exc, OSError) else OSError(str(exc))) from None
        self._stack.callback(self._finish)
        return self

    def __exit__(self, *exc) -> None:
        self._failed = exc[0] is not None
        self._interrupted = exc[0] is KeyboardInterrupt
        super().__exit__(*exc)

    def write(self, records: list[dict]) -> None:
        """One chunk's rows, as the next part."""
        import pyarrow as pa
        import pyarrow.parquet as pq

        if not records:
            return
        part = self.folder / _part_name(self.parts)
        tmp = part.with_name(part.name + ".tmp")
        try:
            pq.write_table(pa.Table.from_pylist(records, schema=self.schema), tmp, compression="none")
            os.replace(tmp, part)
        except OSError as exc:
            raise WriteError(self.dest, exc) from exc
        self.parts += 1

    def offset(self) -> int:
        return self.parts

    def _finish(self) -> None:
        """The parts into OUT's row groups (a completed run), or gone (a failed one); an
        interrupted run keeps them for ``--resume``."""
        if self._interrupted:
            return
        if not self._failed:
            self._combine()
        shutil.rmtree(self.folder, ignore_errors=True)

    def _combine(self) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        with atomic_open(Path(self.dest)) as out, pq.ParquetWriter(out, self.schema) as writer:
            tables: list = []
            rows = size = 0
            for i in range(self.parts):
                table = pq.read_table(self.folder / _part_name(i), schema=self.schema)
                tables.append(table)
                rows += table.num_rows
                size += table.nbytes
                if rows >= ROW_GROUP_ROWS or size >= ROW_GROUP_BYTES:
                    writer.write_table(pa.concat_tables(tables), row_group_size=rows)
                    tables, rows, size = [], 0, 0
            if tables:
                writer.write_table(pa.concat_tables(tables), row_group_size=rows)


def _part_name(i: int) -> str:
    return f"{i:08d}.parquet"


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

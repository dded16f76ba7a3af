"""WARC input: ``clean-articles crawl.warc.gz out.jsonl``, in order, on every core.

Each ``response`` record holding a page (HTML, or plain text) becomes one JSONL document
of the shape the JSONL path writes::

    {"id": WARC-Record-ID, "text": clean text,
     "metadata": {"url", "warc_date", "warc_record_id", "http_status", "content_type",
                  "charset", ...what the clean learnt (language, rule_hits, ...)}}

``url`` is WARC-Target-URI, ``warc_date`` the WARC-Date as written (the crawl time, not
the article's ``date``, which the clean may find), ``http_status`` an int, and
``content_type`` and ``charset`` what the HTTP Content-Type said (None when absent).
Records of other types (warcinfo, request, metadata, ...) and responses of other content
types (images, scripts) are counted, not written.

fastwarc (the ``warc`` extra) reads the records here; the payloads go to the workers in
chunks, where their HTTP codings are undone and they are cleaned.  A bad record is a
failure named by its number in the file and its URL, and the stream goes on.
"""
from __future__ import annotations

import sys
from collections import Counter
from contextlib import ExitStack, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, Iterator

from cleaner.formats import to_markdown
from cleaner.pipeline import Cleaner, result_metadata
from cleaner.run import executor
from cleaner.run.http_payload import PayloadError, decode_payload, undo_codings
from cleaner.run.io import atomic_output
from cleaner.run.jsonl import write_chunk
from cleaner.run.totals import Totals, dumps, hit_record
from cleaner.run.work import MAX_BYTES, clean_one
from cleaner.stages.decode import looks_like_html

WARC_SUFFIXES = (".warc", ".warc.gz")
WARC_CHUNK = 16  # records a task: pages are larger than JSONL lines
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
TEXT_TYPES = frozenset({"text/plain"})
NO_TYPE = "no content type"
NOT_TEXT = "binary payload"
INSTALL = "pip install 'clean-articles[warc]'"
MAX_HTTP_HEADER = 1 << 20  # bytes of one record's HTTP header (fastwarc's default: 32 KiB)


class WarcError(Exception):
    """The file cannot be read as a WARC at all (nothing is written)."""


def fastwarc_missing() -> str | None:
    """Why WARC input cannot run here (fastwarc not installed), or None."""
    try:
        import fastwarc.warc  # noqa: F401
    except ImportError:
        return f"WARC input needs fastwarc: {INSTALL}"
    return None


def is_warc(path: str, fmt: str) -> bool:
    """Whether the batch reads a WARC: ``--format warc``, or a ``.warc`` / ``.warc.gz`` name."""
    if fmt != "auto":
        return fmt == "warc"
    return str(path).lower().endswith(WARC_SUFFIXES)


@dataclass(frozen=True)
class Record:
    """One response record as read: where it came from, what HTTP said, the raw payload."""

    number: int                 # its place among all records of the file, from 1
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


@dataclass
class WarcReport:
    """What a WARC run counted: cleaned totals, failures, and the records not cleaned."""

    totals: Totals = field(default_factory=Totals)
    failed: int = 0
    not_html: Counter = field(default_factory=Counter)   # responses by content type
    other: Counter = field(default_factory=Counter)      # records by WARC-Type
    records: int = 0
    stream_error: tuple[int, str] | None = None          # (record number, why) the file broke at


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


def read_records(stream: BinaryIO, report: WarcReport) -> Iterator[Record]:
    """The response records of a WARC stream (gzipped or not) that hold a page.

    Other records and content types are counted in ``report``; a stream that breaks
    off is noted in ``report.stream_error`` (the records before it stand), and one that
    holds no record at all is a :class:`WarcError`."""
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
            if not report.records:
                raise WarcError(f"not a WARC file: {' '.join(str(exc).split()) or type(exc).__name__}") from None
            report.stream_error = (report.records + 1, f"cannot read on: {exc}")
            break
        report.records += 1
        if rec.record_type != WarcRecordType.response:
            report.other[rec.headers.get("WARC-Type") or "no WARC-Type"] += 1
            continue
        try:
            rec.parse_http(auto_decode="none", max_header_len=MAX_HTTP_HEADER)
        except Exception as exc:  # noqa: BLE001 - fastwarc's errors differ by version
            yield _unreadable(report.records, rec, f"cannot read its HTTP header: {' '.join(str(exc).split())}")
            continue
        http = rec.http_headers
        ctype = (rec.http_content_type if http is not None else rec.headers.get("Content-Type")) or None
        ctype = ctype.strip().lower() if ctype else None
        if http is None or (ctype is not None and ctype not in HTML_TYPES | TEXT_TYPES):
            report.not_html[ctype or NO_TYPE] += 1
            continue
        expected = rec.content_length
        body = rec.reader.read()
        status = http.status_code
        yield Record(
            number=report.records, url=rec.headers.get("WARC-Target-URI"), date=rec.headers.get("WARC-Date"),
            record_id=rec.headers.get("WARC-Record-ID"), status=int(status) if status is not None else None,
            content_type=ctype, charset=rec.http_charset, transfer_encoding=http.get("Transfer-Encoding"),
            content_encoding=http.get("Content-Encoding"), body=body,
            broken=f"truncated record: {len(body):,} of {expected:,} payload bytes" if len(body) < expected else "")
    if not report.records:
        raise WarcError("not a WARC file: no record in it")


def _unreadable(number: int, rec, why: str) -> Record:
    """A response record that fails, named, without its payload."""
    return Record(number=number, url=rec.headers.get("WARC-Target-URI"), date=rec.headers.get("WARC-Date"),
                  record_id=rec.headers.get("WARC-Record-ID"), status=None, content_type=None, charset=None,
                  transfer_encoding=None, content_encoding=None, body=b"", broken=why)


# -- the worker's side -----------------------------------------------------------------

@dataclass
class RecordsResult:
    """What cleaning a chunk of records gives: output lines, hit records, failures
    ``(number, url, why)``, records found not to be pages, and the chunk's totals."""

    lines: list[str] = field(default_factory=list)
    hits: list[str] = field(default_factory=list)
    failed: list[tuple[int, str | None, str]] = field(default_factory=list)
    not_html: Counter = field(default_factory=Counter)
    totals: Totals = field(default_factory=Totals)


def _is_html(record: Record, body: bytes, input: str) -> bool | None:
    """Which path the record takes (``--input`` forces it), None for an untyped payload
    that is not markup."""
    if input != "auto":
        return input == "html"
    if record.content_type in HTML_TYPES:
        return True
    if record.content_type in TEXT_TYPES:
        return False
    return True if looks_like_html(body) else None


def clean_records(cleaner: Cleaner, records: list[Record], hits_source: str | None = None,
                  input: str = "auto", text_field: str = "text", output: str = "text") -> RecordsResult:
    """Clean a chunk of records (module level, so it pickles for the pool).  With
    ``hits_source`` (the input's name), each document's ``--hits`` record too; with
    ``output="markdown"`` the text field holds the clean text as Markdown."""
    out = RecordsResult()
    for record in records:
        if record.broken:
            out.failed.append((record.number, record.url, record.broken))
            continue
        try:
            body = undo_codings(record.body, record.transfer_encoding, record.content_encoding, MAX_BYTES)
        except PayloadError as exc:
            out.failed.append((record.number, record.url, str(exc)))
            continue
        html = _is_html(record, body, input)
        if html is None:
            out.not_html[NO_TYPE] += 1
            continue
        result, why, not_text = clean_one(cleaner, decode_payload(body, record.charset), html)
        if not_text:
            out.not_html[NOT_TEXT] += 1
            continue
        if result is None:
            out.failed.append((record.number, record.url, why))
            continue
        meta = {"url": record.url, "warc_date": record.date, "warc_record_id": record.record_id,
                "http_status": record.status, "content_type": record.content_type, "charset": record.charset}
        text = to_markdown(result) if output == "markdown" else result.text
        out.lines.append(dumps({"id": record.record_id, text_field: text,
                                "metadata": {**meta, **result_metadata(result)}}) + "\n")
        if hits_source is not None:
            out.hits.append(hit_record(record_name(hits_source, record.number), record.record_id, result))
        out.totals.add(result, len(result.input_text), len(result.text))
    return out


def record_name(source: str, number: int) -> str:
    """How a record is named in messages and ``--hits``: ``FILE#record N``."""
    return f"{source}#record {number}"


# -- the batch ---------------------------------------------------------------------------

def run_warc(source: str, dest: str, cleaner: Cleaner, *, jobs: int | None = 0, pool=None, on_failed=None,
             progress=None, chunk: int | None = None, hits=None, in_flight: int | None = None,
             input: str = "auto", text_field: str = "text", output: str = "text") -> WarcReport:
    """Clean the WARC file ``source`` (``-``: stdin) into the JSONL file ``dest`` (``-``: stdout).

    Records are read here, cleaned on ``jobs`` processes (or on ``pool``) and written in
    order, with a bounded number of chunks in flight, so memory does not grow with the
    file.  ``on_failed(number, url, why)`` is called for each failed record as it is
    found.  ``dest`` is written atomically, compressed when its name says so; a file
    that is no WARC at all raises :class:`WarcError` and nothing is written.
    """
    report = WarcReport()
    with ExitStack() as stack:
        src = PipeReader(sys.stdin.buffer) if source == "-" else stack.enter_context(open(source, "rb"))
        out = stack.enter_context(nullcontext(sys.stdout.buffer) if dest == "-" else atomic_output(Path(dest)))
        chunks = executor.batched(read_records(src, report), chunk or WARC_CHUNK)
        for result in executor.ordered_map(clean_records, cleaner, chunks,
                                           None if hits is None else source, input, text_field, output,
                                           jobs=jobs, executor=pool, in_flight=in_flight):
            write_chunk(out, result.lines, hits, result.hits, dest)
            for number, url, why in result.failed:
                if on_failed:
                    on_failed(number, url, why)
            report.totals.merge(result.totals)
            report.failed += len(result.failed)
            report.not_html.update(result.not_html)
            if progress:
                progress.update(result.totals.docs + len(result.failed) + sum(result.not_html.values()))
        if report.stream_error:
            report.failed += 1
            if on_failed:
                on_failed(report.stream_error[0], None, report.stream_error[1])
    return report

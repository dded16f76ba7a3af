"""The worker's side of a record stream: an item read by a reader becomes a cleaned record.

:func:`clean_chunk` is the one task of every record format (module level, so it pickles
for the pool).  Per item it reads the page (a JSONL line's JSON, a WARC payload with its
HTTP codings undone, a Parquet row's page column), cleans it within the document's
budget (:class:`~cleaner.run.work.Budget`), and gives the record in the shape the writer
takes: a JSON line, or a table row (a dict of column values).  Either way the record
carries the fields of :func:`cleaner.pipeline.result_metadata`, of the same names and
types on every path.  A bad item is a failure named by its position, never an exception.

Record shapes, by input:

* JSONL: the input object, its text replaced, its ``metadata`` extended with the fields;
* WARC: ``{"id": WARC-Record-ID, TEXT: clean text, "metadata": {"url", "warc_date",
  "warc_record_id", "http_status", "content_type", "charset", ...the fields}}``;
* Parquet: the row, its text column replaced, the fields as columns after it.

As a table row (Parquet OUT), a JSONL or WARC record becomes ``id``, its ``metadata``
(without the added fields, which are columns) and its other ``fields`` as JSON text
(:data:`cleaner.run.schema.RECORD`), then the text and the added columns.
"""
from __future__ import annotations

import datetime
import decimal
import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Callable

from cleaner.formats import to_markdown
from cleaner.model import CleanResult
from cleaner.pipeline import ARTICLE_FIELDS, BadDocument, Cleaner, result_metadata
from cleaner.run.executor import Recovery
from cleaner.run.http_payload import PayloadError, decode_payload, undo_codings
from cleaner.run.readers import HTML_TYPES, NO_TYPE, NOT_TEXT, TEXT_TYPES, WarcRecord
from cleaner.run.totals import Totals, dumps, hit_record
from cleaner.run.work import NO_BUDGET, Budget, DocumentTimeout, one_line, time_limit
from cleaner.stages.decode import NotTextError, TooLarge, looks_like_html

JSON, ROW = "json", "row"  # the shapes a writer takes


@dataclass(frozen=True)
class Job:
    """What every chunk of a run is cleaned with (it pickles to the workers once a chunk)."""

    kind: str                       # the reader's: jsonl, warc, parquet
    shape: str = JSON               # the writer's: JSON (a line) or ROW (a table row)
    text_field: str = "text"
    input: str = "auto"             # --input: auto, html, text
    html_field: str | None = None
    output: str = "text"            # the text field holds the text or its Markdown
    budget: Budget = NO_BUDGET
    source: str | None = None       # the input's name for --hits (None: no hit records)
    results: bool = False           # hand back each CleanResult (--report, --diff, --explain, --marks)
    columns: tuple[str, ...] = ()   # Parquet input: its columns, in order


@dataclass
class ChunkResult:
    """What cleaning a chunk gives: records in order, hit records, failures by
    position, items found not to be pages (by why), totals, and the results when asked."""

    records: list = field(default_factory=list)
    hits: list[str] = field(default_factory=list)
    bad: list[tuple[int, str, str | None]] = field(default_factory=list)  # (position, why, URL)
    skipped: Counter = field(default_factory=Counter)
    totals: Totals = field(default_factory=Totals)
    results: list[tuple[int, CleanResult]] = field(default_factory=list)
    last: int = 0                   # the chunk's last position (a checkpoint's key)

    def merge(self, other: "ChunkResult") -> None:
        self.records += other.records
        self.hits += other.hits
        self.bad += other.bad
        self.skipped.update(other.skipped)
        self.totals.merge(other.totals)
        self.results += other.results
        self.last = max(self.last, other.last)


class NotAPage(Exception):
    """The item holds no page (a WARC payload that is not text): counted, not failed."""


def item_name(kind: str, source: str, position: int) -> str:
    """How an item is named in messages and ``--hits``: ``FILE:LINE``, ``FILE#record N``,
    ``FILE#row N``."""
    if kind == "jsonl":
        return f"{source}:{position}"
    return f"{source}#{'record' if kind == 'warc' else 'row'} {position}"


def url_of(payload) -> str | None:
    """The URL a failure is named with besides its position (a WARC record's)."""
    return payload.url if isinstance(payload, WarcRecord) else None


def clean_chunk(cleaner: Cleaner, items: list[tuple[int, Any]], job: Job) -> ChunkResult:
    """Clean one chunk of ``(position, payload)`` items (see the module docstring)."""
    out = ChunkResult(last=items[-1][0] if items else 0)
    read = _READ[job.kind]
    for position, payload in items:
        try:
            got = read(cleaner, payload, job)
        except NotAPage as exc:
            out.skipped[str(exc)] += 1
            continue
        except DocumentTimeout:
            out.bad.append((position, job.budget.over_time(), url_of(payload)))
            continue
        except BadDocument as exc:
            out.bad.append((position, str(exc), url_of(payload)))
            continue
        except Exception as exc:  # one bad record never stops the stream
            out.bad.append((position, one_line(exc), url_of(payload)))
            continue
        if got is None:  # a blank line
            continue
        record, result, doc_id = got
        try:
            out.records.append(_shaped(record, result, job))
        except (TypeError, ValueError) as exc:
            out.bad.append((position, f"not JSON: {exc}", None))
            continue
        if job.source is not None:
            out.hits.append(hit_record(item_name(job.kind, job.source, position), doc_id, result))
        if job.results:
            out.results.append((position, result))
        out.totals.add(result, len(result.input_text), len(result.text))
    return out


def recovery(budget: Budget) -> Recovery:
    """An item whose worker died (or overran its time) is a failure, by its position."""
    def lost(item, why: str) -> ChunkResult:
        return ChunkResult(bad=[(item[0], why, url_of(item[1]))], last=item[0])

    def merge(results: list[ChunkResult]) -> ChunkResult:
        out = ChunkResult()
        for r in results:
            out.merge(r)
        return out

    return Recovery(lost=lost, merge=merge, limit=budget.timeout)


# -- reading an item ------------------------------------------------------------------

def _text_of(result: CleanResult, job: Job) -> str:
    return to_markdown(result) if job.output == "markdown" else result.text


def _jsonl(cleaner: Cleaner, raw: bytes, job: Job):
    too_large = job.budget.too_large(len(raw))
    if too_large:
        raise BadDocument(too_large)
    try:
        line = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadDocument(f"not UTF-8: {exc}") from None
    if not line.strip():
        return None
    try:
        doc = json.loads(line)
    except json.JSONDecodeError as exc:
        raise BadDocument(f"invalid JSON: {exc}") from None
    with time_limit(job.budget.timeout):
        cleaned, result = cleaner.clean_doc(doc, job.text_field, input=job.input, html_field=job.html_field)
    cleaned[job.text_field] = _text_of(result, job)
    return cleaned, result, doc.get("id")


def _parquet(cleaner: Cleaner, row: dict, job: Job):
    source = job.html_field or job.text_field
    page = row.get(source)
    if not isinstance(page, str):
        why = "null" if page is None else f"not a string but {type(page).__name__}"
        raise BadDocument(f"{'HTML' if job.html_field else 'text'} column {source!r} is {why}")
    if job.budget.max_bytes:
        too_large = job.budget.too_large(len(page.encode("utf-8", "surrogatepass")))
        if too_large:
            raise BadDocument(too_large)
    with time_limit(job.budget.timeout):
        _, result = cleaner.clean_doc({source: page}, job.text_field, input=job.input, html_field=job.html_field)
    out = {}
    for name in job.columns:
        out[name] = _text_of(result, job) if name == job.text_field else row[name]
    if job.text_field not in out:
        out[job.text_field] = _text_of(result, job)
    meta = result_metadata(result)
    out.update((name, meta[name]) for name in ARTICLE_FIELDS)
    return out, result, row.get("id")


def _warc_is_html(record: WarcRecord, body: bytes, input: str) -> bool | None:
    """Which path the record takes (``--input`` forces it), None for an untyped payload
    that is not markup."""
    if input != "auto":
        return input == "html"
    if record.content_type in HTML_TYPES:
        return True
    if record.content_type in TEXT_TYPES:
        return False
    return True if looks_like_html(body) else None


def _warc(cleaner: Cleaner, record: WarcRecord, job: Job):
    if record.broken:
        raise BadDocument(record.broken)
    try:
        # Each content coding inflates no more than --max-bytes: a bomb costs a page's memory.
        body = undo_codings(record.body, record.transfer_encoding, record.content_encoding, job.budget.max_bytes)
    except PayloadError as exc:
        raise BadDocument(str(exc)) from None
    html = _warc_is_html(record, body, job.input)
    if html is None:
        raise NotAPage(NO_TYPE)
    page = decode_payload(body, record.charset)
    try:
        with time_limit(job.budget.timeout):
            result = cleaner.clean(job.budget.unwrap(page) if isinstance(page, bytes) else _fits(page, job),
                                   html=html)
    except TooLarge as exc:
        raise BadDocument(f"larger than --max-bytes {exc.limit}{exc.what}") from None
    except NotTextError:
        raise NotAPage(NOT_TEXT) from None
    meta = {"url": record.url, "warc_date": record.date, "warc_record_id": record.record_id,
            "http_status": record.status, "content_type": record.content_type, "charset": record.charset}
    doc = {"id": record.record_id, job.text_field: _text_of(result, job),
           "metadata": {**meta, **result_metadata(result)}}
    return doc, result, record.record_id


def _fits(page: str, job: Job) -> str:
    too_large = job.budget.too_large(len(page.encode("utf-8", "surrogatepass"))) if job.budget.max_bytes else ""
    if too_large:
        raise BadDocument(too_large)
    return page


_READ: dict[str, Callable[[Cleaner, Any, Job], tuple[dict, CleanResult, Any] | None]] = {
    "jsonl": _jsonl, "parquet": _parquet, "warc": _warc}


# -- the record's shape ---------------------------------------------------------------

def _shaped(record: dict, result: CleanResult, job: Job):
    """The record as the writer takes it: a JSON line or a table row."""
    if job.shape == JSON:
        return dumps(_jsonable(record) if job.kind == "parquet" else record) + "\n"
    if job.kind == "parquet":
        return record
    meta = dict(record.get("metadata") or {})
    added = result_metadata(result)
    for name in added:
        meta.pop(name, None)
    others = {k: v for k, v in record.items() if k not in ("id", job.text_field, "metadata")}
    doc_id = record.get("id")
    row = {"id": None if doc_id is None else str(doc_id), "metadata": dumps(meta), "fields": dumps(others),
           job.text_field: record[job.text_field]}
    row.update((name, added[name]) for name in ARTICLE_FIELDS)
    return row


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

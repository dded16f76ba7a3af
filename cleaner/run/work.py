"""The tasks the executor runs: one chunk of work each, module-level so they pickle.

Each takes the :class:`~cleaner.pipeline.Cleaner` (built once per worker process) and a
chunk: files read by the folder batch, numbered JSONL lines, or documents of
``clean_iter``.  A bad item becomes an error for that item, never an exception.
"""
from __future__ import annotations

import json
import signal
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator, Sequence

from cleaner.formats import to_markdown
from cleaner.pipeline import BadDocument, Cleaner, default_cleaner
from cleaner.run.executor import Recovery, batched, ordered_map
from cleaner.run.totals import Totals, dumps, hit_record
from cleaner.stages.decode import GZIP_MAGIC, NotTextError, TooLarge, gunzip

JSONL_CHUNK = 64      # lines a task
FILES_CHUNK = 16      # files a task
MAX_BYTES = 64 << 20  # --max-bytes: decoded input of one document
TIMEOUT = 120.0       # --timeout: seconds one document may take


@dataclass(frozen=True)
class Budget:
    """What one document may cost: ``max_bytes`` of input (decompressed) and ``timeout``
    seconds of cleaning; 0 is no limit.  Over either, the document is a failure named by
    the budget (``--max-bytes``, ``--timeout``), never a MemoryError or a stuck batch."""

    max_bytes: int = MAX_BYTES
    timeout: float = TIMEOUT

    def too_large(self, size: int) -> str:
        """The failure of a document of ``size`` bytes, or "" when it fits."""
        if self.max_bytes and size > self.max_bytes:
            return f"larger than --max-bytes {self.max_bytes} ({size} bytes)"
        return ""

    def unwrap(self, data: bytes) -> bytes:
        """``data`` within the budget, gunzipped here (never past the budget) when gzipped;
        :class:`TooLarge` when it does not fit."""
        if self.too_large(len(data)):
            raise TooLarge(self.max_bytes, f" ({len(data)} bytes)")
        if self.max_bytes and data.startswith(GZIP_MAGIC):
            data = gunzip(data, self.max_bytes)
            if data.startswith(GZIP_MAGIC):  # the pipeline unwraps once more: bound that too
                gunzip(data, self.max_bytes)
        return data

    def over_time(self) -> str:
        return f"took longer than --timeout {self.timeout:g}s"


NO_BUDGET = Budget(0, 0)


class DocumentTimeout(BaseException):
    """Raised into a document's cleaning when its time is up.  A BaseException, so no
    ``except Exception`` inside the pipeline takes it for the document's own error."""


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise :class:`DocumentTimeout` in the block after ``seconds`` (0: no limit).

    A real-time timer signal, so it works only in the main thread of a process (every
    worker, and the command with ``--jobs 1``); elsewhere the block runs unlimited, and a
    worker stuck in C code is stopped by the executor instead (``Recovery.limit``)."""
    if not seconds or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(signum, frame):
        raise DocumentTimeout()

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def one_line(exc: BaseException) -> str:
    """An exception as one line: ``OSError`` by its strerror, others by type and message."""
    if isinstance(exc, OSError) and exc.strerror:
        return f"cannot read: {exc.strerror}"
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def clean_one(cleaner: Cleaner, data: bytes, html: bool, budget: Budget = NO_BUDGET) -> tuple[Any, str, bool]:
    """``(CleanResult or None, error, skipped-as-not-text)`` of one input: a bad file gives
    its error as one line, never an exception, so the batch goes on; so does one over its
    ``budget``."""
    try:
        with time_limit(budget.timeout):
            return cleaner.clean(budget.unwrap(data), html=html), "", False
    except DocumentTimeout:
        return None, budget.over_time(), False
    except TooLarge as exc:
        return None, f"larger than --max-bytes {exc.limit}{exc.what}", False
    except NotTextError as exc:
        return None, str(exc), True
    except Exception as exc:  # one bad file never stops the batch
        return None, one_line(exc), False


def clean_payloads(cleaner: Cleaner, items: Sequence, budget: Budget = NO_BUDGET) -> list[tuple[Any, str, bool]]:
    """Clean ``(bytes, is_html)`` items read by the batch (None passes through)."""
    return [(None, "", False) if item is None else clean_one(cleaner, *item, budget) for item in items]


def files_recovery(budget: Budget) -> Recovery:
    """A file whose worker died is a failure of that file (:func:`clean_payloads`' results)."""
    return Recovery(lost=lambda item, why: [(None, why, False)],
                    merge=lambda results: [r for chunk in results for r in chunk], limit=budget.timeout)


@dataclass
class ChunkResult:
    """What cleaning a chunk of JSONL lines gives: output lines, hit records, bad lines
    and the chunk's totals."""

    lines: list[str] = field(default_factory=list)
    hits: list[str] = field(default_factory=list)
    bad: list[tuple[int, str]] = field(default_factory=list)
    totals: Totals = field(default_factory=Totals)


def clean_lines(cleaner: Cleaner, lines: Iterable[tuple[int, bytes | str]], text_field: str = "text",
                hits_source: str | None = None, input: str = "auto", html_field: str | None = None,
                output: str = "text", budget: Budget = NO_BUDGET) -> ChunkResult:
    """Clean numbered JSONL lines; blank lines are skipped, bad ones reported by number.

    With ``hits_source`` (the input's name), each document's hit record too
    (:func:`cleaner.run.totals.hit_record`, source ``NAME:LINE``), as ``--hits`` writes them."""
    out = ChunkResult()
    for lineno, raw in lines:
        try:
            too_large = budget.too_large(len(raw))
            if too_large:
                raise BadDocument(too_large)
            if isinstance(raw, bytes):
                raw = raw.decode("utf-8")
            if not raw.strip():
                continue
            try:
                doc = json.loads(raw)
            except json.JSONDecodeError as exc:
                raise BadDocument(f"invalid JSON: {exc}") from None
            with time_limit(budget.timeout):
                cleaned, result = cleaner.clean_doc(doc, text_field, input=input, html_field=html_field)
                if output == "markdown":
                    cleaned[text_field] = to_markdown(result)
        except DocumentTimeout:
            out.bad.append((lineno, budget.over_time()))
            continue
        except UnicodeDecodeError as exc:
            out.bad.append((lineno, f"not UTF-8: {exc}"))
            continue
        except BadDocument as exc:
            out.bad.append((lineno, str(exc)))
            continue
        except Exception as exc:  # one bad document never stops the stream
            out.bad.append((lineno, f"{type(exc).__name__}: {exc}"))
            continue
        out.lines.append(dumps(cleaned) + "\n")
        if hits_source is not None:
            out.hits.append(hit_record(f"{hits_source}:{lineno}", doc.get("id"), result))
        out.totals.add(result, len(result.input_text), len(result.text))
    return out




def jsonl_task(cleaner: Cleaner, lines, text_field: str = "text", hits_source: str | None = None,
               input: str = "auto", html_field: str | None = None, output: str = "text",
               budget: Budget = NO_BUDGET) -> ChunkResult:
    """Clean a chunk of numbered JSONL lines (see :func:`clean_lines`)."""
    return clean_lines(cleaner, lines, text_field, hits_source, input, html_field, output, budget)


def merge_chunks(results: list[ChunkResult]) -> ChunkResult:
    """One chunk's result from the results of its parts, in order."""
    out = ChunkResult()
    for r in results:
        out.lines += r.lines
        out.hits += r.hits
        out.bad += r.bad
        out.totals.merge(r.totals)
    return out


def jsonl_recovery(budget: Budget) -> Recovery:
    """A record whose worker died is a bad line, by its number."""
    return Recovery(lost=lambda item, why: ChunkResult(bad=[(item[0], why)]), merge=merge_chunks,
                    limit=budget.timeout)


def _docs_task(cleaner: Cleaner, docs: list[dict], text_field: str, input: str = "auto",
               html_field: str | None = None) -> list[dict]:
    return [cleaner.clean_doc(d, text_field, input=input, html_field=html_field)[0] for d in docs]


def clean_iter_parallel(docs: Iterable[dict], cleaner: Cleaner | None = None, *, jobs: int | None = 0,
                        text_field: str = "text", chunk: int = JSONL_CHUNK, input: str = "auto",
                        html_field: str | None = None) -> Iterator[dict]:
    """Like :meth:`Cleaner.clean_iter`, on every core; documents come back in order."""
    cleaner = cleaner or default_cleaner()
    for cleaned in ordered_map(_docs_task, cleaner, batched(docs, chunk), text_field, input, html_field,
                               jobs=jobs):
        yield from cleaned

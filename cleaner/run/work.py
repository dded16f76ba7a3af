"""The tasks the executor runs: one chunk of work each, module-level so they pickle.

Each takes the :class:`~cleaner.pipeline.Cleaner` (built once per worker process) and a
chunk: files read by the folder batch, or documents of ``clean_iter``; the record
formats' task is :func:`cleaner.run.records.clean_chunk`.  A bad item becomes an error for
that item, never an exception.  The budgets of one document live here, for every format.
"""
from __future__ import annotations

import signal
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Iterable, Iterator, Sequence

from cleaner.pipeline import Cleaner, default_cleaner
from cleaner.run.executor import Recovery, batched, ordered_map
from cleaner.run.readers import JSONL_CHUNK
from cleaner.stages.decode import GZIP_MAGIC, NotTextError, TooLarge, gunzip

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
    return [(None, "", False) if item is None else clean_one(cleaner, item[0], item[1], budget) for item in items]


def files_recovery(budget: Budget) -> Recovery:
    """A file whose worker died is a failure of that file (:func:`clean_payloads`' results)."""
    return Recovery(lost=lambda item, why: [(None, why, False)],
                    merge=lambda results: [r for chunk in results for r in chunk], limit=budget.timeout)


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

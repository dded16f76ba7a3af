"""All cores: documents spread over worker processes in order-preserving chunks.

Work is cut into chunks (a few dozen documents); at most ``in_flight`` chunks are queued
or running at any time, and results come back in input order, so the output of ``--jobs
N`` is byte-identical to ``--jobs 1`` and memory stays constant on an endless stream.
Each worker builds its :class:`~cleaner.pipeline.Cleaner` once (the pool initializer,
or the first chunk on a Dask worker) from a picklable :class:`CleanerSpec`.
"""
from __future__ import annotations

import os
import threading
import time
from collections import deque
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass
from itertools import chain
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Sequence, TypeVar

from cleaner.pipeline import Cleaner

T = TypeVar("T")
R = TypeVar("R")

JSONL_CHUNK = 64      # lines a task
FILES_CHUNK = 16      # files a task
IN_FLIGHT_PER_JOB = 3  # chunks queued or running per worker


@dataclass(frozen=True)
class CleanerSpec:
    """How to build a Cleaner: what the CLI's rule options say.  Picklable and hashable."""

    rule_dirs: tuple[str, ...] = ()
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    profile: str = "default"

    @classmethod
    def of(cls, rule_dirs: Iterable[Path | str] = (), select: Iterable[str] = (), ignore: Iterable[str] = (),
           profile: str = "default") -> "CleanerSpec":
        return cls(tuple(str(p) for p in rule_dirs), tuple(select), tuple(ignore), profile)

    def build(self) -> Cleaner:
        return Cleaner(self.rule_dirs, select=self.select, ignore=self.ignore, profile=self.profile)


_CLEANERS: dict[CleanerSpec, Cleaner] = {}


def init_worker(spec: CleanerSpec, parent: int) -> None:
    """Pool initializer: build the cleaner once, and end this worker if the batch dies.

    A killed batch (SIGKILL) cannot stop its pool; a worker that outlives it would hold its
    pipes open and sit idle forever, so it watches its parent and exits when it is gone.
    """
    cleaner_for(spec)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, daemon=True, name="parent-watch").start()


def cleaner_for(spec: CleanerSpec) -> Cleaner:
    """This process's cleaner for ``spec``, built on first use (the pool initializer)."""
    cleaner = _CLEANERS.get(spec)
    if cleaner is None:
        cleaner = _CLEANERS[spec] = spec.build()
    return cleaner


def register(spec: CleanerSpec, cleaner: Cleaner) -> None:
    """Use an already built cleaner for ``spec`` in this process (and in forked workers)."""
    _CLEANERS[spec] = cleaner


def cpu_count() -> int:
    """Cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def resolve_jobs(jobs: int | None) -> int:
    """``None`` or 0 means every core."""
    return cpu_count() if not jobs else max(1, jobs)


def ordered_map(fn: Callable[..., R], spec: CleanerSpec, chunks: Iterable[T], *args: Any, jobs: int | None = 0,
                executor: Executor | None = None, in_flight: int | None = None) -> Iterator[R]:
    """``fn(spec, chunk, *args)`` for each chunk, results in input order.

    With ``jobs == 1`` (and no ``executor``) everything runs in this process; so does the
    first chunk, so an input of one chunk never starts a pool.  An empty chunk is a flush
    (see :func:`cleaner.stream.numbered_chunks`).  Any
    :class:`concurrent.futures.Executor` can be given instead of the process pool (a
    Dask ``client.get_executor()``); ``fn`` must then build its cleaner with
    :func:`cleaner_for`.  At most ``in_flight`` chunks are submitted and not yet yielded.
    """
    jobs = resolve_jobs(jobs)
    in_flight = in_flight or max(2, IN_FLIGHT_PER_JOB * jobs)
    chunks = iter(chunks)
    if executor is not None:
        yield from _bounded(executor, fn, spec, chunks, args, in_flight)
        return
    if jobs == 1:
        for chunk in chunks:
            if chunk:
                yield fn(spec, chunk, *args)
        return
    # The first chunk is cleaned here and the pool starts with the second: a small input
    # never pays for a pool.
    first = True
    for chunk in chunks:
        if not chunk:
            continue
        if not first:
            break
        first = False
        yield fn(spec, chunk, *args)
    else:
        return
    head = [chunk]
    pool = ProcessPoolExecutor(jobs, initializer=init_worker, initargs=(spec, os.getpid()))
    try:
        yield from _bounded(pool, fn, spec, chain(head, chunks), args, in_flight)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _bounded(executor: Executor, fn, spec, chunks: Iterator, args: Sequence, in_flight: int) -> Iterator:
    """Submit chunks, yield results in order; an empty chunk means "flush": wait for and
    yield everything in flight (the input went quiet)."""
    pending: deque = deque()
    for chunk in chunks:
        if not chunk:
            while pending:
                yield pending.popleft().result()
            continue
        pending.append(executor.submit(fn, spec, chunk, *args))
        while pending and (len(pending) >= in_flight or pending[0].done()):
            yield pending.popleft().result()
    while pending:
        yield pending.popleft().result()


def batched(items: Iterable[T], size: int) -> Iterator[list[T]]:
    chunk: list[T] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


# -- the tasks: module-level functions, so they pickle ---------------------------------

def jsonl_task(spec: CleanerSpec, lines, text_field: str = "text", with_hits: bool = False):
    """Clean a chunk of numbered JSONL lines (see :func:`cleaner.stream.clean_lines`)."""
    from cleaner.stream import clean_lines

    return clean_lines(cleaner_for(spec), lines, text_field, with_hits)


def clean_payloads(spec: CleanerSpec, items: Sequence) -> list[tuple[Any, str, bool]]:
    """Clean ``(bytes, is_html)`` items read by the batch (None passes through):
    ``(CleanResult or None, error, skipped-as-not-text)`` for each."""
    from cleaner.batch import clean_one

    cleaner = cleaner_for(spec)
    return [(None, "", False) if item is None else clean_one(cleaner, *item) for item in items]


def clean_iter_parallel(docs: Iterable[dict], spec: CleanerSpec = CleanerSpec(), *, jobs: int | None = 0,
                        text_field: str = "text", chunk: int = JSONL_CHUNK) -> Iterator[dict]:
    """Like :meth:`Cleaner.clean_iter`, on every core; documents come back in order."""
    for cleaned in ordered_map(_docs_task, spec, batched(docs, chunk), text_field, jobs=jobs):
        yield from cleaned


def _docs_task(spec: CleanerSpec, docs: list[dict], text_field: str) -> list[dict]:
    from cleaner.stream import clean_doc

    cleaner = cleaner_for(spec)
    return [clean_doc(cleaner, d, text_field)[0] for d in docs]

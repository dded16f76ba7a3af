"""All cores: documents spread over worker processes in order-preserving chunks.

Work is cut into chunks (a few dozen documents); at most ``in_flight`` chunks are queued
or running at any time, and results come back in input order, so the output of ``--jobs
N`` is byte-identical to ``--jobs 1`` and memory stays constant on an endless stream.
The executor knows no front end: a task is any picklable ``fn(state, chunk, *args)``,
``state`` the same for every chunk (the folder batch, JSONL, ``clean_iter`` and Dask pass
their own task and a :class:`~cleaner.pipeline.Cleaner`, which pickles as its config and
is built once per worker process).
"""
from __future__ import annotations

import os
import threading
import time
from collections import deque
from concurrent.futures import Executor, ProcessPoolExecutor
from itertools import chain
from typing import Any, Callable, Iterable, Iterator, Sequence, TypeVar

T = TypeVar("T")
R = TypeVar("R")

IN_FLIGHT_PER_JOB = 3  # chunks queued or running per worker


def init_worker(cleaner, parent: int) -> None:
    """Pool initializer: build the cleaner once (unpickling it builds it), and end this
    worker if the batch dies.

    A killed batch (SIGKILL) cannot stop its pool; a worker that outlives it would hold its
    pipes open and sit idle forever, so it watches its parent and exits when it is gone.
    """
    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, daemon=True, name="parent-watch").start()


def cpu_count() -> int:
    """Cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def resolve_jobs(jobs: int | None) -> int:
    """``None`` or 0 means every core."""
    return cpu_count() if not jobs else max(1, jobs)


def ordered_map(fn: Callable[..., R], spec: Any, chunks: Iterable[T], *args: Any, jobs: int | None = 0,
                executor: Executor | None = None, in_flight: int | None = None) -> Iterator[R]:
    """``fn(spec, chunk, *args)`` for each chunk, results in input order (``spec``: the
    state every task shares, such as a Cleaner).

    With ``jobs == 1`` (and no ``executor``) everything runs in this process; so does the
    first chunk, so an input of one chunk never starts a pool.  An empty chunk is a flush
    (see :func:`cleaner.run.jsonl.numbered_chunks`).  Any
    :class:`concurrent.futures.Executor` can be given instead of the process pool (a
    Dask ``client.get_executor()``);  At most ``in_flight`` chunks are submitted and not yet yielded.
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

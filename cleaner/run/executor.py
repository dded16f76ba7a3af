"""All cores: documents spread over worker processes in order-preserving chunks.

Work is cut into chunks (a few dozen documents); at most ``in_flight`` chunks are queued
or running at any time, and results come back in input order, so the output of ``--jobs
N`` is byte-identical to ``--jobs 1`` and memory stays constant on an endless stream.
The executor knows no front end: a task is any picklable ``fn(state, chunk, *args)``,
``state`` the same for every chunk (the folder batch, JSONL, ``clean_iter`` and Dask pass
their own task and a :class:`~cleaner.pipeline.Cleaner`, which pickles as its config and
is built once per worker process).

A worker that dies (the OOM killer's SIGKILL) or overruns its time breaks the pool: with
a :class:`Recovery`, the pool is replaced and every chunk that was in flight is run
again one item at a time, alone, so an item that kills its worker a second time is
named, becomes its own result (``Recovery.lost``) and the stream goes on.
"""
from __future__ import annotations

import os
import signal
import threading
import time
from collections import deque
from concurrent.futures import Executor, ProcessPoolExecutor, TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Iterator, Sequence, TypeVar

T = TypeVar("T")
R = TypeVar("R")

IN_FLIGHT_PER_JOB = 3  # chunks queued or running per worker
# Seconds a worker may run past its items' time budget before it is stopped: the budget
# itself is kept inside the worker (cleaner.run.work); this catches one stuck in C code.
GRACE = 10.0


@dataclass(frozen=True)
class Recovery:
    """How a task's results are put back together when a worker dies: ``lost(item, why)``
    is the result of a chunk of that one item that could not be run, ``merge(results)``
    one result of a chunk's results, and ``limit`` the seconds one item may take (0: no
    limit), after which, and ``grace`` seconds more, its worker is stopped."""

    lost: Callable[[Any, str], Any]
    merge: Callable[[list], Any]
    limit: float = 0.0
    grace: float = GRACE


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
                executor: Executor | None = None, in_flight: int | None = None,
                recovery: Recovery | None = None) -> Iterator[R]:
    """``fn(spec, chunk, *args)`` for each chunk, results in input order (``spec``: the
    state every task shares, such as a Cleaner).

    With ``jobs == 1`` (and no ``executor``) everything runs in this process.  Otherwise
    every chunk runs in a worker, the first too, so no document can stop or outlast the
    command itself (its worker is recovered like any).  An empty chunk is a flush
    (see :func:`cleaner.run.readers.numbered_chunks`).  Any
    :class:`concurrent.futures.Executor` can be given instead of the process pool (a
    Dask ``client.get_executor()``);  At most ``in_flight`` chunks are submitted and not yet yielded.
    With ``recovery``, a dead worker of the process pool costs only the item that killed
    it (see the module docstring).
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
    if recovery is not None:
        pool = _Pool(jobs, spec)
        try:
            yield from _recovering(pool, fn, spec, chunks, args, in_flight, recovery)
        finally:
            pool.close()
        return
    executor = ProcessPoolExecutor(jobs, initializer=init_worker, initargs=(spec, os.getpid()))
    try:
        yield from _bounded(executor, fn, spec, chunks, args, in_flight)
    finally:
        executor.shutdown(wait=True, cancel_futures=True)


class _Pool:
    """A process pool that can be replaced when a worker dies or hangs."""

    def __init__(self, jobs: int, spec: Any):
        self.jobs, self.spec = jobs, spec
        self.executor = self._new()

    def _new(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(self.jobs, initializer=init_worker, initargs=(self.spec, os.getpid()))

    def submit(self, fn, *args):
        return self.executor.submit(fn, *args)

    def death(self) -> str:
        """How the pool's worker died, from the exit codes of its processes: the pool
        ends the others itself (SIGTERM), so another signal or status is the cause."""
        procs = list(self.executor._processes.values())
        for proc in procs:  # the dead one may not be reaped yet
            if proc.exitcode is None:
                proc.join(timeout=1.0)
        codes = [p.exitcode for p in procs if p.exitcode]
        cause = next((c for c in codes if c != -signal.SIGTERM), codes[0] if codes else None)
        if cause is None:
            return "worker died"
        if cause < 0:
            return f"worker died (killed by signal {-cause})"
        return f"worker died (exit status {cause})"

    def replace(self) -> None:
        """End every worker (a hung one too) and start a fresh pool."""
        self.close()
        self.executor = self._new()

    def close(self) -> None:
        for proc in list(self.executor._processes.values()):
            if proc.exitcode is None:
                proc.kill()
        self.executor.shutdown(wait=True, cancel_futures=True)


def _recovering(pool: _Pool, fn, spec, chunks: Iterator, args: Sequence, in_flight: int,
                recovery: Recovery) -> Iterator:
    """:func:`_bounded` on a pool whose workers may die: when one does, or the head chunk
    overruns its time, the chunks in flight are run again item by item, alone, in a fresh
    pool; an item that breaks that pool too is ``recovery.lost``."""
    pending: deque = deque()  # (chunk, future)

    def budget(n: int) -> float | None:
        return n * recovery.limit + recovery.grace if recovery.limit else None

    def head() -> Iterator:
        chunk, future = pending.popleft()
        try:
            # FIFO: the head is running (or done) by now, so its budget is counted from here.
            yield future.result(timeout=budget(len(chunk)))
            return
        except (BrokenProcessPool, FutureTimeout):
            pass
        again = [chunk] + [c for c, _ in pending]
        pending.clear()
        pool.replace()
        for lost in again:
            yield recovery.merge([alone(item) for item in lost])

    def alone(item):
        future = pool.submit(fn, spec, [item], *args)
        try:
            return future.result(timeout=budget(1))
        except BrokenProcessPool:
            why = pool.death()
        except FutureTimeout:
            why = f"took longer than {recovery.limit:g}s (its worker was stopped)"
        pool.replace()
        return recovery.lost(item, why)

    for chunk in chunks:
        if not chunk:
            while pending:
                yield from head()
            continue
        pending.append((chunk, pool.submit(fn, spec, chunk, *args)))
        while pending and (len(pending) >= in_flight or pending[0][1].done()):
            yield from head()
    while pending:
        yield from head()


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

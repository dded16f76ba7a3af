"""The one runner of every record format: any reader (:mod:`cleaner.run.readers`) into any
writer (:mod:`cleaner.run.writers`), in order, on every core.

It owns what every format needs alike: the executor and its chunks (all of them run in
worker processes; with ``jobs=1`` in this one), the per-document budgets and the
recovery from a dead worker (:func:`cleaner.run.records.recovery`), the ``--hits``
records, the results for review (``on_result``), the progress, the report the summary
is made of, and the checkpoint journal of ``--resume``.

The checkpoint journal (:class:`Checkpoint`) sits beside OUT (``.NAME.checkpoint``).
After each chunk is written it gets one line: the last input position, the output's
size, the ``--hits`` file's size and the report so far.  A killed run re-run with
``--resume`` cuts OUT's temporary file and the hits back to the last line, reads past
the positions it holds, and writes on, so its outputs are byte-identical to an
uninterrupted run's.  The journal's first line says what it is a checkpoint of (the
input, its size and time, the rules and the options): another input or other rules
start again from the top.
"""
from __future__ import annotations

import json
import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, TextIO

from cleaner.model import CleanResult
from cleaner.run import executor
from cleaner.run.io import WriteError
from cleaner.run.readers import Reader
from cleaner.run.records import ChunkResult, Job, clean_chunk, item_name, recovery
from cleaner.run.totals import Totals
from cleaner.run.writers import Writer

CHECKPOINT_FORMAT = 1


@dataclass
class StreamReport:
    """What a run counted: cleaned totals, failures, and the items that were no pages
    (by why); ``resumed_at`` is the position a resumed run started after."""

    totals: Totals = field(default_factory=Totals)
    bad: int = 0
    skipped: Counter = field(default_factory=Counter)
    resumed_at: int = 0

    def add(self, chunk: ChunkResult) -> None:
        self.totals.merge(chunk.totals)
        self.bad += len(chunk.bad)
        self.skipped.update(chunk.skipped)

    def to_json(self) -> dict:
        t = self.totals
        return {"docs": t.docs, "size_in": t.size_in, "size_out": t.size_out, "blocks_removed": t.blocks_removed,
                "per_rule": dict(t.per_rule), "bad": self.bad, "skipped": dict(self.skipped)}

    @classmethod
    def from_json(cls, data: dict, resumed_at: int) -> "StreamReport":
        totals = Totals(data["docs"], data["size_in"], data["size_out"], data["blocks_removed"],
                        Counter(data["per_rule"]))
        return cls(totals, data["bad"], Counter(data["skipped"]), resumed_at)


@dataclass
class Resume:
    """Where a killed run's checkpoint says to go on from."""

    position: int
    temp: str
    output: int
    hits: int
    report: StreamReport


class Checkpoint:
    """The checkpoint journal of one output (see the module docstring)."""

    def __init__(self, dest: Path, key: dict):
        self.path = dest.with_name(f".{dest.name}.checkpoint")
        self.key = key
        self._fh: TextIO | None = None

    def load(self, hits_path: Path | None, can_resume: Callable[[str, int], bool]) -> tuple[Resume | None, str]:
        """The last checkpoint of a run of the same key, or None and why not
        (``can_resume(temp, output)``: does the killed run's output hold what it says)."""
        try:
            lines = self.path.read_bytes().splitlines()
        except FileNotFoundError:
            return None, ""
        except OSError as exc:
            return None, f"cannot read {self.path.name}: {exc.strerror or exc}"
        try:
            head = json.loads(lines[0])
        except (ValueError, IndexError):
            return None, f"{self.path.name} is not a checkpoint"
        if head.get("format") != CHECKPOINT_FORMAT or head.get("key") != self.key:
            return None, "the input, the rules or the options changed since the killed run"
        last = None
        for line in lines[1:]:
            try:
                last = json.loads(line)
            except ValueError:
                break  # torn by the kill
        if last is None:
            return None, "the killed run wrote no chunk"
        temp = Path(head["temp"])
        if not temp.exists():
            return None, f"the killed run's output {temp.name} is gone"
        if not can_resume(str(temp), last["output"]):
            return None, f"the killed run's output {temp.name} holds less than its checkpoint"
        if hits_path is not None:
            try:
                if hits_path.stat().st_size < last["hits"]:
                    return None, f"{hits_path.name} is shorter than its checkpoint"
            except OSError:
                return None, f"{hits_path.name} is gone"
        return Resume(last["position"], str(temp), last["output"], last["hits"],
                      StreamReport.from_json(last["report"], last["position"])), ""

    def start(self, temp: str, resume: Resume | None) -> None:
        """Begin the journal of a run writing ``temp`` (a resumed one keeps its lines)."""
        if resume is None:
            self._fh = open(self.path, "w", encoding="utf-8")
            self._fh.write(json.dumps({"format": CHECKPOINT_FORMAT, "key": self.key,
                                       "temp": os.path.abspath(temp)}) + "\n")
        else:
            self._fh = open(self.path, "a", encoding="utf-8")
            self._fh.write("\n")  # a line torn by the kill ends here (and is passed over)
        self._fh.flush()

    def save(self, position: int, output: int, hits: int, report: StreamReport) -> None:
        """One checkpoint, after its chunk's output is flushed: a kill loses no line of it."""
        if self._fh is None:
            return
        self._fh.write(json.dumps({"position": position, "output": output, "hits": hits,
                                   "report": report.to_json()}) + "\n")
        self._fh.flush()

    def close(self, keep: bool) -> None:
        """End the journal; it is removed unless ``keep`` (an interrupted run, whose
        output's temporary file stays for ``--resume``): a complete run's output is in
        place, a failed one's is gone."""
        if self._fh is not None:
            self._fh.close()
            self._fh = None
        if not keep:
            remove_checkpoint(self.path)


def remove_checkpoint(path: Path) -> None:
    try:
        path.unlink()
    except OSError:
        pass


class HitsOut:
    """The ``--hits`` file, its size counted so a checkpoint can name it."""

    def __init__(self, fh: TextIO, size: int = 0):
        self.fh, self.size = fh, size

    def write(self, lines: list[str]) -> None:
        try:
            self.fh.writelines(lines)
        except OSError as exc:
            raise WriteError(getattr(self.fh, "name", "--hits"), exc) from exc
        self.size += sum(len(line.encode("utf-8")) for line in lines)

    def offset(self) -> int:
        try:
            self.fh.flush()
        except OSError as exc:
            raise WriteError(getattr(self.fh, "name", "--hits"), exc) from exc
        return self.size


def run_stream(reader: Reader, writer: Writer, cleaner, job: Job, *, jobs: int | None = 0, pool=None,
               in_flight: int | None = None, hits: HitsOut | None = None,
               on_bad: Callable[[str, str], None] | None = None,
               on_result: Callable[[str, CleanResult], None] | None = None, progress=None,
               checkpoint: Checkpoint | None = None, resume: Resume | None = None,
               chunk: int | None = None) -> StreamReport:
    """Clean every item of ``reader`` into ``writer`` (opened already), in order.

    ``on_bad(name, why)`` is called for each failed item as it is found (its name as
    :func:`cleaner.run.records.item_name` gives it), ``on_result(name, result)`` for each
    cleaned one when ``job.results``.  With ``resume``, the items up to its position are
    read past and the report goes on from its counts.
    """
    report = resume.report if resume else StreamReport()
    if chunk:
        reader.chunk_size = chunk
    recover = recovery(job.budget) if pool is None else None
    chunks = reader.chunks(reader.resume_skip(resume.position) if resume else 0)
    for result in executor.ordered_map(clean_chunk, cleaner, chunks, job, jobs=jobs, executor=pool,
                                       in_flight=in_flight, recovery=recover):
        writer.write(result.records)
        if hits is not None:
            hits.write(result.hits)
        for position, why, url in result.bad:
            if on_bad:
                name = item_name(reader.kind, reader.source, position)
                on_bad(f"{name} ({url})" if url else name, why)
        if on_result is not None:
            for position, r in result.results:
                on_result(item_name(reader.kind, reader.source, position), r)
        report.add(result)
        if checkpoint is not None:
            checkpoint.save(result.last, writer.offset(), hits.offset() if hits is not None else 0, report)
        if progress:
            progress.update(result.totals.docs + len(result.bad) + sum(result.skipped.values()),
                            reader.done_bytes())
    reader.close()  # before the writer commits: a damaged input (ReadError) leaves the old output
    return report


def run_files(source: str, dest: str, cleaner, *, fmt: str = "auto", jobs: int | None = 0,
              text_field: str = "text", input: str = "auto", html_field: str | None = None,
              budget=None) -> StreamReport:
    """Clean the record file ``source`` into ``dest`` (by their names, as the command
    does, without its checkpoint, hits or review): the runner for Python callers."""
    from cleaner.pipeline import ARTICLE_FIELDS
    from cleaner.run.io import is_parquet
    from cleaner.run.readers import open_reader
    from cleaner.run.work import NO_BUDGET
    from cleaner.run.writers import JsonlWriter, ParquetWriter, table_schema

    with open_reader(source, fmt, text_field=text_field, html_field=html_field, added=ARTICLE_FIELDS) as reader:
        writer = ParquetWriter(dest, table_schema(reader, text_field)) if is_parquet(dest) else JsonlWriter(dest)
        schema = getattr(reader, "schema", None)
        job = Job(reader.kind, writer.shape, text_field, input, html_field, "text", budget or NO_BUDGET,
                  columns=tuple(schema.names) if schema is not None else ())
        with writer:
            return run_stream(reader, writer, cleaner, job, jobs=jobs)

"""Documents as a stream: ``{id, text, metadata}`` dicts in, cleaned dicts out, and JSONL.

The cleaner as a stage of someone else's pipeline (datatrove-style generator steps)::

    for doc in Cleaner().clean_iter(docs):   # docs: dicts with "text" (and "id", "metadata")
        ...

Each cleaned document is a copy of its input with the text replaced and ``metadata``
extended with what the clean learnt: ``language``, ``rule_hits`` (hits per rule code),
``removed_share``, and -- when the metadata rules removed such lines -- ``byline``,
``agency``, ``date`` (and ``time``).  Every other field passes through unchanged.

JSONL is one such object a line.  A line that is not a JSON object with a string text
field is a *bad line*: it is reported with its line number, nothing is written for it,
and the stream goes on.
"""
from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Iterable, Iterator

from cleaner.model import DROP

if TYPE_CHECKING:
    from cleaner.model import CleanResult
    from cleaner.pipeline import Cleaner

def result_metadata(result: CleanResult) -> dict:
    """What a clean adds to a document's metadata."""
    meta = {"language": result.language,
            "rule_hits": dict(sorted(Counter(h.code for h in result.hits).items()))}
    meta.update(result.metadata)  # removed_share, and the fields the metadata stage read
    return meta


class BadDocument(ValueError):
    """A document (or JSONL line) the cleaner cannot take; the message says why."""


def clean_doc(cleaner: Cleaner, doc: dict, text_field: str = "text") -> tuple[dict, CleanResult]:
    """Clean one ``{id, text, metadata}`` dict: a new dict, the input is left as it was."""
    if not isinstance(doc, dict):
        raise BadDocument(f"not a JSON object but {type(doc).__name__}")
    text = doc.get(text_field)
    if not isinstance(text, str):
        why = "missing" if text_field not in doc else f"not a string but {type(text).__name__}"
        raise BadDocument(f"text field {text_field!r} {why}")
    metadata = doc.get("metadata")
    if metadata is None:
        metadata = {}
    elif not isinstance(metadata, dict):
        raise BadDocument(f"metadata is not an object but {type(metadata).__name__}")
    result = cleaner.clean(text)
    out = dict(doc)
    out[text_field] = result.text
    out["metadata"] = {**metadata, **result_metadata(result)}
    return out, result


def clean_iter(cleaner: Cleaner, docs: Iterable[dict], text_field: str = "text") -> Iterator[dict]:
    """Generator step: clean each document as it comes (one at a time, constant memory).

    A document without a string text field raises :class:`BadDocument`."""
    for doc in docs:
        yield clean_doc(cleaner, doc, text_field)[0]


# -- JSONL -----------------------------------------------------------------------------

def dumps(doc: dict) -> str:
    """One output line (without the newline): the same bytes in every process.

    >>> dumps({"id": "a", "text": "Café"})
    '{"id": "a", "text": "Café"}'
    """
    return json.dumps(doc, ensure_ascii=False, separators=(", ", ": "))


@dataclass
class ChunkResult:
    """What cleaning a chunk of JSONL lines gives: output lines, bad lines and counts."""

    lines: list[str] = field(default_factory=list)
    hits: list[str] = field(default_factory=list)
    bad: list[tuple[int, str]] = field(default_factory=list)
    docs: int = 0
    chars_in: int = 0
    chars_out: int = 0
    blocks_removed: int = 0
    per_rule: Counter = field(default_factory=Counter)


def clean_lines(cleaner: Cleaner, lines: Iterable[tuple[int, bytes | str]], text_field: str = "text",
                with_hits: bool = False) -> ChunkResult:
    """Clean numbered JSONL lines; blank lines are skipped, bad ones reported by number.

    With ``with_hits``, each document's hits as a JSON line too (``line``, ``id``,
    ``language``, ``hits``), as ``--hits`` writes them."""
    out = ChunkResult()
    for lineno, raw in lines:
        try:
            if isinstance(raw, bytes):
                raw = raw.decode("utf-8")
            if not raw.strip():
                continue
            try:
                doc = json.loads(raw)
            except json.JSONDecodeError as exc:
                raise BadDocument(f"invalid JSON: {exc}") from None
            cleaned, result = clean_doc(cleaner, doc, text_field)
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
        if with_hits:
            out.hits.append(json.dumps({"line": lineno, "id": doc.get("id"), "language": result.language,
                                        "hits": [h.to_dict() for h in result.hits]}, ensure_ascii=False) + "\n")
        out.docs += 1
        out.chars_in += len(result.input_text)
        out.chars_out += len(result.text)
        for h in result.hits:
            out.per_rule[h.code] += 1
            out.blocks_removed += h.action == DROP
    return out


IDLE_FLUSH = 0.5  # seconds without input after which a pipe's partial chunk is cleaned


def numbered_chunks(stream: Iterable[bytes | None], size: int) -> Iterator[list[tuple[int, bytes]]]:
    """Lines of a binary stream, numbered from 1, in lists of ``size`` lines.

    A ``None`` in the stream (see :func:`pipe_lines`) means the input went quiet: the
    partial chunk is yielded, then an empty list, which tells :func:`cleaner.parallel.ordered_map`
    to hand back everything in flight, so a slow producer's documents are not held back.
    """
    chunk: list[tuple[int, bytes]] = []
    lineno = 0
    for line in stream:
        if line is None:
            if chunk:
                yield chunk
                chunk = []
            yield []
            continue
        lineno += 1
        chunk.append((lineno, line))
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def pipe_lines(fd: int, idle: float = IDLE_FLUSH, block: int = 1 << 16) -> Iterator[bytes | None]:
    """Lines read from the file descriptor ``fd`` (stdin), with ``None`` each time no byte
    came for ``idle`` seconds.  POSIX only (``select`` on a pipe, a file or a tty)."""
    import os
    import select

    parts: list[bytes] = []
    quiet = False
    while True:
        ready, _, _ = select.select([fd], [], [], idle)
        if not ready:
            if not quiet:  # one tick per quiet spell
                quiet = True
                yield None
            continue
        quiet = False
        data = os.read(fd, block)
        if not data:
            break
        start = 0
        while True:
            end = data.find(b"\n", start)
            if end < 0:
                if start < len(data):
                    parts.append(data[start:])
                break
            parts.append(data[start:end + 1])
            yield b"".join(parts)
            parts = []
            start = end + 1
    if parts:
        yield b"".join(parts)


def _stdin_lines(src) -> Iterable[bytes | None]:
    """stdin as :func:`pipe_lines` where it is a real file descriptor on POSIX, else as is."""
    import io
    import os

    try:
        fd = src.fileno()
    except (AttributeError, ValueError, io.UnsupportedOperation):
        return src
    return pipe_lines(fd) if os.name == "posix" else src


def is_jsonl(path: str, fmt: str) -> bool:
    """Whether the batch reads JSONL: ``--format jsonl``, ``-`` or a ``.jsonl`` name."""
    if fmt != "auto":
        return fmt == "jsonl"
    return path == "-" or str(path).lower().endswith((".jsonl", ".ndjson"))


# -- the JSONL batch -------------------------------------------------------------------

@dataclass
class StreamReport:
    """Totals of a JSONL run."""

    docs: int = 0
    bad: int = 0
    chars_in: int = 0
    chars_out: int = 0
    blocks_removed: int = 0
    per_rule: Counter = field(default_factory=Counter)

    def add(self, chunk: ChunkResult) -> None:
        self.docs += chunk.docs
        self.bad += len(chunk.bad)
        self.chars_in += chunk.chars_in
        self.chars_out += chunk.chars_out
        self.blocks_removed += chunk.blocks_removed
        self.per_rule.update(chunk.per_rule)


def run_jsonl(source: str, dest: str, spec, *, text_field: str = "text", jobs: int | None = 0,
              executor=None, on_bad=None, progress=None, chunk: int | None = None, hits=None,
              in_flight: int | None = None) -> StreamReport:
    """Clean the JSONL file ``source`` (``-``: stdin) into ``dest`` (``-``: stdout).

    Lines are read, cleaned (on ``jobs`` processes, or on ``executor``) and written in
    order with a bounded number of chunks in flight, so memory does not grow with the
    stream.  ``hits`` (a text file) receives each document's hits as a JSON line.
    ``on_bad(lineno, why)`` is called for each bad line as it is found.  A file
    ``dest`` is written under a temporary name and renamed when complete.
    """
    import sys
    from contextlib import ExitStack, nullcontext
    from pathlib import Path

    from cleaner import parallel
    from cleaner.io import atomic_open

    size = chunk or parallel.JSONL_CHUNK
    report = StreamReport()
    with ExitStack() as stack:
        src = sys.stdin.buffer if source == "-" else stack.enter_context(open(source, "rb"))
        out = stack.enter_context(nullcontext(sys.stdout.buffer) if dest == "-" else atomic_open(Path(dest)))
        lines = _stdin_lines(src) if src is sys.stdin.buffer else src
        for result in parallel.ordered_map(parallel.jsonl_task, spec, numbered_chunks(lines, size), text_field,
                                           hits is not None, jobs=jobs, executor=executor, in_flight=in_flight):
            if result.lines:
                out.write("".join(result.lines).encode("utf-8"))
            if hits is not None:
                hits.writelines(result.hits)
            if dest == "-":
                out.flush()
            for lineno, why in result.bad:
                if on_bad:
                    on_bad(lineno, why)
            report.add(result)
            if progress:
                progress.update(result.docs + len(result.bad))
    return report

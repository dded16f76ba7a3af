"""The tasks the executor runs: one chunk of work each, module-level so they pickle.

Each takes the :class:`~cleaner.pipeline.Cleaner` (built once per worker process) and a
chunk: files read by the folder batch, numbered JSONL lines, or documents of
``clean_iter``.  A bad item becomes an error for that item, never an exception.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator, Sequence

from cleaner.formats import to_markdown
from cleaner.pipeline import BadDocument, Cleaner, default_cleaner
from cleaner.run.executor import batched, ordered_map
from cleaner.run.totals import Totals, dumps, hit_record
from cleaner.stages.decode import NotTextError

JSONL_CHUNK = 64      # lines a task
FILES_CHUNK = 16      # files a task


def one_line(exc: BaseException) -> str:
    """An exception as one line: ``OSError`` by its strerror, others by type and message."""
    if isinstance(exc, OSError) and exc.strerror:
        return f"cannot read: {exc.strerror}"
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def clean_one(cleaner: Cleaner, data: bytes, html: bool) -> tuple[Any, str, bool]:
    """``(CleanResult or None, error, skipped-as-not-text)`` of one input: a bad file gives
    its error as one line, never an exception, so the batch goes on."""
    try:
        return cleaner.clean(data, html=html), "", False
    except NotTextError as exc:
        return None, str(exc), True
    except Exception as exc:  # one bad file never stops the batch
        return None, one_line(exc), False


def clean_payloads(cleaner: Cleaner, items: Sequence) -> list[tuple[Any, str, bool]]:
    """Clean ``(bytes, is_html)`` items read by the batch (None passes through)."""
    return [(None, "", False) if item is None else clean_one(cleaner, *item) for item in items]


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
                output: str = "text") -> ChunkResult:
    """Clean numbered JSONL lines; blank lines are skipped, bad ones reported by number.

    With ``hits_source`` (the input's name), each document's hit record too
    (:func:`cleaner.run.totals.hit_record`, source ``NAME:LINE``), as ``--hits`` writes them."""
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
            cleaned, result = cleaner.clean_doc(doc, text_field, input=input, html_field=html_field)
            if output == "markdown":
                cleaned[text_field] = to_markdown(result)
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
               input: str = "auto", html_field: str | None = None, output: str = "text") -> ChunkResult:
    """Clean a chunk of numbered JSONL lines (see :func:`clean_lines`)."""
    return clean_lines(cleaner, lines, text_field, hits_source, input, html_field, output)


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

"""A reviewer's marks (``MARKS.json``, downloaded from the report) and, on a re-run of
the batch, which of them the run now satisfies.

A mark is a hit marked **wrong** (``code``, and ``text``: the input lines it sat on) or a
kept line marked **should go** (``text``). On a later run a wrong mark is satisfied when
no hit in its document removes or changes text inside those lines (found by their span
in the input, whole lines, never as a substring of a longer text); a should-go mark when
its lines are no longer lines of the document's output.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Mapping

from cleaner.model import FLAG
from cleaner.model import line_key as _key

WRONG, MISSED = "wrong", "missed"


class MarksError(ValueError):
    """A marks file that cannot be read; the message says which and why."""


@dataclass(frozen=True)
class Mark:
    kind: str  # WRONG or MISSED
    doc: str  # the document's name in the report (its path in the batch)
    text: str
    code: str = ""
    title: str = ""
    url: str = ""

    @property
    def where(self) -> str:
        """How a person knows the document: title, URL, name."""
        return " ".join(x for x in (self.doc, self.title and f"\u201c{self.title}\u201d", self.url) if x)

    def label(self) -> str:
        short = self.text if len(self.text) <= 70 else self.text[:69] + "\u2026"
        head = f"{self.code} wrong" if self.kind == WRONG else "should go"
        return f"{head}: {self.doc}: {short!r}"


def load_marks(path: Path) -> tuple[str, list[Mark]]:
    """The report title and the marks of ``path``; a malformed file is a MarksError."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise MarksError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise MarksError(f"{path}: not a marks file (JSON from the report's \u201cDownload MARKS.json\u201d): {exc}") from None
    if not isinstance(data, dict) or not isinstance(data.get("marks"), list):
        raise MarksError(f"{path}: not a marks file: expected {{\"report\": ..., \"marks\": [...]}}")
    marks = []
    for i, raw in enumerate(data["marks"]):
        where = f"{path}: mark {i + 1}"
        if not isinstance(raw, dict):
            raise MarksError(f"{where}: expected an object")
        kind = raw.get("kind")
        if kind not in (WRONG, MISSED):
            raise MarksError(f"{where}: kind must be \"wrong\" or \"missed\", not {kind!r}")
        fields = {k: raw.get(k, "") for k in ("doc", "text", "code", "title", "url")}
        for k, v in fields.items():
            if not isinstance(v, str):
                raise MarksError(f"{where}: {k!r} must be a string")
        if kind == WRONG and not fields["code"]:
            raise MarksError(f"{where}: a wrong hit names its rule's code")
        marks.append(Mark(kind=kind, **fields))
    title = data.get("report", "")
    return (title if isinstance(title, str) else ""), marks


def _line_keys(text: str) -> list[str]:
    return [k for k in map(_key, text.split("\n")) if k]


def _lines(text: str) -> list[tuple[int, int, str]]:
    """``(start, end, key)`` of each non-blank line of ``text``."""
    out, pos = [], 0
    for line in text.split("\n"):
        key = _key(line)
        if key:
            out.append((pos, pos + len(line), key))
        pos += len(line) + 1
    return out


def _find(lines: list[tuple[int, int, str]], keys: list[str]) -> list[tuple[int, int]]:
    """The spans where the lines ``keys`` stand in ``lines``, one after another, whole."""
    n = len(keys)
    if not n:
        return []
    return [(lines[j][0], lines[j + n - 1][1]) for j in range(len(lines) - n + 1)
            if lines[j][2] == keys[0] and [k for _, _, k in lines[j:j + n]] == keys]


def _inside(hit: Mapping, start: int, end: int) -> bool:
    """Does the hit remove or change text of ``start:end`` (an insertion counts inside)?"""
    a, b = hit.get("start", -1), hit.get("end", -1)
    if a is None or b is None or a < 0:
        return False
    return a < end and b > start if b > a else start <= a <= end


class MarkCheck:
    """Which marks a run satisfies, fed one document at a time."""

    def __init__(self, marks: Iterable[Mark]):
        self.marks = list(marks)
        self._by_doc: dict[str, list[int]] = {}
        for i, m in enumerate(self.marks):
            self._by_doc.setdefault(m.doc, []).append(i)
        self.status: list[bool | None] = [None] * len(self.marks)  # None: document not in this run
        self.acting: list[tuple[str, ...]] = [()] * len(self.marks)  # codes still acting on a wrong mark

    def add(self, doc: str, output_text: str, hits: Iterable[Mapping | object], input_text: str | None = None) -> None:
        """Check the marks of ``doc`` against its output and hits (``start``/``end`` of a
        hit are its span in ``input_text``; without the input, a hit acts on a mark when
        its removed text holds a whole marked line)."""
        indices = self._by_doc.get(doc)
        if not indices:
            return
        rows = [h.to_dict() if hasattr(h, "to_dict") else dict(h) for h in hits]
        rows = [r for r in rows if r.get("action") != FLAG]
        inputs = outputs = None
        for i in indices:
            m = self.marks[i]
            keys = _line_keys(m.text)
            if m.kind == WRONG:
                inputs = _lines(input_text) if inputs is None and input_text is not None else inputs
                spans = _find(inputs, keys) if inputs else []
                if spans:
                    acting = {r.get("code", "") for r in rows if any(_inside(r, a, b) for a, b in spans)}
                else:
                    acting = {r.get("code", "") for r in rows if set(keys) & set(_line_keys(r.get("before", "")))}
                self.acting[i] = tuple(sorted(acting))
                self.status[i] = not acting
            else:
                outputs = _lines(output_text) if outputs is None else outputs
                self.status[i] = not _find(outputs, keys)

    @property
    def satisfied(self) -> int:
        return sum(1 for s in self.status if s)

    @property
    def seen(self) -> int:
        return sum(1 for s in self.status if s is not None)

    def summary(self) -> list[str]:
        """Lines for the end of a run: the count, then each mark not yet satisfied."""
        lines = [f"marks: {self.satisfied} of {len(self.marks)} satisfied"
                 + (f" ({len(self.marks) - self.seen} in documents this run did not clean)"
                    if self.seen < len(self.marks) else "")]
        lines += [f"  not yet: {m.label()}" + (f" (still taken by {', '.join(a)})" if a else "")
                  for m, s, a in zip(self.marks, self.status, self.acting) if s is False]
        return lines

    def rows(self) -> list[dict]:
        """Each mark with its status, for the report's marks panel."""
        return [{"kind": m.kind, "doc": m.doc, "code": m.code, "text": m.text, "by": list(a),
                 "status": "satisfied" if s else ("open" if s is False else "unseen")}
                for m, s, a in zip(self.marks, self.status, self.acting)]

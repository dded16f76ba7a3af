"""Batch review report: every hit of a batch in one self-contained HTML page.

A reviewer has to trust the cleaner before trusting its output, so the page shows what
each rule did where it did it: the input around every hit, removed spans struck through
and coloured by rule, rewrites as before -> after, warnings marked.  The page must stay
usable for 10,000 documents, so it never holds whole texts: each document keeps only the
input around its hits (``context`` characters either side, close windows merged, long
removed spans cut in the middle).  Its size therefore grows with the number of hits, not
with the size of the corpus.  The data travels as JSON in the page and is rendered by a
small script on demand, always through ``textContent``: article text is untrusted and
must never become markup.  A Content-Security-Policy with a per-file nonce backs that up.
The page's template, style sheet and script are package data in ``cleaner/report_assets/``.

Usage::

    writer = ReportWriter(title="batch 2024-05-01")
    for doc_id, result in results:
        writer.add(doc_id, result.input_text, result.text,
                   [h.to_dict() for h in result.hits], removed_share)
    writer.write("report.html")
"""
from __future__ import annotations

import html
import json
import math
import re
import secrets
from bisect import bisect_left
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import Any, Iterable, Mapping

from cleaner.model import ACTIONS

#: The warning mark's share when the caller gives none (the CLI passes the SV001 rule's
#: ``min_removed_share``, so the report marks what the safety valve flags).
WARN_SHARE = 0.9

_ASTRAL = re.compile("[\U00010000-\U0010FFFF]")


def context_ranges(
    spans: Iterable[tuple[int, int]],
    length: int,
    *,
    context: int = 200,
    keep: int = 300,
    merge_gap: int = 40,
    text: str | None = None,
) -> list[tuple[int, int]]:
    """Input ranges a reviewer needs to judge the hits at ``spans``.

    Each span gets ``context`` characters either side; a span longer than ``2 * keep``
    keeps only ``keep`` characters at each end, because a long dropped block is judged by
    how it starts and ends, and its middle would make the page grow with the corpus.
    Ranges closer than ``merge_gap`` are merged so neighbouring hits read as one passage.
    Given the ``text``, range ends move out to the nearest word boundary.
    """
    raw: list[tuple[int, int]] = []
    for start, end in spans:
        if end - start > 2 * keep + merge_gap:
            raw.append((start - context, start + keep))
            raw.append((end - keep, end + context))
        else:
            raw.append((start - context, end + context))
    merged: list[tuple[int, int]] = []
    for start, end in sorted((max(0, s), min(length, e)) for s, e in raw):
        if text is not None:
            start, end = _snap(text, start, end)
        if merged and start - merged[-1][1] <= merge_gap:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def _snap(text: str, start: int, end: int, slack: int = 20) -> tuple[int, int]:
    """Widen a range to whole words (by at most ``slack``): context cut mid-word reads as noise."""
    if 0 < start < len(text) and not text[start - 1].isspace():
        i = start - 1
        while i > max(0, start - slack) and not text[i - 1].isspace():
            i -= 1
        if i == 0 or text[i - 1].isspace():
            start = i
    if 0 < end < len(text) and not text[end].isspace():
        j = end + 1
        while j < min(len(text), end + slack) and not text[j].isspace():
            j += 1
        if j == len(text) or text[j].isspace():
            end = j
    return start, end


class _Utf16:
    """Converts Python offsets (code points) to JavaScript offsets (UTF-16 units).

    The page slices texts in JavaScript, where a character outside the BMP (an emoji)
    counts twice; without this, every hit after an emoji would be shifted.
    """

    __slots__ = ("_astral",)

    def __init__(self, text: str):
        self._astral = [m.start() for m in _ASTRAL.finditer(text)]

    def __call__(self, pos: int) -> int:
        return pos + bisect_left(self._astral, pos) if self._astral else pos


def _clip(text: str, limit: int) -> str:
    """Cut an overlong hit field so one odd hit cannot bloat the page."""
    if len(text) <= limit:
        return text
    half = limit // 2
    return f"{text[:half]} … [{len(text) - 2 * half} characters] … {text[-half:]}"


def _share(value: float) -> float:
    """A share in [0, 1] rounded for the page; NaN and junk become 0 rather than break it."""
    try:
        value = float(value)
    except (TypeError, ValueError):
        return 0.0
    if math.isnan(value):
        return 0.0
    return round(min(1.0, max(0.0, value)), 4)


def embed_json(data: Any) -> str:
    """JSON that is safe inside ``<script type="application/json">``.

    Every ``<``, ``>`` and ``&`` is written as a ``\\u`` escape, so no ``</script>``,
    ``<!--`` or ``<script`` in article text can end or change the data block; the
    line separators U+2028/9 are escaped as well for older parsers.
    """
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


class ReportWriter:
    """Collects documents one at a time and writes the batch's review page.

    Only the compact form of a document (the input around its hits, the hits themselves)
    is kept, so a writer can take a large batch without holding its texts in memory.
    """

    def __init__(
        self,
        *,
        title: str = "clean-articles review",
        context: int = 200,
        keep: int = 300,
        max_field: int = 1000,
        warn_share: float = WARN_SHARE,
    ):
        self.title = title
        self.context = context
        self.keep = keep
        self.max_field = max_field
        self.warn_share = warn_share
        self._docs: list[dict] = []
        self._rules: dict[str, dict] = {}
        self._rule_list: list[dict] = []
        self._messages: dict[str, int] = {}

    def __len__(self) -> int:
        return len(self._docs)

    def add(
        self,
        doc_id: str,
        input_text: str,
        output_text: str,
        hits: Iterable[Mapping[str, Any] | Any],
        removed_share: float,
    ) -> None:
        """Add one document: its input, its output and its hits (``Hit.to_dict()`` shape).

        ``Hit`` objects are accepted too.  Hit spans are offsets into ``input_text``; a
        hit without a usable span (-1, or outside the input) is still listed, without
        context, so no hit is ever hidden from the reviewer.
        """
        hit_dicts = [h.to_dict() if hasattr(h, "to_dict") else dict(h) for h in hits]
        length = len(input_text)
        placed = [h for h in hit_dicts if _placed(h, length)]
        ranges = context_ranges(
            ((h["start"], h["end"]) for h in placed),
            length,
            context=self.context,
            keep=self.keep,
            text=input_text,
        )
        u16 = _Utf16(input_text)
        chunks = [[u16(s), input_text[s:e]] for s, e in ranges]
        rows = [self._hit_row(h, input_text, u16, length) for h in hit_dicts]
        self._docs.append(
            {
                "id": str(doc_id),
                "share": _share(removed_share),
                "nin": length,
                "nout": len(output_text),
                "chunks": chunks,
                "hits": rows,
            }
        )
        for index in {row[0] for row in rows}:
            self._rule_list[index]["docs"] += 1

    def _hit_row(self, hit: Mapping[str, Any], text: str, u16: _Utf16, length: int) -> list:
        """One hit as a compact row: rule, action, span, message, after, before, detail.

        ``before`` is left out (null) when it is what the input holds at the span, which
        is the usual case and halves the size of removal-heavy pages.
        """
        code = str(hit.get("code", "?"))
        rule = self._rules.get(code)
        if rule is None:
            rule = self._rules[code] = {
                "index": len(self._rules),
                "code": code,
                "name": str(hit.get("name", "")),
                "actions": {},
                "messages": {},
                "hits": 0,
                "docs": 0,
            }
            self._rule_list.append(rule)
        action = str(hit.get("action", "flag"))
        action_index = ACTIONS.index(action) if action in ACTIONS else ACTIONS.index("flag")
        message = str(hit.get("message", ""))
        msg_index = self._messages.setdefault(message, len(self._messages))
        rule["hits"] += 1
        rule["actions"][action] = rule["actions"].get(action, 0) + 1
        rule["messages"][msg_index] = rule["messages"].get(msg_index, 0) + 1
        before = str(hit.get("before", ""))
        after = _clip(str(hit.get("after", "")), self.max_field)
        detail = _clip(str(hit.get("detail", "") or ""), self.max_field)
        if _placed(hit, length):
            start, end = int(hit["start"]), int(hit["end"])
            shown_before = None if text[start:end] == before else _clip(before, self.max_field)
            return [rule["index"], action_index, u16(start), u16(end), msg_index, after, shown_before, detail]
        return [rule["index"], action_index, -1, -1, msg_index, after, _clip(before, self.max_field), detail]

    def overview(self) -> dict:
        """Batch counts the page's overview shows (also handy for tests and the CLI)."""
        hits_per_rule = {code: r["hits"] for code, r in self._rules.items()}
        return {
            "documents": len(self._docs),
            "hits": sum(hits_per_rule.values()),
            "hits_per_rule": hits_per_rule,
            "warned": sum(1 for d in self._docs if d["share"] > self.warn_share),
        }

    def data(self) -> dict:
        """Everything the page's script needs, documents sorted by share removed."""
        messages = sorted(self._messages, key=self._messages.__getitem__)
        rules = [
            {
                "code": r["code"],
                "name": r["name"],
                "actions": r["actions"],
                "hits": r["hits"],
                "docs": r["docs"],
                "messages": [[m, n] for m, n in sorted(r["messages"].items(), key=lambda kv: -kv[1])],
            }
            for r in self._rules.values()
        ]
        docs = sorted(self._docs, key=lambda d: -d["share"])
        return {
            "title": self.title,
            "warn": self.warn_share,
            "actions": list(ACTIONS),
            "messages": messages,
            "rules": rules,
            "docs": docs,
        }

    def render(self) -> str:
        """The whole page as one string: no external assets, nothing fetched."""
        nonce = secrets.token_urlsafe(18)
        rule_css = "".join(
            f".r{r['index']}{{--rc:{_rule_colour(r['index'])}}}" for r in self._rules.values()
        )
        return _fill(
            _asset("report.html"),
            TITLE=html.escape(self.title),
            NONCE=nonce,
            CSS=_asset("report.css") + rule_css,
            DATA=embed_json(self.data()),
            SCRIPT=_asset("report.js"),
        )

    def write(self, path: str | Path) -> Path:
        """Write the page as UTF-8; lone surrogates from broken input become JSON escapes."""
        path = Path(path)
        path.write_text(self.render(), encoding="utf-8", errors="backslashreplace")
        return path


def _placed(hit: Mapping[str, Any], length: int) -> bool:
    """Whether a hit's span points into the input (hits mapped to -1 have no place)."""
    try:
        start, end = int(hit["start"]), int(hit["end"])
    except (KeyError, TypeError, ValueError):
        return False
    return 0 <= start <= end <= length


def _rule_colour(index: int) -> str:
    """A distinct, light colour per rule: golden-angle hues keep neighbours apart."""
    return f"hsl({(index * 137.508) % 360:.0f} 75% 80%)"


def write_report(path: str | Path, documents: Iterable[tuple], **options: Any) -> Path:
    """Write a report for ``(doc_id, input_text, output_text, hits, removed_share)`` tuples."""
    writer = ReportWriter(**options)
    for doc in documents:
        writer.add(*doc)
    return writer.write(path)


#: ``{{NAME}}`` markers in ``report_assets/report.html``.
_MARKER = re.compile(r"\{\{([A-Z]+)\}\}")


@lru_cache(maxsize=None)
def _asset(name: str) -> str:
    """One of the page's parts (template, style sheet, script), read once from package data."""
    return files("cleaner.review").joinpath(f"report_assets/{name}").read_text(encoding="utf-8")


def _fill(template: str, **values: str) -> str:
    """Put ``values`` in for the template's ``{{NAME}}`` markers, in a single pass.

    A single pass matters: a marker that turns up inside a value (a batch titled
    ``{{NONCE}}``, article text in the data) is left as it is, never filled in.
    An unknown marker raises ``KeyError`` rather than ship a half-filled page.
    """
    return _MARKER.sub(lambda m: values[m.group(1)], template)

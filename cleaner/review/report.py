"""Batch review report: every hit of a batch in one self-contained HTML page.

A reviewer has to trust the cleaner before trusting its output, so the page shows what
each rule did where it did it: the input around every hit, removed spans struck through
and coloured by rule, rewrites as before -> after, warnings marked.  A reviewer reads a
document whole, so a document of up to ``full_text`` characters travels in full (while
the batch's ``full_budget`` lasts, given out in triage order) (its
output as references to the input's lines plus the lines that changed); a longer one
keeps only the input around its hits (``context`` characters either side, close windows
merged, long removed spans cut in the middle), so one huge page cannot make the report
grow with it.  Runs of removed lines are found here (:func:`removed_runs`) and shown
collapsed into one band each.  The overview opens on the documents worth a look, ranked
by the suspicion score of :mod:`cleaner.review.triage`; the charts' numbers (characters
removed per rule, a histogram of share removed, a rule x group heatmap) are computed
here too, so the page's script only draws them.  The data travels as JSON in the page and is rendered by a
small script on demand, always through ``textContent``: article text is untrusted and
must never become markup.  A Content-Security-Policy with a per-file nonce backs that up.
The page's template, style sheet and script are package data in ``cleaner/report_assets/``.

Usage::

    writer = ReportWriter(title="batch 2024-05-01")
    for doc_id, result in results:
        writer.add(doc_id, result.input_text, result.text,
                   [h.to_dict() for h in result.hits], removed_share, result.metadata)
    writer.write("report.html")
"""
from __future__ import annotations

import contextlib
import html
import json
import os
import math
import re
import secrets
from bisect import bisect_left
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import Any, Iterable, Mapping

from cleaner.model import ACTIONS
from cleaner.review import triage

#: The warning mark's share when the caller gives none (the CLI passes the SV001 rule's
#: ``min_removed_share``, so the report marks what the safety valve flags).
WARN_SHARE = 0.9

#: A document of at most this many characters travels whole (kept text is never cut).
FULL_TEXT = 100_000
#: Characters of whole documents a page holds at most, given out in triage order (the
#: documents worth a look first): the page's size, and so its load time, stays bounded
#: for a batch of 10,000 documents, whose later documents keep their context windows.
FULL_BUDGET = 3_000_000
#: Removed lines a band stands for at least: one struck line takes no more room than its band.
BAND_LINES = 2
#: Bins of the share-removed histogram (tenths).
HIST_BINS = 10
#: Bucket edges of share removed, the heatmap's groups when page types do not tell apart.
SHARE_BUCKETS = (0.0, 0.1, 0.3, 0.6, 0.9, 1.0)

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

    Only the compact form of a document (its input, its output as line references, its
    hits) is kept, so a writer can take a large batch without holding much more than
    the page it will write.
    """

    def __init__(
        self,
        *,
        title: str = "clean-articles review",
        context: int = 200,
        keep: int = 300,
        max_field: int = 1000,
        warn_share: float = WARN_SHARE,
        full_text: int = FULL_TEXT,
        full_budget: int = FULL_BUDGET,
    ):
        self.title = title
        self.context = context
        self.keep = keep
        self.max_field = max_field
        self.warn_share = warn_share
        self.full_text = full_text
        self.full_budget = full_budget
        self._docs: list[dict] = []
        self._extra: list[dict] = []  # per document, for the batch figures; not in the page
        self._rules: dict[str, dict] = {}
        self._rule_list: list[dict] = []
        self._messages: dict[str, int] = {}
        #: rows of :meth:`cleaner.review.marks.MarkCheck.rows`: a review's marks against this run
        self.marks_status: list[dict] = []

    def __len__(self) -> int:
        return len(self._docs)

    def add(
        self,
        doc_id: str,
        input_text: str,
        output_text: str,
        hits: Iterable[Mapping[str, Any] | Any],
        removed_share: float,
        metadata: Mapping[str, Any] | None = None,
    ) -> None:
        """Add one document: its input, its output and its hits (``Hit.to_dict()`` shape).

        ``Hit`` objects are accepted too.  Hit spans are offsets into ``input_text``; a
        hit without a usable span (-1, or outside the input) is still listed, without
        context, so no hit is ever hidden from the reviewer.  ``metadata`` is the
        result's (``title``, ``url``, ``page_type`` are used): a reviewer knows pages by
        their titles, and the page type is part of the suspicion score.
        """
        meta = metadata or {}
        hit_dicts = [h.to_dict() if hasattr(h, "to_dict") else dict(h) for h in hits]
        length = len(input_text)
        placed = [h for h in hit_dicts if _placed(h, length)]
        u16 = _Utf16(input_text)
        ranges = context_ranges(
            ((h["start"], h["end"]) for h in placed),
            length,
            context=self.context,
            keep=self.keep,
            text=input_text,
        )
        chunks = [[u16(s), input_text[s:e]] for s, e in ranges]
        full = length <= self.full_text
        # The text between the context windows: with the windows it is the whole input,
        # so a short document travels whole without any character twice.
        rest = [[u16(s), input_text[s:e]] for s, e in _gaps(ranges, length)] if full else None
        rows = [self._hit_row(h, input_text, u16, length) for h in hit_dicts]
        page_type = _meta_str(meta, "page_type")
        runs = [
            [u16(s), u16(e), sorted({self._rules[c]["index"] for c in codes}), n]
            for s, e, codes, n in removed_runs(input_text, placed)
            if n >= BAND_LINES
        ]
        removed_by: dict[int, int] = {}
        for s, e, code in triage.removal_spans(placed, length):
            index = self._rules[code]["index"]
            removed_by[index] = removed_by.get(index, 0) + e - s
        self._docs.append(
            {
                "id": str(doc_id),
                "title": _meta_str(meta, "title"),
                "url": _meta_str(meta, "url"),
                "type": page_type,
                "share": _share(removed_share),
                "nin": length,
                "nout": len(output_text),
                "chunks": chunks,
                "rest": rest,
                "out": output_lines(input_text, output_text) if full else None,
                "runs": runs,
                "hits": rows,
            }
        )
        held, size = meta.get("input_chars"), meta.get("input_size")
        signals = triage.signals(input_text, placed, page_type, len(output_text.strip()),
                                 held if isinstance(held, int) and held >= length else None,
                                 size if isinstance(size, int) else None)
        self._extra.append({"signals": signals, "removed": removed_by})
        for index in {row[0] for row in rows}:
            self._rule_list[index]["docs"] += 1
        for index, chars in removed_by.items():
            self._rule_list[index]["removed"] += chars

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
                "removed": 0,
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

    def triage(self) -> list[tuple[int, float, list[str]]]:
        """``(document index, score, reasons)`` of every document, most suspicious first."""
        rare = triage.rare_rules({c: r["docs"] for c, r in self._rules.items()}, len(self._docs))
        scored = []
        for i, (doc, extra) in enumerate(zip(self._docs, self._extra)):
            codes = {self._rule_list[row[0]]["code"] for row in doc["hits"]}
            points, why = triage.score(extra["signals"], codes, rare)
            scored.append((i, points, why))
        scored.sort(key=lambda t: triage.order_key(t[1], self._docs[t[0]]["share"], self._docs[t[0]]["id"]))
        return scored

    def overview(self) -> dict:
        """Batch counts the page's overview shows (also handy for tests and the CLI)."""
        hits_per_rule = {code: r["hits"] for code, r in self._rules.items()}
        return {
            "documents": len(self._docs),
            "hits": sum(hits_per_rule.values()),
            "hits_per_rule": hits_per_rule,
            "warned": sum(1 for d in self._docs if d["share"] > self.warn_share),
            "worth_a_look": sum(1 for _, points, _ in self.triage() if points >= triage.LOOK),
        }

    def groups(self) -> tuple[str, list[str], list[int]]:
        """The heatmap's document groups: by page type when the batch has several, else by
        share removed.  Returns (what groups, group names, each document's group)."""
        types = sorted({d["type"] for d in self._docs if d["type"]})
        if len(types) > 1:
            names = types + (["unknown"] if any(not d["type"] for d in self._docs) else [])
            return "page type", names, [names.index(d["type"] or "unknown") for d in self._docs]
        names = [f"{lo:.0%}\u2013{hi:.0%} removed" for lo, hi in zip(SHARE_BUCKETS, SHARE_BUCKETS[1:])]
        return "share removed", names, [_bucket(d["share"]) for d in self._docs]

    def data(self) -> dict:
        """Everything the page's script needs, documents in triage order."""
        messages = sorted(self._messages, key=self._messages.__getitem__)
        rules = [
            {
                "code": r["code"],
                "name": r["name"],
                "family": family(r["code"]),
                "actions": r["actions"],
                "hits": r["hits"],
                "docs": r["docs"],
                "removed": r["removed"],
                "messages": [[m, n] for m, n in sorted(r["messages"].items(), key=lambda kv: -kv[1])],
            }
            for r in self._rules.values()
        ]
        by, names, group_of = self.groups()
        heat = [[0] * len(names) for _ in rules]
        for extra, g in zip(self._extra, group_of):
            for index, chars in extra["removed"].items():
                heat[index][g] += chars
        docs, budget = [], self.full_budget
        for i, points, why in self.triage():
            doc = dict(self._docs[i], score=points, why=why, g=group_of[i])
            if doc["rest"] is not None:
                if doc["nin"] <= budget:
                    budget -= doc["nin"]
                else:  # past the batch's budget: context windows only, as for a long document
                    doc["rest"] = doc["out"] = None
            docs.append(doc)
        hist = [0] * HIST_BINS
        for d in self._docs:
            hist[min(HIST_BINS - 1, int(d["share"] * HIST_BINS))] += 1
        return {
            "title": self.title,
            "warn": self.warn_share,
            "look": triage.LOOK,
            "actions": list(ACTIONS),
            "messages": messages,
            "rules": rules,
            "hist": hist,
            "groups": {"by": by, "names": names},
            "heat": heat,
            "docs": docs,
            "marks_status": [{k: _clip(str(v), self.max_field) if isinstance(v, str) else v for k, v in m.items()}
                             for m in self.marks_status],
        }

    def render(self) -> str:
        """The whole page as one string: no external assets, nothing fetched."""
        nonce = secrets.token_urlsafe(18)
        families = sorted({family(code) for code in self._rules})
        rule_css = "".join(
            f".r{r['index']}{{--rc:{rule_colour(r['code'], families)}}}" for r in self._rules.values()
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
        data = self.render().encode("utf-8", errors="backslashreplace")
        tmp = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)  # the umask's mode, as a plain write
        try:  # whole or not at all: a full disk leaves the old report, never half a page
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
        return path


def _gaps(ranges: list[tuple[int, int]], length: int) -> list[tuple[int, int]]:
    """The parts of ``[0, length)`` outside the sorted, disjoint ``ranges``."""
    out, pos = [], 0
    for s, e in ranges:
        if s > pos:
            out.append((pos, s))
        pos = max(pos, e)
    if pos < length:
        out.append((pos, length))
    return out


def _bucket(share: float) -> int:
    for i, hi in enumerate(SHARE_BUCKETS[1:-1]):
        if share < hi:
            return i
    return len(SHARE_BUCKETS) - 2


def _meta_str(meta: Mapping[str, Any], key: str) -> str:
    value = meta.get(key)
    return str(value) if value not in (None, "") else ""


def removed_runs(text: str, hits: Iterable[Mapping[str, Any]]) -> list[tuple[int, int, list[str], int]]:
    """Runs of whole removed lines: ``(start, end, codes, lines)`` in input offsets.

    A line is removed when removal hits cover all of it but its edge spaces; blank lines
    between removed lines belong to the run, and the blank lines after it too, so the
    band that stands for a run sits where its lines were.  ``codes`` are the rules that
    removed them, ``lines`` counts the non-blank lines.
    """
    spans = triage.removal_spans(list(hits), len(text))
    merged = triage._merged((s, e) for s, e, _ in spans)
    runs: list[list] = []
    open_run: list | None = None
    for s, e in triage.lines_with_offsets(text):
        line = text[s:e]
        body = line.strip()
        if not body:
            if open_run is not None:
                open_run[1] = min(len(text), e + 1)
            continue
        ls = s + len(line) - len(line.lstrip())
        le = e - (len(line) - len(line.rstrip()))
        if triage.covered(merged, ls, le) == le - ls:
            codes = {c for hs, he, c in spans if hs < le and he > ls}
            if open_run is None:
                open_run = [s, min(len(text), e + 1), set(), 0]
                runs.append(open_run)
            open_run[1] = min(len(text), e + 1)
            open_run[2] |= codes
            open_run[3] += 1
        else:
            open_run = None
    return [(s, e, sorted(codes), n) for s, e, codes, n in runs]


def output_lines(input_text: str, output_text: str) -> list:
    """The output as a list of references to input lines and strings (a line that changed).

    Most of an output is the input's lines, so this costs a few bytes a line instead of
    the text again: ``i`` is input line ``i`` as it is, ``[i, a, b]`` the same line
    without its first ``a`` and last ``b`` characters (the edge spaces assembly strips).
    The nearest matching line after the previous one is taken, so repeated lines map in
    order.
    """
    where: dict[str, list[int]] = {}
    lines = input_text.split("\n")
    for i, line in enumerate(lines):
        if line.strip():
            where.setdefault(line.strip(), []).append(i)
    out: list = []
    pos = 0
    for line in output_text.split("\n"):
        found = where.get(line.strip()) if line.strip() else None
        if not found:
            out.append(line)
            continue
        k = bisect_left(found, pos)
        index = found[k] if k < len(found) else found[0]
        source = lines[index]
        a = len(source) - len(source.lstrip())
        b = len(source) - len(source.rstrip())
        if line == source:
            out.append(index)
        elif line == source.strip():
            out.append([index, a, b])
        else:  # the same words with other edge spaces: the line itself is shorter than the rule
            out.append(line)
            continue
        pos = index + 1
    return out


def family(code: str) -> str:
    """A rule's family: its code's letters (``AD`` of ``AD201``)."""
    m = re.match(r"[A-Za-z]+", code)
    return m.group(0).upper() if m else code


def rule_colour(code: str, families: list[str]) -> str:
    """A light colour per rule: the hue says the family (golden-angle hues keep families
    apart), the lightness varies within it; always light, so the code on it stays readable."""
    fam = family(code)
    index = families.index(fam) if fam in families else 0
    shade = sum(ord(c) for c in code[len(fam):]) % 4
    return f"hsl({(index * 137.508) % 360:.0f} 70% {78 + 4 * shade}%)"


def _placed(hit: Mapping[str, Any], length: int) -> bool:
    """Whether a hit's span points into the input (hits mapped to -1 have no place)."""
    try:
        start, end = int(hit["start"]), int(hit["end"])
    except (KeyError, TypeError, ValueError):
        return False
    return 0 <= start <= end <= length


def write_report(path: str | Path, documents: Iterable[tuple], **options: Any) -> Path:
    """Write a report for ``(doc_id, input_text, output_text, hits, removed_share[, metadata])`` tuples."""
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

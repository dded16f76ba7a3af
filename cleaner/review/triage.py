"""Triage: which documents of a batch are worth a reviewer's look, most suspicious first.

A batch review fails when it asks a person to read everything, or marks half the batch
red.  The suspicion score ranks documents by the signs of a cleaning mistake, computed
from the input, the hits and the page's metadata only (deterministic: same batch, same
order).  Points, summed:

* **prose removed** (0 to 3): of the input's prose (lines of at least
  :data:`PROSE_MIN_CHARS` characters and :data:`PROSE_MIN_WORDS` words, mostly letters,
  ending like a sentence), the share removed by ``drop``/``strip`` hits, scaled so that
  half the prose removed scores the full 3.  Pages with less than :data:`MIN_PROSE`
  characters of prose score 0 here: removing most of a link list is the cleaner's job.
* **main prose by one rule** (2): a single hit removed a prose block of at least
  :data:`BLOCK_CHARS` characters, the typical shape of a rule that took the article.
* **rare rule** (1): the document has a hit of a rule that fires in at most
  :data:`RARE_SHARE` of the batch's documents; a rule seen once in 200 pages is new to
  the reviewer and untested by the batch.
* **not an article** (1): the page type (from the result's metadata) is known and is
  not ``article``; the rules were written for articles.
* **output tiny next to its input** (6): the output holds less than :data:`TINY_SHARE`
  of the text the input held (its parsed text and what the parse left out, such as a
  ``<noscript>``), and the input held at least :data:`TINY_INPUT` characters; or the
  output is under :data:`TINY_KEPT` characters of an input of :data:`TINY_SOURCE` or more
  (markup and scripts included: a page whose text is in its scripts): the whole page may
  have been lost, however right each removal looks.

A document scoring :data:`LOOK` or more is *worth a look*.  Ties are broken by share
removed, then by name, so the order never depends on the order of the batch.
"""
from __future__ import annotations

import re
from bisect import bisect_left
from typing import Any, Iterable, Mapping

PROSE_MIN_CHARS = 80
PROSE_MIN_WORDS = 10
MIN_PROSE = 300
BLOCK_CHARS = 400
RARE_SHARE = 0.01
LOOK = 2.0
TINY_SHARE = 0.05
TINY_INPUT = 2000
TINY_KEPT = 200
TINY_SOURCE = 20_000
REMOVALS = ("drop", "strip")

_SENTENCE_END = re.compile(r"[.!?…:;\"'”’»)\]]$")


def is_prose(line: str) -> bool:
    """A line that reads like article prose: long, worded, mostly letters, sentence-ended."""
    line = line.strip()
    if len(line) < PROSE_MIN_CHARS or len(line.split()) < PROSE_MIN_WORDS:
        return False
    letters = sum(1 for c in line if c.isalpha() or c.isspace())
    return letters >= 0.85 * len(line) and bool(_SENTENCE_END.search(line))


def lines_with_offsets(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of each line of ``text``, without its newline."""
    out, start = [], 0
    for line in text.split("\n"):
        out.append((start, start + len(line)))
        start += len(line) + 1
    return out


def _merged(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


def covered(intervals: list[tuple[int, int]], start: int, end: int) -> int:
    """Characters of ``[start, end)`` inside the merged, sorted ``intervals``."""
    total = 0
    i = max(0, bisect_left(intervals, (start, start)) - 1)
    while i < len(intervals) and intervals[i][0] < end:
        s, e = intervals[i]
        total += max(0, min(e, end) - max(s, start))
        i += 1
    return total


def removal_spans(hits: Iterable[Mapping[str, Any]], length: int) -> list[tuple[int, int, str]]:
    """``(start, end, code)`` of every removal hit with a span in the input."""
    out = []
    for h in hits:
        if h.get("action") not in REMOVALS:
            continue
        try:
            s, e = int(h["start"]), int(h["end"])
        except (KeyError, TypeError, ValueError):
            continue
        if 0 <= s < e <= length:
            out.append((s, e, str(h.get("code", "?"))))
    return out


def signals(text: str, hits: Iterable[Mapping[str, Any]], page_type: str = "", kept_chars: int | None = None,
            held_chars: int | None = None, source_size: int | None = None) -> dict:
    """The per-document part of the score (the rare-rule part needs the batch).

    ``kept_chars`` is the output's length, ``held_chars`` the characters of text the input
    held (``text``'s length when not given), ``source_size`` the input's whole size."""
    spans = removal_spans(list(hits), len(text))
    removed = _merged((s, e) for s, e, _ in spans)
    prose = [(s, e) for s, e in lines_with_offsets(text) if is_prose(text[s:e])]
    prose_chars = sum(e - s for s, e in prose)
    prose_removed = sum(covered(removed, s, e) for s, e in prose)
    points, why = 0.0, []
    if prose_chars >= MIN_PROSE and prose_removed:
        share = prose_removed / prose_chars
        points += 3 * min(1.0, share / 0.5)
        why.append(f"{share:.0%} of its prose removed")
    block = None
    for s, e, code in spans:
        in_prose = sum(covered([(s, e)], ps, pe) for ps, pe in prose)
        if in_prose >= BLOCK_CHARS and (block is None or in_prose > block[0]):
            block = (in_prose, code)
    if block:
        points += 2
        why.append(f"{block[1]} removed {block[0]} characters of prose in one hit")
    if page_type and page_type != "article":
        points += 1
        why.append(f"page type {page_type}")
    held = len(text) if held_chars is None else held_chars
    if kept_chars is not None and held >= TINY_INPUT and kept_chars < TINY_SHARE * held:
        points += 6  # more than any removal scores: the page itself may be gone
        why.append(f"kept {kept_chars:,} of the {held:,} characters of text its input held")
    elif kept_chars is not None and source_size and source_size >= TINY_SOURCE and kept_chars < TINY_KEPT:
        points += 6
        why.append(f"kept {kept_chars:,} characters of an input of {source_size:,}")
    return {"points": round(points, 3), "why": why}


def rare_rules(docs_per_rule: Mapping[str, int], n_docs: int) -> set[str]:
    """Codes that fire in at most :data:`RARE_SHARE` of the documents."""
    limit = RARE_SHARE * n_docs
    return {code for code, n in docs_per_rule.items() if n <= limit}


def score(base: Mapping[str, Any], codes: Iterable[str], rare: set[str]) -> tuple[float, list[str]]:
    """A document's final score and reasons, given its signals and the batch's rare rules."""
    points, why = float(base["points"]), list(base["why"])
    seen = sorted(set(codes) & rare)
    if seen:
        points += 1
        why.append("rare rule " + ", ".join(seen))
    return round(points, 2), why


def order_key(points: float, share: float, name: str) -> tuple:
    """Most suspicious first; then most removed; then by name, for a stable order."""
    return (-points, -share, name)

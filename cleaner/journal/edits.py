"""Span edits on a text, offset maps back to the input, and replay of hits.

Every stage of the pipeline returns edits on the text it received; applying them gives the
next stage's text and an :class:`OffsetMap` that takes positions back.  Because hits keep
their stage and their span in that stage's text, a document's hits replayed on its input
rebuild its output (:func:`replay`), which the tests check for every document.
"""
from __future__ import annotations

from bisect import bisect_right
from typing import Iterable, NamedTuple, Sequence


class Edit(NamedTuple):
    """Replace ``text[start:end]`` by ``after``."""

    start: int
    end: int
    after: str


class OffsetMap:
    """Maps positions in an edited text back to the text before the edits.

    Stored as pieces (new_start, old_start, new_len, old_len, edited), so its size grows
    with the number of edits, not with the text.
    """

    __slots__ = ("_new_starts", "_pieces")

    def __init__(self, pieces: list[tuple[int, int, int, int, bool]]):
        self._pieces = pieces
        self._new_starts = [p[0] for p in pieces]

    def to_old(self, positions: Iterable[int], *, end: bool = False) -> list[int]:
        """The positions before the edits of ``positions`` (a stage maps all its hits in
        one call); ``end`` positions at a piece boundary belong to the piece before it."""
        pieces, starts = self._pieces, self._new_starts
        if not pieces:
            return list(positions)
        out = []
        for pos in positions:
            i = bisect_right(starts, pos) - 1
            if i < 0:
                out.append(pos)
                continue
            new_start, old_start, new_len, old_len, edited = pieces[i]
            if end and i > 0 and pos == new_start:
                # An end position at a piece boundary belongs to the piece before it.
                new_start, old_start, new_len, old_len, edited = pieces[i - 1]
            if not edited:
                out.append(old_start + min(pos - new_start, old_len))
            else:
                out.append(old_start + (old_len if (end or pos > new_start) else 0))
        return out


def apply_edits(text: str, edits: Sequence[Edit]) -> tuple[str, OffsetMap]:
    """Apply sorted, non-overlapping edits; return the new text and its offset map."""
    out: list[str] = []
    pieces: list[tuple[int, int, int, int, bool]] = []
    prev = 0
    new_pos = 0
    for start, end, after in edits:
        if start < prev or end < start:
            raise ValueError(f"overlapping or inverted edit at {start}:{end}")
        if start > prev:
            out.append(text[prev:start])
            pieces.append((new_pos, prev, start - prev, start - prev, False))
            new_pos += start - prev
        out.append(after)
        pieces.append((new_pos, start, len(after), end - start, True))
        new_pos += len(after)
        prev = end
    if prev < len(text) or not pieces:
        out.append(text[prev:])
        pieces.append((new_pos, prev, len(text) - prev, len(text) - prev, False))
    return "".join(out), OffsetMap(pieces)


def map_to_source(positions: Iterable[int], maps: Sequence[OffsetMap], *, end: bool = False) -> list[int]:
    """Follow positions back through the maps of all earlier stages (latest first)."""
    positions = list(positions)
    for m in reversed(maps):
        positions = m.to_old(positions, end=end)
    return positions


def resolve_overlaps(candidates: Iterable[tuple[int, int, int]]) -> list[int]:
    """Pick non-overlapping spans: earliest start first, then the lower priority number.

    ``candidates`` are ``(start, end, priority)``; returns the indexes of those kept.
    Empty spans never conflict with anything but an identical position.
    """
    order = sorted(range(len(cands := list(candidates))), key=lambda i: (cands[i][0], cands[i][2], -cands[i][1]))
    kept: list[int] = []
    last_end = -1
    for i in order:
        start, end, _ = cands[i]
        if start < last_end or (start == last_end and start == end and kept and cands[kept[-1]][0] == start):
            continue
        kept.append(i)
        last_end = max(last_end, end)
    kept.sort(key=lambda i: cands[i][0])
    return kept


def assemble(text: str) -> str:
    """Final layout: lines stripped, one blank line between paragraphs, one final newline.

    A pure function of the edited text, so replaying hits and then assembling rebuilds the
    output exactly. Whitespace is layout, not content: it is the only change made here.
    """
    lines: list[str] = []
    blank = False
    for line in text.split("\n"):
        line = line.strip()
        if not line:
            blank = bool(lines)
            continue
        if blank:
            lines.append("")
            blank = False
        lines.append(line)
    return "\n".join(lines) + "\n" if lines else ""


def replay(text: str, hits: Iterable) -> str:
    """Rebuild a document's output from its input and its hits (stage by stage)."""
    by_stage: dict[int, list[Edit]] = {}
    for h in hits:
        if h.action == "flag":
            continue
        by_stage.setdefault(h.stage, []).append(Edit(h.start, h.end, h.after))
    for stage in sorted(by_stage):
        text, _ = apply_edits(text, sorted(by_stage[stage]))
    return assemble(text)

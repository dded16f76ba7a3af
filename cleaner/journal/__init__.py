"""The journal of one document: its working text, the offset maps of every stage, and the
hits so far.

Stages propose edits; the journal applies them, records a :class:`~cleaner.model.Hit` for
each (its span in the stage's text and mapped back to the input) and keeps the maps, so a
document's hits replay to its output (:func:`cleaner.journal.edits.replay`).
"""
from __future__ import annotations

from functools import partial
from typing import Sequence

from cleaner.journal.edits import Edit, apply_edits, map_to_source
from cleaner.model import FLAG, Hit, RuleRef as Rule

_new_hit = partial(tuple.__new__, Hit)  # a Hit from all its fields, without NamedTuple's Python __new__


class Journal:
    """The text as it passes through the stages, with offset maps and the hits so far."""

    def __init__(self, text: str):
        self.input = text
        self.text = text
        self.maps = []
        self.hits: list[Hit] = []
        self.stage = 0

    def _record(self, changes: Sequence[tuple[Edit, Rule, str, str]]) -> None:
        """A hit for each ``(edit, rule, action, detail)`` on the current text, its span
        mapped back to the input in one pass per earlier stage."""
        starts = [c[0].start for c in changes]
        ends = [c[0].end for c in changes]
        src_starts = map_to_source(starts, self.maps)
        src_ends = map_to_source(ends, self.maps, end=True)
        text, stage, hits = self.text, self.stage, self.hits
        for (edit, rule, action, detail), start, end, src_start, src_end in zip(changes, starts, ends, src_starts, src_ends):
            hits.append(_new_hit((rule.code, rule.name, action, start, end, text[start:end], edit.after, rule.message,
                                  stage, src_start, src_end, detail)))

    def flag(self, rule: Rule, start: int, end: int, detail: str = "") -> None:
        """A warning hit: the text is unchanged."""
        self._record([(Edit(start, end, self.text[start:end]), rule, FLAG, detail)])

    def note(self, rule: Rule, detail: str) -> None:
        """A warning about the whole document (no span), after every stage."""
        self.hits.append(Hit(rule.code, rule.name, FLAG, 0, 0, "", "", rule.message, self.stage, 0, 0, detail))

    def commit(self, changes: Sequence[tuple[Edit, Rule, str, str]]) -> None:
        """Apply one stage's non-overlapping edits and record a hit for each."""
        if not changes:
            return
        changes = sorted(changes, key=lambda c: (c[0].start, c[0].end))
        self._record(changes)
        self.text, offset_map = apply_edits(self.text, [c[0] for c in changes])
        self.maps.append(offset_map)
        self.stage += 1

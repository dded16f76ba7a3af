"""Data the pipeline passes between stages: blocks, hits and the result of a clean."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple, Protocol

# What a hit did to the text.
DROP = "drop"          # a whole block went
STRIP = "strip"        # an inline span inside a kept block went
SUBSTITUTE = "substitute"  # a phrase was rewritten
REPAIR = "repair"      # a character-level repair (encoding, escapes, invisible characters)
FLAG = "flag"          # a warning for a reviewer; the text is unchanged
ACTIONS = (DROP, STRIP, SUBSTITUTE, REPAIR, FLAG)
KEEP = "keep"          # a block's final decision when it stays (Block.final is KEEP or DROP)


class RuleRef(Protocol):
    """What a hit needs of the rule that made it (a :class:`cleaner.rules.Rule`)."""

    code: str
    name: str
    message: str


class Hit(NamedTuple):
    """One change (or warning) made by one rule.

    ``start``/``end`` are offsets in the text the stage received (``stage_text``), so a
    document's hits can be replayed stage by stage (see :func:`cleaner.edits.replay`);
    ``src_start``/``src_end`` are the same span mapped back to the decoded input, which is
    what a reviewer looks at.  (A named tuple: immutable, and cheap to make by the hundred
    for every page.)
    """

    code: str
    name: str
    action: str
    start: int
    end: int
    before: str
    after: str
    message: str
    stage: int = 0
    src_start: int = -1
    src_end: int = -1
    detail: str = ""

    def to_dict(self) -> dict:
        return {
            "code": self.code,
            "name": self.name,
            "action": self.action,
            "start": self.src_start,
            "end": self.src_end,
            "before": self.before,
            "after": self.after,
            "message": self.message,
            "detail": self.detail,
        }


@dataclass(slots=True)
class Block:
    """A unit of the page the classifier keeps or drops: a paragraph, a line, a heading.

    ``start``/``end`` are offsets in the working text; ``text`` is ``working[start:end]``.
    ``tag`` is the block's role (``p``, ``h``, ``li``, ``title``, ``caption``, ``pre``,
    ``td``); ``hints`` are DOM hints from HTML input (``nav``, ``aside``, ``footer``,
    ``related``, ``share``, ``comments``, ``newsletter``, ``ad``, ``cookie``, ...).
    ``label`` is the context-free class, ``final`` the decision after the context pass;
    ``code`` names the rule that made the decision and ``reason`` the measured value.
    """

    start: int
    end: int
    text: str
    tag: str = "p"
    hints: frozenset[str] = frozenset()
    link_chars: int = 0
    label: str = ""
    final: str = ""
    code: str = ""
    reason: str = ""
    features: dict = field(default_factory=dict)

    @property
    def kept(self) -> bool:
        return self.final != DROP


@dataclass(frozen=True, slots=True)
class CleanResult:
    """What :func:`cleaner.clean` returns: the clean text, every hit, and the language."""

    text: str
    hits: tuple[Hit, ...]
    language: str
    input_text: str = ""
    metadata: dict = field(default_factory=dict)

    @property
    def changes(self) -> tuple[Hit, ...]:
        return tuple(h for h in self.hits if h.action != FLAG)

    @property
    def warnings(self) -> tuple[Hit, ...]:
        return tuple(h for h in self.hits if h.action == FLAG)

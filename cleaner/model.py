"""Data the pipeline passes between stages: blocks, hits and the result of a clean."""
from __future__ import annotations

import unicodedata
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


def line_key(text: str) -> str:
    """A line as a review compares it (a rule's allow list, a mark on a re-run):
    compatibility forms folded, invisible format characters (zero-width spaces, soft
    hyphens) dropped, runs of white space made one space. The repair stage may have done
    either between the input a reviewer saw and the text a rule reads; exact otherwise.

    >>> line_key("  Sign\u200b up\n for   news ") == line_key("Sign up for news")
    True
    """
    text = unicodedata.normalize("NFKC", text)
    return " ".join("".join(ch for ch in text if unicodedata.category(ch) != "Cf").split())


class RuleRef(Protocol):
    """What a hit needs of the rule that made it (a :class:`cleaner.rules.Rule`)."""

    code: str
    name: str
    message: str


class Hit(NamedTuple):
    """One change (or warning) made by one rule.

    ``start``/``end`` are offsets in the text the stage received (``stage_text``), so a
    document's hits can be replayed stage by stage (see :func:`cleaner.journal.edits.replay`);
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
    # The role of each non-blank line of ``text``, in order (see ROLES): what the Markdown
    # output is built from, so every format shows the same kept lines.
    structure: tuple[str, ...] = ()

    @property
    def changes(self) -> tuple[Hit, ...]:
        return tuple(h for h in self.hits if h.action != FLAG)

    @property
    def warnings(self) -> tuple[Hit, ...]:
        return tuple(h for h in self.hits if h.action == FLAG)


# The roles a line of the output can have (``CleanResult.structure``): the headline, a
# heading of level 1-6, a list item (bulleted, or numbered as written), a quotation, a
# line of preformatted text ("pre:<n>" when it is indented by n columns), a table cell ("td:<row>", cells of one row share <row>), a
# caption, or a paragraph line.
ROLES = ("title", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ol", "quote", "pre", "td", "caption", "p")


# -- HTML input: what the DOM walk gives the content core ------------------------------


class HtmlBlock(NamedTuple):
    """The own text of one block-level element, with what its ancestors say about it.

    ``tag`` is the block's role (p, h, li, title, caption, pre, td, quote); ``hints`` the
    DOM hints of its ancestors (tag names and class/id vocabulary, see rules/html.toml);
    ``link_chars`` the characters inside ``<a>``; ``path`` a short DOM path for reports;
    ``hint_owners`` pairs each hint with the element that gave it (to undo a hint whose
    element turns out to hold the article); ``ancestors`` the ids of enclosing elements;
    ``heading_level`` is 1..6 for h1..h6, else 0; ``outer`` and ``row`` place it in a list,
    quotation or table row (for structured output).  (A named tuple: immutable and cheap to
    make, which matters at a few hundred blocks a page.)
    """

    text: str
    tag: str
    hints: frozenset[str] = frozenset()
    link_chars: int = 0
    path: str = ""
    hint_owners: tuple[tuple[str, int], ...] = ()
    ancestors: tuple[int, ...] = ()
    heading_level: int = 0
    breaks: int = 0
    outer: str = ""   # role of the nearest li, blockquote, td/th or pre around it ("" if none)
    row: int = -1     # id of the enclosing table row, -1 outside tables
    indents: tuple[int, ...] = ()  # preformatted text: each line's indentation (columns), () if none


@dataclass(frozen=True, slots=True)
class HtmlPage:
    """A parsed page: ``text`` is the block texts joined by blank lines."""

    text: str
    blocks: list[HtmlBlock]
    title: str
    lang: str = ""
    removed_elements: int = 0
    hover_cards: int = 0    # nested hover cards whose text was left out (HT119)
    skipped: tuple[tuple[str, int, int], ...] = ()  # (tag, elements, characters of text) skipped (HT100)
    hover_texts: tuple[tuple[int, str], ...] = ()   # (block index, text) of each hover card left out
    noscript_read: int = 0  # characters of <noscript> read as the page (its visible text was nearly empty)
    source_size: int = 0    # characters (or UTF-8 bytes) of the markup parsed
    declared: frozenset[str] = frozenset()  # schema.org types (JSON-LD) and "og:<type>"
    url: str = ""           # the address the page declares (canonical link, og:url)

    @property
    def hidden_chars(self) -> int:
        """Characters of text in the elements the parse left out (a <noscript>, a form's
        labels; a script's or a style's code is not text)."""
        return sum(chars for _, _, chars in self.skipped)

    def block_offsets(self) -> list[tuple[int, int]]:
        """(start, end) of each block in ``text``."""
        out, pos = [], 0
        for b in self.blocks:
            out.append((pos, pos + len(b.text)))
            pos += len(b.text) + 2
        return out


class Decision(NamedTuple):
    """Keep or drop one block: the rule that decided, why, and the context-free label."""

    keep: bool
    code: str
    name: str
    reason: str
    label: str = ""

"""The role of every output line (headline, heading, list item, quotation, table cell,
preformatted, paragraph): what structured output (Markdown) is built from.

Roles come from the blocks the lines were kept from: from the DOM for HTML (the element
that gave the block its role), from the line's own shape for scraped text (a bullet or a
number in front).  The text itself is not touched here, so the hits stay true for every
output format.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from typing import Mapping, Sequence

from cleaner.formats import BULLET
from cleaner.journal.edits import OffsetMap, map_to_source
from cleaner.model import Block, HtmlBlock

_NUMBERED = re.compile(r"\d{1,3}[.)]\s+(?=\S)")


def dom_role(hb: HtmlBlock, tag: str) -> str:
    """The role of an HTML block: its DOM role, a heading with its level, a table cell
    with the row it is in (cells of one row share it)."""
    if tag == "title":
        return "title"
    if tag == "h":
        return f"h{min(max(hb.heading_level, 1), 6)}" if hb.heading_level else "h2"
    if tag == "caption":
        return tag
    role = hb.outer or tag  # a paragraph inside a list item, quotation or cell is one of those
    if role == "td":
        return f"td:{hb.row}"
    if role == "pre" and hb.indents:
        return "pre:" + ",".join(map(str, hb.indents))  # each line's indentation (see line_roles)
    return role if role in ("li", "quote", "pre") else "p"


def _pre_line(role: str, block: Block, at: int) -> str:
    """A preformatted line's role with its own indentation: "pre:4", or "pre" when none."""
    indents = role[4:].split(",")
    k = block.text.count("\n", 0, max(0, at - block.start))
    n = int(indents[k]) if k < len(indents) else 0
    return f"pre:{n}" if n else "pre"


def text_role(line: str) -> str:
    """The role a scraped line's shape gives it: a bulleted or numbered item, else a
    paragraph line."""
    if BULLET.match(line):
        return "li"
    if _NUMBERED.match(line):
        return "ol"
    return "p"


def line_roles(text: str, blocks: Sequence[Block], maps: Sequence[OffsetMap],
               dom_roles: Mapping[int, str] | None = None) -> list[tuple[str, str]]:
    """``(line, role)`` of each non-blank line of ``text`` (stripped) (the working text after the last edits),
    found through the offset maps in the block its first character came from.

    ``blocks`` are offsets in the text before ``maps``; ``dom_roles`` maps a block's start
    to its DOM role (HTML), else the roles come from the lines' shape."""
    spans: list[tuple[int, str]] = []
    pos = 0
    for line in text.split("\n"):
        stripped = line.strip()
        if stripped:
            spans.append((pos + len(line) - len(line.lstrip()), stripped))
        pos += len(line) + 1
    starts = [b.start for b in blocks]
    roles: list[tuple[str, str]] = []
    for at, (_, line) in zip(map_to_source([s for s, _ in spans], maps), spans):
        i = bisect_right(starts, at) - 1
        block = blocks[i] if i >= 0 and at < max(blocks[i].end, blocks[i].start + 1) else None
        if block is not None and block.tag == "title":
            role = "title"
        elif dom_roles is not None:
            role = dom_roles.get(block.start, "p") if block is not None else "p"
            if role.startswith("pre:"):
                role = _pre_line(role, block, at)
        else:
            role = text_role(line)
        roles.append((line, role))
    return roles

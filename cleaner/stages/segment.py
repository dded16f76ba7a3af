"""Split a text into blocks: lines, with fragments of one sentence joined back together.

Scraped text breaks a sentence at every inline link or emphasis ("Read the\\nreport\\nhere."),
so line n+1 joins line n when it reads as the same sentence going on. Joining every run of
non-blank lines is worse than not joining at all (menus become long "paragraphs"), so
only clear continuations join; a blank line always ends a block.
"""
from __future__ import annotations

import re
from itertools import accumulate
from operator import add
from typing import Iterator

from cleaner.content.chars import SENTENCE_END as _SENTENCE_END
from cleaner.model import Block

_CONTINUES_AFTER = re.compile(r"(?:[,;:(\[\u2013\u2014-]|\b(?:a|an|the|of|to|in|on|for|and|or|but|with|by|at|from|as|that|is|are|was|were)|[\"\u201c\u2018])\s*$", re.IGNORECASE)
_CONTINUES_BEFORE = re.compile(r"^\s*(?:[a-z\u00e0-\u00ff]|[,.;:!?)\]\u201d\u2019%])")
LONG_LINE = 100


def _starts(parts: list[str]) -> Iterator[int]:
    """Offsets of the lines ``text.split("\n")`` gave (C-level iterators, no Python loop)."""
    return accumulate(map(_PLUS_ONE, map(len, parts)), initial=0)


_PLUS_ONE = (1).__add__


def lines(text: str) -> Iterator[tuple[int, int]]:
    """``(start, end)`` of every line, without its newline."""
    parts = text.split("\n")
    starts = list(_starts(parts))
    return zip(starts, map(add, starts, map(len, parts)))


def joins(prev: str, line: str, long_line: int = LONG_LINE) -> bool:
    """Does ``line`` continue the sentence of ``prev``?

    It does when it starts lower case or with punctuation, when ``prev`` ends in ``, ; : (``,
    a dash, a quote or a stopword, or when ``prev`` is long (``long_line`` characters or
    more; 0 turns this off) and has no sentence-final punctuation: a link cut it off.

    >>> joins("Apple plans a new laptop in 2020, according to sources cited by the publication", "DigiTimes", 60)
    True
    >>> joins("Home", "News")
    False
    """
    if _CONTINUES_BEFORE.match(line):
        return True
    # Measured without the edge spaces assembly strips, so the output joins as its input did.
    prev = prev.strip()
    if long_line and len(prev) >= long_line and not _SENTENCE_END.search(prev):
        return True
    return bool(_CONTINUES_AFTER.search(prev)) and len(prev) > 20


def split_lines(text: str) -> list[Block]:
    """One block per non-blank line, without the spaces at its edges: assembly strips them,
    so every decision is made on the line as the output will hold it (a trailing space
    must not decide a bullet or a join that a second cleaning would decide otherwise)."""
    parts = text.split("\n")
    out = []
    for start, part in zip(_starts(parts), parts):
        line = part.strip()  # the same object when there is nothing to strip
        if not line:
            continue
        if line is not part:
            start += len(part) - len(part.lstrip())
        out.append(Block(start, start + len(line), line))
    return out


def join_fragments(blocks: list[Block], text: str, long_line: int = LONG_LINE) -> list[Block]:
    """Join undecided line blocks that continue the sentence of the line before.

    Lines a keyword rule already decided stand alone: "vor 2 Stunden" starts lower case
    but is a teaser's time, not the end of a sentence. A blank line always ends a block.
    """
    out: list[Block] = []
    grown: list[Block] = []
    last_line = ""  # the last line of out[-1]: never re-split the growing block
    for block in blocks:
        prev = out[-1] if out else None
        if (prev is not None and not prev.final and not block.final
                and text.count("\n", prev.end, block.start) == 1
                and joins(last_line, block.text, long_line)):
            if not grown or grown[-1] is not prev:
                grown.append(prev)
            prev.end = block.end
            last_line = block.text.rsplit("\n", 1)[-1]
            continue
        out.append(block)
        last_line = block.text.rsplit("\n", 1)[-1]
    for b in grown:  # text set once per joined block, not copied again at every join
        b.text = text[b.start:b.end]
    return out

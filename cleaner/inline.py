"""Inline rules inside kept blocks: ``strip`` spans, ``substitute`` phrases, ``flag`` garbles.

A ``flag`` pattern with a group named ``mark`` flags only that group: the orphan closing
quote, not the whole clause the pattern had to read to know it is an orphan.
"""
from __future__ import annotations

from typing import Iterator, Sequence

from cleaner.model import FLAG, STRIP, SUBSTITUTE, Block
from cleaner.rules import Rule

_ACTION = {"strip": STRIP, "substitute": SUBSTITUTE, "flag": FLAG}


def matches(blocks: Sequence[Block], rules: Sequence[Rule]) -> Iterator[tuple[int, int, str, Rule, str]]:
    """``(start, end, after, rule, action)`` of every inline match in kept blocks.

    Spans are offsets in the working text; matches never cross a line break, and the
    caller resolves overlaps by position and rule order.
    """
    for block in blocks:
        if not block.kept:
            continue
        text = block.text
        for rule in rules:
            for pattern in rule.compiled:
                for m in pattern.finditer(text):
                    before = m.group(0)
                    if not before or "\n" in before:
                        continue
                    if rule.kind == "strip":
                        after = ""
                    elif rule.kind == "substitute":
                        after = rule.expand(m)
                        if after == before:
                            continue
                    else:
                        after = before
                    start, end = m.span()
                    if rule.kind == "flag" and "mark" in pattern.groupindex:
                        # A flag may point at one part of its match: the group named "mark".
                        start, end = m.span("mark")
                        after = text[start:end]
                    yield block.start + start, block.start + end, after, rule, _ACTION[rule.kind]

"""Inline rules inside kept blocks: ``strip`` spans, ``substitute`` phrases, ``flag`` garbles.

A ``flag`` pattern with a group named ``mark`` flags only that group: the orphan closing
quote, not the whole clause the pattern had to read to know it is an orphan.
"""
from __future__ import annotations

from bisect import bisect_right
from typing import Iterator, Sequence

from cleaner.model import FLAG, STRIP, SUBSTITUTE, Block
from cleaner.rules import Rule

_ACTION = {"strip": STRIP, "substitute": SUBSTITUTE, "flag": FLAG}


def matches(text: str, lowered: str, blocks: Sequence[Block], rules: Sequence[Rule]
            ) -> Iterator[tuple[int, int, str, Rule, str]]:
    """``(start, end, after, rule, action)`` of every inline match in kept blocks.

    Each rule whose required literals occur in the document scans the whole text once;
    matches outside kept blocks or across a line break are ignored. Spans are offsets in
    the working text; the caller resolves overlaps by position and rule order.
    """
    kept = [(b.start, b.end) for b in blocks if b.kept]
    if not kept:
        return
    starts = [s for s, _ in kept]
    for rule in rules:
        if not rule.may_match(lowered):
            continue
        for pattern in rule.compiled:
            for m in pattern.finditer(text):
                before = m.group(0)
                if not before or "\n" in before:
                    continue
                i = bisect_right(starts, m.start()) - 1
                if i < 0 or m.end() > kept[i][1]:
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
                yield start, end, after, rule, _ACTION[rule.kind]

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


def matches(text: str, blocks: Sequence[Block], rules: Sequence[Rule]
            ) -> Iterator[tuple[int, int, str, Rule, str]]:
    """``(start, end, after, rule, action)`` of every inline match in kept blocks.

    The kept blocks are joined into one string (a page is often mostly boilerplate), and
    each rule whose required literals occur in it scans it once; matches across a line
    break are ignored. Spans are offsets in the working ``text``; the caller resolves
    overlaps by position and rule order.
    """
    kept = [b for b in blocks if b.kept]
    if not kept:
        return
    parts, starts, pos = [], [], 0
    for b in kept:
        parts.append(text[b.start:b.end])
        starts.append(pos)
        pos += b.end - b.start + 1
    joined = "\n".join(parts)
    lowered = joined.lower()
    for rule in rules:
        if not rule.may_match(lowered):
            continue
        for pattern in rule.compiled:
            for m in pattern.finditer(joined):
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
                    after = joined[start:end]
                i = bisect_right(starts, start) - 1
                shift = kept[i].start - starts[i]
                yield start + shift, end + shift, after, rule, _ACTION[rule.kind]

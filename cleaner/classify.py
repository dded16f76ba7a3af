"""Keyword rules on blocks: ``drop-block`` and ``drop-run`` rules of the packs.

They run before the statistical scorer, so a block they drop counts as boilerplate when
the scorer looks at neighbours: junk cannot promote the short lines around it.
"""
from __future__ import annotations

from typing import Sequence

from cleaner.model import DROP, Block
from cleaner.rules import Rule


def flat(block: Block) -> str:
    """The block's text on one line, as block patterns see it."""
    return block.text.replace("\n", " ").strip()


def _matches(rule: Rule, text: str) -> bool:
    if len(text) > rule.param("max_chars", 1 << 30) or len(text) < rule.param("min_chars", 0):
        return False
    return any(p.search(text) for p in rule.compiled)


def decide(block: Block, rule: Rule, reason: str) -> None:
    block.final = DROP
    block.label = "bad"
    block.code = rule.code
    block.reason = reason


def apply_block_rules(blocks: Sequence[Block], rules: Sequence[Rule]) -> None:
    """Drop every undecided block that a ``drop-block`` rule matches (first rule wins)."""
    for block in blocks:
        if block.final:
            continue
        text = flat(block)
        for rule in rules:
            if _matches(rule, text):
                decide(block, rule, "pattern matched")
                break


def apply_run_rules(blocks: Sequence[Block], rules: Sequence[Rule]) -> None:
    """Drop runs such as related-story lists: anchors with the teaser lines before them.

    An anchor (say "5 hours ago") takes up to ``back`` short blocks before it; the run is
    dropped only when ``min_items`` anchors stand within ``gap`` blocks of each other, so one
    stray date line never takes a paragraph with it.
    """
    for rule in rules:
        back = rule.param("back", 0)
        max_chars = rule.param("max_chars", 400)
        min_items = rule.param("min_items", 2)
        gap = rule.param("gap", back + 2)
        follow = rule.param("follow", ())
        anchors = [i for i, b in enumerate(blocks) if not b.final and len(flat(b)) <= max_chars
                   and any(p.search(flat(b)) for p in rule.compiled)]
        if len(anchors) < min_items:
            continue
        # The gap counts undecided blocks only: lines a keyword rule already dropped do not
        # hold a run apart (else cleaning the output again would find the run).
        rank, n = [], 0
        for b in blocks:
            rank.append(n)
            n += not b.final
        groups: list[list[int]] = [[anchors[0]]]
        for i in anchors[1:]:
            if rank[i] - rank[groups[-1][-1]] <= gap:
                groups[-1].append(i)
            else:
                groups.append([i])
        for group in groups:
            if len(group) < min_items:
                continue
            lo = group[0]
            for anchor in group:
                decide(blocks[anchor], rule, f"run of {len(group)} items")
                # Teaser lines before this anchor, back to the previous item.
                j = anchor - 1
                taken = 0
                while j >= lo - (back if anchor == group[0] else 0) and j >= 0 and taken < back:
                    b = blocks[j]
                    if b.final == DROP and b.code == rule.code:
                        break
                    if b.final or len(flat(b)) > max_chars:
                        break
                    decide(b, rule, f"teaser of a run of {len(group)} items")
                    taken += 1
                    j -= 1
            j = group[-1] + 1
            while follow and j < len(blocks) and not blocks[j].final and any(p.search(flat(blocks[j])) for p in follow):
                decide(blocks[j], rule, "follows a run")
                j += 1

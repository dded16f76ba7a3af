"""Keyword rules on blocks: ``drop-block`` and ``drop-run`` rules of the packs.

They run before the statistical scorer, so a block they drop counts as boilerplate when
the scorer looks at neighbours: junk cannot promote the short lines around it.
"""
from __future__ import annotations

import re
from bisect import bisect_right
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


class BlockMatcher:
    """The ``drop-block`` rules of one language, compiled to test a block in one call.

    Anchored rules (every pattern starts with ``^``) are joined into one alternation tried
    at the block's start: a prose line fails each alternative at its first characters.
    The other rules run only where their required literals occur (:attr:`Rule.needles`).
    Built once per :class:`~cleaner.pipeline.Cleaner`; immutable, so safe to share.
    """

    def __init__(self, rules: Sequence[Rule]):
        self.rules = tuple(rules)
        anchored = [r for r in self.rules if r.anchored]
        parts, self._rule_of = [], {}
        for r in anchored:
            for p in r.patterns:
                name = f"r{len(parts)}"
                parts.append(f"(?P<{name}>{'(?i:' if r.ignorecase else '(?:'}{p[1:]}))")
                self._rule_of[name] = r
        try:
            self._combined = re.compile("|".join(parts), re.MULTILINE) if parts else None
        except re.error:  # a pattern that cannot be embedded: test every rule on its own
            self._combined, anchored = None, []
        self._anchored = tuple(anchored)
        codes = {r.code for r in anchored}
        self.loose = tuple(r for r in self.rules if r.code not in codes)

    def first_match(self, text: str, loose: Sequence[Rule]) -> Rule | None:
        """The first rule (in pack order) whose pattern matches the flat block ``text``;
        ``loose`` are the unanchored rules whose needles occur in the block."""
        best: Rule | None = None
        if self._combined is not None:
            m = self._combined.match(text)
            if m:
                rule = self._rule_of[m.lastgroup]
                if _matches(rule, text):
                    best = rule
                else:  # held back by max_chars: a later anchored rule may still match
                    best = next((r for r in self._anchored if r.order > rule.order and _matches(r, text)), None)
        for rule in loose:
            if best is not None and rule.order > best.order:
                break
            if _matches(rule, text):
                return rule
        return best

    def loose_by_block(self, blocks: Sequence[Block], lowered_doc: str) -> dict[int, list[Rule]]:
        """For each block, the unanchored rules one of whose needles occurs inside it.

        Needles are found with ``str.find`` over the whole (lower-cased) document, so a
        rule costs nothing on the many lines that cannot match it.
        """
        out: dict[int, list[Rule]] = {}
        if not self.loose or not blocks:
            return out
        starts = [b.start for b in blocks]
        for rule in self.loose:
            if rule.needles is None:
                hits = range(len(blocks))
            else:
                found: set[int] = set()
                for needle in rule.needles:
                    pos = lowered_doc.find(needle)
                    while pos >= 0:
                        i = bisect_right(starts, pos) - 1
                        if i >= 0 and pos < blocks[i].end:
                            found.add(i)
                            pos = lowered_doc.find(needle, blocks[i].end)
                        else:
                            pos = lowered_doc.find(needle, pos + 1)
                hits = found
            for i in hits:
                out.setdefault(i, []).append(rule)
        for rules in out.values():
            rules.sort(key=lambda r: r.order)
        return out


def apply_block_rules(blocks: Sequence[Block], matcher: BlockMatcher, lowered_doc: str | None,
                      checked: set[str] | None = None) -> None:
    """Drop every undecided block that a ``drop-block`` rule matches (first rule wins).

    ``lowered_doc`` is the lower-cased working text, or None when lower-casing changed its
    length (a few characters such as 'İ' grow): needles are then looked up block by block.
    ``checked`` holds texts no rule matched (block rules are context-free): they are not
    tested again, and the texts that pass now are added.
    """
    if checked:
        blocks = [b for b in blocks if b.final or flat(b) not in checked]
    loose = matcher.loose_by_block(blocks, lowered_doc) if lowered_doc is not None else None
    for i, block in enumerate(blocks):
        if block.final:
            continue
        text = flat(block)
        if checked is not None:
            checked.add(text)
        if loose is None:
            lowered = text.lower()
            rules = [r for r in matcher.loose if r.may_match(lowered)]
        else:
            rules = loose.get(i, ())
        rule = matcher.first_match(text, rules)
        if rule is not None:
            decide(block, rule, "pattern matched")


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

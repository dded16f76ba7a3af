"""Keyword rules on blocks: ``drop-block`` and ``drop-run`` rules of the packs.

They run before the statistical scorer, so a block they drop counts as boilerplate when
the scorer looks at neighbours: junk cannot promote the short lines around it.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from typing import Iterable, Sequence

import ahocorasick

from cleaner.model import DROP, Block
from cleaner.rules import Rule


def _too_common(needle: str) -> bool:
    """A needle such as "-" or "a" occurs in almost every block: its rule is always tried
    (a single non-ASCII sign such as "©" or "»" is rare enough to look for)."""
    return len(needle) < 2 and needle.isascii()


def flat(block: Block) -> str:
    """The block's text on one line, as block patterns see it."""
    return block.text.replace("\n", " ").strip()


def decide(block: Block, rule: Rule, reason: str) -> None:
    block.final = DROP
    block.label = "bad"
    block.code = rule.code
    block.reason = reason


class BlockMatcher:
    """The ``drop-block`` rules of one language, compiled to test a block in few calls.

    A pattern can only match a block holding one of its required literals (its needles,
    see :func:`cleaner.rules.required_literals`), so one Aho-Corasick pass over the
    document finds, for every block, the few patterns worth running.  Patterns whose
    needles are too common ("-", "a") are always tried: the anchored ones (``^`` first)
    are joined into one alternation tried at the block's start, where a prose line fails
    each alternative at its first characters; the others run one by one.
    Built once per :class:`~cleaner.pipeline.Cleaner`; immutable, so safe to share.
    """

    def __init__(self, rules: Sequence[Rule]):
        self.rules = tuple(sorted(rules, key=lambda r: r.order))
        # (rule position, pattern position) of every pattern, by how it is looked for.
        combined: list[tuple[int, int]] = []
        single: list[tuple[int, int]] = []
        by_needle: dict[str, list[tuple[int, int]]] = {}
        for i, r in enumerate(self.rules):
            for k, (found, anchored) in enumerate(zip(r.pattern_needles, r.pattern_anchored)):
                if found is not None and not any(map(_too_common, found)):
                    for needle in found:
                        by_needle.setdefault(needle, []).append((i, k))
                elif anchored:
                    combined.append((i, k))
                else:
                    single.append((i, k))
        parts, self._unit_of = [], {}
        for i, k in combined:
            r = self.rules[i]
            name = f"r{len(parts)}"
            parts.append(f"(?P<{name}>{'(?i:' if r.ignorecase else '(?:'}{r.patterns[k][1:]}))")
            self._unit_of[name] = (i, k)
        try:
            self._combined = re.compile("|".join(parts), re.MULTILINE) if parts else None
        except re.error:  # a pattern that cannot be embedded: test each on its own
            self._combined, single = None, sorted(single + combined)
            combined = []
        self._combined_units = tuple(combined)
        self._single = tuple(single)
        self._by_needle = ahocorasick.Automaton()
        for needle, units in by_needle.items():
            self._by_needle.add_word(needle, (len(needle), tuple(units)))
        self._by_needle.make_automaton()
        self._indexed = bool(by_needle)
        # Each rule's (min chars, max chars): the length test without parameter lookups.
        self._limits = tuple((r.param("min_chars", 0), r.param("max_chars", 1 << 30)) for r in self.rules)

    def _fits(self, i: int, text: str) -> bool:
        low, high = self._limits[i]
        return low <= len(text) <= high

    def first_match(self, text: str, candidates: Iterable[tuple[int, int]] = ()) -> Rule | None:
        """The first rule (in pack order) one of whose patterns matches the flat block
        ``text``; ``candidates`` are the (rule, pattern) positions found by their needles,
        besides the patterns that are always tried."""
        best = len(self.rules)
        if self._combined is not None:
            m = self._combined.match(text)
            if m:
                i, _ = self._unit_of[m.lastgroup]
                if self._fits(i, text):
                    best = i
                else:  # held back by its length limits: a later pattern may still match
                    best = next((j for j, k in self._combined_units if j > i and self._fits(j, text)
                                 and self.rules[j].compiled[k].search(text)), best)
        units = self._single
        if candidates:
            units = sorted({*units, *candidates})
        rules = self.rules
        for i, k in units:
            if i >= best:
                break
            if self._fits(i, text) and rules[i].compiled[k].search(text):
                best = i
                break
        return rules[best] if best < len(rules) else None

    def candidates(self, text: str) -> set[tuple[int, int]]:
        """The (rule, pattern) positions one of whose needles occurs in ``text``
        (lower-cased)."""
        if not self._indexed:
            return set()
        return {u for _, (_, units) in self._by_needle.iter(text) for u in units}

    def candidates_by_block(self, blocks: Sequence[Block], lowered_doc: str) -> dict[int, set[tuple[int, int]]]:
        """For each block, the (rule, pattern) positions one of whose needles lies inside
        it, found in one pass over the whole (lower-cased) document."""
        out: dict[int, set[tuple[int, int]]] = {}
        if not self._indexed or not blocks:
            return out
        starts = [b.start for b in blocks]
        last = -1
        for end, (n, units) in self._by_needle.iter(lowered_doc):
            i = bisect_right(starts, end - n + 1) - 1
            if i >= 0 and end < blocks[i].end:
                if i != last:
                    found = out.setdefault(i, set())
                    last = i
                found.update(units)
        return out


def apply_block_rules(blocks: Sequence[Block], matcher: BlockMatcher, lowered_doc: str | None,
                      checked: set[str] | None = None) -> None:
    """Drop every undecided block that a ``drop-block`` rule matches (first rule wins).

    ``lowered_doc`` is the lower-cased working text, or None when lower-casing changed its
    length (a few characters such as 'İ' grow): needles are then looked up block by block,
    as they are for joined lines.
    ``checked`` holds texts no rule matched (block rules are context-free): they are not
    tested again, and the texts that pass now are added.
    """
    if checked:
        blocks = [b for b in blocks if b.final or flat(b) not in checked]
    by_block = matcher.candidates_by_block(blocks, lowered_doc) if lowered_doc is not None else None
    for i, block in enumerate(blocks):
        if block.final:
            continue
        text = flat(block)
        if checked is not None:
            checked.add(text)
        if by_block is None or "\n" in block.text:
            # Joined lines: a needle may span the line break that flat() made a space.
            candidates = matcher.candidates(text.lower())
        else:
            candidates = by_block.get(i, ())
        rule = matcher.first_match(text, candidates)
        if rule is not None:
            decide(block, rule, "pattern matched")


def apply_run_rules(blocks: Sequence[Block], rules: Sequence[Rule]) -> None:
    """Drop runs such as related-story lists: anchors with the teaser lines before them.

    An anchor (say "5 hours ago") takes up to ``back`` short blocks before it; the run is
    dropped only when ``min_items`` anchors stand within ``gap`` blocks of each other, so one
    stray date line never takes a paragraph with it.
    """
    flats: list[str] = []
    lowered = ""
    for rule in rules:
        if not flats:
            flats = [flat(b) for b in blocks]
            lowered = "\n".join(flats).lower()
        if not rule.may_match(lowered):
            continue
        back = rule.param("back", 0)
        max_chars = rule.param("max_chars", 400)
        min_items = rule.param("min_items", 2)
        gap = rule.param("gap", back + 2)
        follow = rule.param("follow", ())
        searches = [p.search for p in rule.compiled]
        anchors = [i for i, (b, text) in enumerate(zip(blocks, flats)) if not b.final and len(text) <= max_chars
                   and any(search(text) for search in searches)]
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
                    if b.final or len(flats[j]) > max_chars:
                        break
                    decide(b, rule, f"teaser of a run of {len(group)} items")
                    taken += 1
                    j -= 1
            j = group[-1] + 1
            while follow and j < len(blocks) and not blocks[j].final and any(p.search(flats[j]) for p in follow):
                decide(blocks[j], rule, "follows a run")
                j += 1

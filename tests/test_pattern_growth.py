"""Every built-in pattern costs time linear in its input, on inputs made to make it
backtrack (:mod:`adversarial`): ten times the input may cost at most ``MAX_RATIO`` times
the time, and no input may cost more than a cap.

A quadratic pattern (``\\s+$`` on 100,000 spaces and an "x": a minute) shows as a ratio near
100; a linear one at 10 to 20.  Times under ``FLOOR`` are noise and count as ``FLOOR``; a
pattern far too slow on 2 kB or 10 kB fails there, before the 100 kB run.
"""
from __future__ import annotations

import gc
import time

import pytest

from adversarial import fill, units

PROBE, SMALL, BIG = 2_000, 10_000, 100_000
MAX_RATIO = 30.0  # a linear pattern measures up to ~20 (cache misses on the longer text), a quadratic one ~100
FLOOR = 0.0005  # s: a linear pattern scans 10 kB in less
PROBE_CAP = 0.02  # s for 2 kB: a linear pattern takes well under 1 ms
SMALL_CAP = 0.05  # s for 10 kB (a linear pattern takes at most 3 ms): stop before the 100 kB run
BIG_CAP = 2.0  # s for 100 kB


def _cost(pattern, text: str, repeat: int) -> float:
    """The best CPU time of ``repeat`` scans (other processes on a shared machine do not
    count), without the garbage collector (tens of thousands of match objects would make
    its pauses part of the measure)."""
    best = float("inf")
    gc.disable()
    try:
        for _ in range(repeat):
            t0 = time.process_time()
            for _ in pattern.finditer(text):
                pass
            best = min(best, time.process_time() - t0)
    finally:
        gc.enable()
    return best


def _growth(pattern, unit: str) -> str | None:
    """Why ``pattern`` grows faster than linearly on ``unit`` repeated, or None."""
    probe = _cost(pattern, fill(unit, PROBE), 1)  # a cubic pattern would take minutes at 10 kB
    if probe > PROBE_CAP:
        return f"{probe:.2f} s on {PROBE:,} chars"
    small = _cost(pattern, fill(unit, SMALL), 2)
    if small > SMALL_CAP:
        return f"{small:.2f} s on {SMALL:,} chars"
    big = _cost(pattern, fill(unit, BIG), 1)
    if big / max(small, FLOOR) > MAX_RATIO and big <= BIG_CAP:  # one retry, for a borderline ratio
        small = min(small, _cost(pattern, fill(unit, SMALL), 2))
        big = min(big, _cost(pattern, fill(unit, BIG), 2))
    ratio = big / max(small, FLOOR)
    if ratio > MAX_RATIO or big > BIG_CAP:
        return f"{small * 1e3:.1f} ms on {SMALL:,} chars, {big * 1e3:.1f} ms on {BIG:,} (x{ratio:.0f})"
    return None


def _patterns(rules):
    """Each rule's patterns that the pipeline runs on text of any length: its patterns and
    its ``follow`` patterns (``extract`` runs only on a block the rule dropped, which its
    ``max_chars`` bounds: see the test below)."""
    for rule in rules:
        for pattern in (*rule.compiled, *rule.params.get("follow", ())):
            yield rule, pattern


def test_every_builtin_pattern_grows_linearly(all_rules):
    slow = []
    for rule, pattern in _patterns(all_rules):
        for unit in units(pattern.pattern, pattern.flags, rule.examples_hit):
            why = _growth(pattern, unit)
            if why:
                slow.append(f"{rule.code} {pattern.pattern!r} on {unit!r} repeated: {why}")
    assert not slow, "super-linear patterns:\n" + "\n".join(slow)


def test_extract_patterns_only_read_bounded_blocks(all_rules):
    """``extract`` reads the fields of a block its rule dropped; ``max_chars`` bounds its
    input, so its cost is bounded too (a lazy field before a trailing class is quadratic
    in the length of what it reads)."""
    unbounded = [r.code for r in all_rules if r.extract and not r.param("max_chars")]
    assert not unbounded, f"rules with extract patterns and no max_chars: {unbounded}"


@pytest.mark.parametrize("pattern, unit", [(r"[ \t]+$", " "), (r"^\s*[(\[]?\s*photo:", " "),
                                           (r"(?P<x>.*?)[\s.]*$", ".")])
def test_the_growth_test_sees_a_quadratic_pattern(pattern, unit):
    """The shapes fixed in the built-in packs: a trailing run (``\\s+$``: the search starts
    again at each space), two runs that can share the spaces, a lazy field before a run."""
    import re

    assert unit in units(pattern)
    assert _growth(re.compile(pattern, re.MULTILINE), unit)

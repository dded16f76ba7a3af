"""Adversarial text costs about what ordinary text costs: no pattern backtracks and no code
path rescans the text per match or per block.

Reference: the full default pipeline on ordinary article text (the seeds, 1 MB), timed in
the same run.  Each input built to trigger backtracking (long runs of spaces, dots,
letters, unclosed credit fragments, 1 MB lines) goes through the full pipeline at 1 MB and
through each rule pack alone at 64 KB; its time per MB must stay within ``MAX_RATIO`` of
the reference.  Run with ``pytest -s`` to see every ratio.
"""
from __future__ import annotations

import time
from pathlib import Path

import pytest

from cleaner.pipeline import Cleaner

ROOT = Path(__file__).resolve().parent.parent
MAX_RATIO = 10.0
MB = 1 << 20


def fill(unit: str, size: int) -> str:
    return (unit * (size // len(unit) + 1))[:size]


ADVERSARIAL = {
    "spaces": " ", "nbsp": "\u00a0", "tabs": "\t", "dots": ".", "letters": "a", "words": "ab ",
    "photo-open": "(Photo: ", "photo-by": "Photo by A/", "credit-lines": "(Photo: Jane Roe\n",
    "image-credit": "Image credit: ", "dashes": "-", "parens": "(", "brackets": "[", "by": "By ",
    "digits": "1", "zero-width": "\u200b", "ampersands": "&", "entities": "&amp", "mojibake": "Ã©",
    "home-menu": "HomeNews", "dates": "12.12.2020 ", "escapes": "\\n", "space-lines": " " * 200 + "\n",
    "the-the": "the the ", "caps": "ABC ", "short-lines": "Read more\n", "commas": ", ", "quotes": "\u201c",
    "sentence-fragments": "of the\n", "urls": "http://a.b/",
}


def per_mb(cleaner: Cleaner, text: str) -> float:
    t0 = time.perf_counter()
    cleaner.clean(text)
    return (time.perf_counter() - t0) / (len(text) / MB)


@pytest.fixture(scope="module")
def reference(all_rules):
    seeds = "\n\n".join(p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*.txt")))
    ordinary = fill(seeds + "\n\n", MB)
    full = Cleaner(rules=all_rules)
    full.clean(ordinary[:10000])  # warm up
    return min(per_mb(full, ordinary) for _ in range(3))


def _check(label: str, cleaner: Cleaner, text: str, reference: float, ratios: list) -> None:
    t = per_mb(cleaner, text)
    ratio = t / reference
    if ratio > MAX_RATIO:  # one retry: a loaded CI machine should not fail a linear path
        t = min(t, per_mb(cleaner, text))
        ratio = t / reference
    ratios.append((ratio, label))
    assert ratio <= MAX_RATIO, (f"{label}: {t:.2f} s/MB, {ratio:.1f}x ordinary text ({reference:.2f} s/MB); "
                                f"limit {MAX_RATIO}x")


@pytest.mark.slow
def test_full_pipeline_on_adversarial_1mb(all_rules, reference):
    full = Cleaner(rules=all_rules)
    ratios: list = []
    for name, unit in ADVERSARIAL.items():
        _check(f"full/{name}", full, fill(unit, MB), reference, ratios)
    worst = max(ratios)
    print(f"\nordinary text {reference:.2f} s/MB; adversarial 1 MB, full pipeline: worst {worst[0]:.1f}x ({worst[1]}); "
          + ", ".join(f"{n}={r:.1f}" for r, n in sorted(ratios, reverse=True)[:8]))


@pytest.mark.slow
def test_each_pack_on_adversarial_input(all_rules, reference):
    packs = sorted({r.pack for r in all_rules})
    ratios: list = []
    for pack in packs:
        cleaner = Cleaner(rules=all_rules, select=[pack + "."])
        cleaner.clean(fill("a", 1000))  # warm up: langdetect loads its profiles on first use
        for name, unit in ADVERSARIAL.items():
            _check(f"{pack}/{name}", cleaner, fill(unit, 64 * 1024), reference, ratios)
    worst = max(ratios)
    print(f"\nper pack ({len(packs)} packs x {len(ADVERSARIAL)} inputs, 64 KB): worst {worst[0]:.1f}x ({worst[1]}); "
          + ", ".join(f"{n}={r:.1f}" for r, n in sorted(ratios, reverse=True)[:8]))


def test_many_short_lines_scale_linearly(all_rules):
    """The context pass once rescanned to the nearest decided block for every short block."""
    cleaner = Cleaner(rules=all_rules, select=["scoring."])
    small, big = fill("(Photo: Jane Roe\n", 64 * 1024), fill("(Photo: Jane Roe\n", 256 * 1024)
    cleaner.clean(small)
    t_small = min(per_mb(cleaner, small) for _ in range(2))
    t_big = min(per_mb(cleaner, big) for _ in range(2))
    assert t_big / t_small < 3, f"4x the lines cost {t_big / t_small * 4:.1f}x the time"


def test_a_run_of_fullwidth_punctuation_scales_linearly():
    """The width repair once matched "[forms]*[alnum][forms]*", rescanning a run of
    fullwidth punctuation (U+FF01) from every position: quadratic (32k: 3 s, 192 KB: 19 s)."""
    cleaner = Cleaner()
    small, big = "\uff01" * 8000, "\uff01" * 64000
    cleaner.clean(small)  # warm up

    def best(text: str) -> float:
        times = []
        for _ in range(3):
            t0 = time.perf_counter()
            cleaner.clean(text)
            times.append(time.perf_counter() - t0)
        return min(times)

    ratio = best(big) / best(small)
    assert ratio < 24, f"8x the text cost {ratio:.1f}x the time (linear: ~8x)"

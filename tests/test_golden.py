"""Golden outputs of the seeds: exact comparison, with a readable diff on failure.

Goldens change only through ``python tests/update_golden.py``, and every change is read
line by line against its seed before it is committed.
"""
from __future__ import annotations

import difflib
import tomllib
from pathlib import Path

import pytest

from cleaner.journal.edits import replay

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))
BODY = tomllib.loads((ROOT / "tests" / "data" / "seed_body_sentences.toml").read_text(encoding="utf-8"))


def test_every_seed_has_a_golden():
    assert SEEDS, "no seeds"
    for seed in SEEDS:
        assert (ROOT / "golden" / seed.name).is_file(), f"golden/{seed.name} is missing"


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.stem)
def test_golden(seed, cleaner):
    expected = (ROOT / "golden" / seed.name).read_text(encoding="utf-8")
    got = cleaner.clean(seed.read_bytes()).text
    if got != expected:
        diff = "".join(difflib.unified_diff(expected.splitlines(True), got.splitlines(True),
                                            f"golden/{seed.name}", "cleaned now"))
        pytest.fail(f"output differs from golden/{seed.name}:\n{diff}", pytrace=False)


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.stem)
def test_body_sentences_survive(seed, cleaner):
    """No sentence of the article body is lost (the list is per seed, written by hand)."""
    sentences = BODY[seed.stem]["keep"]
    assert len(sentences) >= 5
    got = cleaner.clean(seed.read_bytes()).text
    missing = [s for s in sentences if s not in got]
    assert not missing, f"body sentences lost from {seed.name}: {missing}"


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.stem)
def test_cruft_is_gone(seed, cleaner):
    gone = BODY[seed.stem].get("gone", [])
    got = cleaner.clean(seed.read_bytes()).text
    left = [s for s in gone if s in got]
    assert not left, f"cruft left in {seed.name}: {left}"


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.stem)
def test_seed_hits_replay(seed, cleaner):
    result = cleaner.clean(seed.read_bytes())
    assert replay(result.input_text, result.hits) == result.text
    for h in result.hits:
        assert result.input_text[h.src_start:h.src_end] or h.action == "flag" or h.before == ""

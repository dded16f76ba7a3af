"""The repair corpus (tests/data/repair_corpus.toml): each original through text repair
gives its fixed text; negatives come out unchanged with no change hit; known failures
(expect = "fail") must still fail, so a fix shows up and the case can be promoted."""
from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from cleaner.journal.edits import assemble, replay
from cleaner.pipeline import repair_text

CORPUS = tomllib.loads((Path(__file__).parent / "data" / "repair_corpus.toml").read_text(encoding="utf-8"))["case"]
SEEDS = [p.read_text(encoding="utf-8") for p in (Path(__file__).parent.parent / "seeds").glob("*.txt")]


def _outcome(case) -> tuple[bool, str, list[str]]:
    result = repair_text(case["original"], lang=case.get("lang", "en"))
    codes = [h.code for h in result.hits]
    ok = result.text == assemble(case["fixed"]) and all(c in codes for c in case.get("codes", []))
    if case["section"] == "negative":
        ok = ok and not result.changes and not (case.get("no_flags") and result.warnings)
    assert replay(result.input_text, result.hits) == result.text
    return ok, result.text, codes


@pytest.mark.parametrize("case", CORPUS, ids=lambda c: f"{c['section']}:{c['label']}")
def test_repair_corpus(case):
    ok, got, codes = _outcome(case)
    if case["expect"] == "pass":
        assert ok, f"{case['label']}: {case['comment']}\n got {got!r}\n want {assemble(case['fixed'])!r}\n hits {codes}"
    else:
        assert not ok, f"known failure {case['label']} now passes: set expect = 'pass'"


def test_corpus_size_and_shape():
    labels = [c["label"] for c in CORPUS]
    assert len(labels) == len(set(labels)), "labels must be unique"
    for c in CORPUS:
        assert set(c) <= {"section", "label", "comment", "original", "fixed", "expect", "codes", "lang", "no_flags"}, c
        assert c["section"] in ("synthetic", "in-the-wild-style", "negative") and c["expect"] in ("pass", "fail")
    pairs = [c for c in CORPUS if c["section"] != "negative" and c["original"] != c["fixed"]]
    negatives = [c for c in CORPUS if c["section"] == "negative"]
    assert len(pairs) >= 60 and len(negatives) >= 20


def test_corpus_not_taken_from_seeds():
    for c in CORPUS:
        for line in c["original"].split("\n"):
            if len(line) > 30:
                assert not any(line in s for s in SEEDS), c["label"]

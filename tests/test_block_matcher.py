"""The block matcher (needle index, joined anchored patterns) finds exactly the rule a
plain loop over the rules finds: the first in pack order with a pattern that matches,
within the rule's length limits."""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cleaner.stages.classify import BlockMatcher
from cleaner.pipeline import Cleaner

CLEANER = Cleaner()
LANGS = ["en", "de", "fr", "*"]


def reference(rules, text):
    for r in sorted(rules, key=lambda r: r.order):
        if r.param("min_chars", 0) <= len(text) <= r.param("max_chars", 1 << 30) \
                and any(p.search(text) for p in r.compiled):
            return r
    return None


def examples(lang):
    rules = CLEANER.block_matcher(lang).rules
    return sorted({t for r in rules for t in r.examples_hit + r.examples_keep})


@pytest.mark.parametrize("lang", LANGS)
def test_every_rule_example_gets_the_reference_answer(lang):
    matcher = CLEANER.block_matcher(lang)
    for text in examples(lang):
        text = text.replace("\n", " ").strip()
        assert matcher.first_match(text, matcher.candidates(text.lower())) is reference(matcher.rules, text), text


PIECES = st.sampled_from(sorted({w for t in examples("en") for w in t.split()}) + ["(", ")", "/", "-", "©", "|", "»"])


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(PIECES, max_size=12).map(" ".join), st.sampled_from(LANGS))
def test_generated_blocks_get_the_reference_answer(text, lang):
    matcher = CLEANER.block_matcher(lang)
    assert matcher.first_match(text, matcher.candidates(text.lower())) is reference(matcher.rules, text)


def test_without_candidates_only_the_always_tried_patterns_run():
    matcher = BlockMatcher(CLEANER.block_matcher("en").rules)
    text = "Advertisement"
    assert matcher.first_match(text, matcher.candidates(text.lower())).code.startswith("AD")
    assert matcher.first_match(text, ()) is None  # its needle was not given

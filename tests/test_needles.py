"""The prefilter is safe: a text that a rule's pattern matches always holds one of the
rule's required literals (``Rule.needles``), so skipping a rule whose needles are absent
never loses a match.  Strings come from hypothesis' generator for each pattern."""
from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cleaner.rules import load_rules, required_literals

PREFILTERED = [(r, p) for r in load_rules() if r.needles is not None for p in r.compiled]


@pytest.mark.parametrize("rule,pattern", PREFILTERED, ids=[f"{r.code}:{i}" for i, (r, _) in enumerate(PREFILTERED)])
def test_every_match_holds_a_needle(rule, pattern):
    @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
    @given(st.data())
    def check(data):
        text = data.draw(st.from_regex(pattern))
        if pattern.search(text):
            assert rule.may_match(text.lower()), (rule.code, text, sorted(rule.needles))

    check()


@pytest.mark.parametrize("pattern,needles", [
    # Runs of literals and small classes multiply out.
    (r"[ \t],", {" ,", "\t,"}),
    # An optional character is either there or not.
    (r"(?<=\w)[ \t]?,(?:[ \t]?,)+(?=\s|$)", {",,", ", ,", ",\t,"}),
    # A repeated group contributes its first pass.
    (r"\b(?:foo|bar)(?: baz)+", {"foo baz", "bar baz"}),
    (r"^\s*Advertisement\s*$", {"advertisement"}),
])
def test_needles_of_known_patterns(pattern, needles):
    assert required_literals(pattern, re.IGNORECASE) == frozenset(needles)


def test_no_needles_when_a_match_can_be_empty_of_literals():
    assert required_literals(r"\w+\s\w+") is None
    assert required_literals(r"a?b?") is None

"""Every rule against its own examples: each 'hit' example fires it, each 'keep' does not.

Pattern rules run alone (``select`` = the rule), so an example tests the rule itself;
rules decided by code (scoring, dedupe, unicode) run with the default rule set, since
their decisions depend on the other stages.
"""
from __future__ import annotations

import pytest

from cleaner.journal.edits import assemble, replay
from cleaner.pipeline import Cleaner
from cleaner.rules import CODE_KINDS, load_rules

RULES = load_rules()


def _lang(rule) -> str:
    return next((lang for lang in rule.langs if lang != "*"), "en")


def _run(rule, text: str, all_rules):
    if rule.kind in CODE_KINDS:
        cleaner = Cleaner(rules=all_rules)
    else:
        cleaner = Cleaner(rules=all_rules, select=[rule.code])
    encoding = rule.param("example_encoding")
    data = text.encode(encoding) if encoding else text
    return cleaner.clean(data, lang=_lang(rule), html=rule.kind == "html")


def _codes(rule, example: str, all_rules) -> list[str]:
    """Codes that fired: hits, or for ``html`` rules every DOM decision (keeps included)."""
    if rule.kind == "html":
        from cleaner.stages.html import fired_codes

        return sorted(fired_codes(example))
    return [h.code for h in _run(rule, example, all_rules).hits]


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
def test_hit_examples_fire(rule, all_rules):
    for i, example in enumerate(rule.examples_hit):
        result = _run(rule, example, all_rules)
        codes = _codes(rule, example, all_rules)
        assert rule.code in codes, f"{rule.code} ({rule.name}) did not fire on its example {example!r}; hits: {codes}"
        if rule.examples_fixed:
            assert result.text == assemble(rule.examples_fixed[i]), f"{rule.code} on {example!r}"


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
def test_keep_examples_untouched(rule, all_rules):
    for example in rule.examples_keep:
        codes = _codes(rule, example, all_rules)
        assert rule.code not in codes, f"{rule.code} ({rule.name}) fired on a keep example {example!r}"


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
def test_examples_replay(rule, all_rules):
    """Hits replayed on the input rebuild the output, for every example."""
    for example in rule.examples_hit + rule.examples_keep:
        result = _run(rule, example, all_rules)
        assert replay(result.input_text, result.hits) == result.text


def test_every_rule_documents_itself():
    for rule in RULES:
        assert rule.message and rule.examples_hit and rule.examples_keep, rule.code

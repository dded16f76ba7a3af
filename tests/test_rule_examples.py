"""Every rule against its own examples: each 'hit' example fires it, each 'keep' does not
(the checker is :mod:`cleaner.run.rule_tests`, which ``clean-articles rules test`` runs)."""
from __future__ import annotations

import pytest

from cleaner.journal.edits import replay
from cleaner.rules import load_rules
from cleaner.run.rule_tests import ExampleRunner

RULES = load_rules()


@pytest.fixture(scope="module")
def runner(all_rules):
    return ExampleRunner(all_rules)


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
def test_hit_examples_fire(rule, runner):
    failures = runner.hit_failures(rule)
    assert not failures, "\n".join(map(str, failures))


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
def test_keep_examples_untouched(rule, runner):
    failures = runner.keep_failures(rule)
    assert not failures, "\n".join(map(str, failures))


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
def test_examples_replay(rule, runner):
    """Hits replayed on the input rebuild the output, for every example."""
    for example in rule.examples_hit + rule.examples_keep:
        result = runner.run(rule, example)
        assert replay(result.input_text, result.hits) == result.text


def test_every_rule_documents_itself():
    for rule in RULES:
        assert rule.message and rule.examples_hit and rule.examples_keep, rule.code

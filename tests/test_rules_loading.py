"""The built-in rule set: selection by code and name prefixes, unique well-formed codes.

Validation of (user) rule files is tested in test_rule_files.py."""
from __future__ import annotations

from cleaner.rules import load_rules, select_rules


def test_select_ignore_prefixes_and_profiles():
    rules = load_rules()
    assert {r.code[:2] for r in select_rules(rules, select=["AD"])} == {"AD"}
    assert not [r for r in select_rules(rules, ignore=["AD", "captions"]) if r.code.startswith(("AD", "CA"))]
    assert select_rules(rules, select=["ads.label-line"])[0].code == "AD201"


def test_codes_and_names_unique_and_well_formed():
    rules = load_rules()
    assert len({r.code for r in rules}) == len(rules)
    assert len({r.name for r in rules}) == len(rules)
    for r in rules:
        assert r.name.split(".")[0] in r.source, f"{r.code}: name should start with its pack"

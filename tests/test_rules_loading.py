"""Rule files are validated when loaded, with errors naming the file, the rule and the problem."""
from __future__ import annotations

import pytest

from cleaner.rules import RuleError, check_linear, load_rules, select_rules

GOOD = '''
[[rule]]
code = "ZZ101"
name = "mine.test-line"
kind = "drop-block"
pattern = '^zap$'
message = "test line"
examples.hit = ["zap"]
examples.keep = ["zapper"]
'''


def _load(tmp_path, text):
    p = tmp_path / "pack.toml"
    p.write_text(text)
    return load_rules([p])


def test_user_pack_loads_after_builtins(tmp_path):
    rules = _load(tmp_path, GOOD)
    assert rules[-1].code == "ZZ101" and rules[-1].name == "mine.test-line"


@pytest.mark.parametrize("change, problem", [
    (("pattern = '^zap$'", "patern = '^zap$'"), "unknown key 'patern'"),
    (("pattern = '^zap$'", "pattern = '^(zap$'"), "bad pattern"),
    (("pattern = '^zap$'", "pattern = '^(a+)+$'"), "exponential time"),
    (('examples.keep = ["zapper"]', ""), "missing example"),
    (('kind = "drop-block"', 'kind = "drop-it"'), "unknown kind"),
    (('code = "ZZ101"', 'code = "Z1"'), "code must be"),
    (('name = "mine.test-line"', 'name = "Mine Test"'), "name must be"),
    (('message = "test line"', ""), "missing or empty 'message'"),
])
def test_bad_packs_name_file_rule_and_problem(tmp_path, change, problem):
    with pytest.raises(RuleError) as err:
        _load(tmp_path, GOOD.replace(*change))
    assert "pack.toml" in str(err.value) and problem in str(err.value)


def test_duplicate_code_is_an_error(tmp_path):
    with pytest.raises(RuleError, match="AD201 is already defined"):
        _load(tmp_path, GOOD.replace("ZZ101", "AD201"))


def test_invalid_toml_is_an_error(tmp_path):
    with pytest.raises(RuleError, match="not valid TOML"):
        _load(tmp_path, "[[rule]\n")


@pytest.mark.parametrize("pattern", [r"(a+)+", r"(\w*\s?)*", r"(?:x|y+)*", r"(?:a{1,3})*"])
def test_nested_quantifiers_rejected(pattern):
    assert check_linear(pattern)


@pytest.mark.parametrize("pattern", [r"^\s*advert\w*\s*$", r"(?:ab|cd)+", r"\((?=[^()]*AP)[^()]*\)$", r"(?:\s\w+){1,6}"])
def test_linear_patterns_accepted(pattern):
    assert check_linear(pattern) is None


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

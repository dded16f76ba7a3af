"""Parameters of code-decided rules are validated data: a misspelled key, a missing one or
a value out of range is a load error naming the file, the rule and the key; rule selection
never changes another rule's numbers."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from cleaner.cli import main
from cleaner.pipeline import Cleaner
from cleaner.rules import RuleError, builtin_rules_dir, load_rules, select_rules
from cleaner.rules.schema import BY_CODE, HINT

HTML_PACK = builtin_rules_dir() / "html.toml"


def _pack_with(tmp_path: Path, old: str, new: str) -> Path:
    """A copy of the built-in html pack with one line changed, loaded in its place."""
    text = HTML_PACK.read_text(encoding="utf-8")
    assert old in text
    folder = tmp_path / "packs"
    folder.mkdir()
    for p in builtin_rules_dir().glob("*.toml"):
        (folder / p.name).write_text(p.read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "html.toml").write_text(text.replace(old, new, 1), encoding="utf-8")
    return folder


def _error(folder: Path) -> str:
    with pytest.raises(RuleError) as info:
        load_rules([folder], builtin=False)
    return str(info.value)


def test_misspelled_parameter_is_a_load_error(tmp_path):
    folder = _pack_with(tmp_path, "params.max_link_density = 0.6", "params.max_link_densty = 0.6")
    msg = _error(folder)
    assert msg.startswith(f"{folder / 'html.toml'}: rule HT201: unknown parameter 'params.max_link_densty'")
    assert "max_link_density" in msg  # the keys it does take are named


def test_missing_parameter_is_a_load_error(tmp_path):
    folder = _pack_with(tmp_path, "params.max_link_density = 0.6\n", "")
    assert re.search(r"rule HT201: missing parameter 'params.max_link_density'", _error(folder))


@pytest.mark.parametrize("old,new,why", [
    ("params.max_link_density = 0.6", "params.max_link_density = 1.6", "must be at most 1"),
    ("params.max_link_density = 0.6", 'params.max_link_density = "high"', "must be a number"),
    ("params.min_siblings = 3", "params.min_siblings = 0", "must be at least 1"),
    ("params.min_siblings = 3", "params.min_siblings = 2.5", "must be an integer"),
])
def test_value_out_of_range_or_of_the_wrong_type_is_a_load_error(tmp_path, old, new, why):
    msg = _error(_pack_with(tmp_path, old, new))
    assert why in msg and "params." in msg and ": rule HT2" in msg


def test_every_builtin_code_decided_rule_fits_its_schema():
    rules = {r.code: r for r in load_rules()}
    for code, schema in BY_CODE.items():
        assert code in rules, f"schema for {code}, which no built-in pack defines"
        required = {k for k, p in schema.items() if not p.optional}
        assert required <= set(rules[code].params), code
    hints = [r for r in rules.values() if r.kind == "html" and "hint" in r.params]
    assert hints and all(set(r.params) <= set(HINT) for r in hints)


@pytest.mark.parametrize("ignored", ["HT201", "HT214", "HT2", "BS101"])
def test_ignoring_a_rule_changes_no_other_rules_numbers(ignored):
    full, narrowed = Cleaner(), Cleaner(ignore=[ignored])
    assert full.html_rules.rules == narrowed.html_rules.rules
    assert full.score_params == narrowed.score_params


@pytest.mark.parametrize("option,value", [("--select", "XX"), ("--select", "ad201"), ("--ignore", "ZZ9")])
def test_unknown_select_or_ignore_code_is_a_usage_error(tmp_path, option, value):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text("Title\n\nSome text.\n", encoding="utf-8")
    result = CliRunner().invoke(main, [str(tmp_path / "in"), str(tmp_path / "out"), option, value])
    assert result.exit_code == 2
    assert f"{option}: no rule has the code, prefix or name '{value}'" in result.output
    if value == "ad201":
        assert "AD201" in result.output
    assert not (tmp_path / "out" / "a.txt").exists()


def test_select_rules_rejects_unknown_keys_in_python_too():
    with pytest.raises(RuleError, match="no rule has the code"):
        select_rules(load_rules(), select=["NOPE"])


def test_rules_show_prints_message_examples_and_every_parameter():
    result = CliRunner().invoke(main, ["rules", "show", "HT203"])
    assert result.exit_code == 0, result.output
    out = result.output
    assert out.startswith("HT203  html.")
    rule = {r.code: r for r in load_rules()}["HT203"]
    assert rule.message in out
    for key, spec in BY_CODE["HT203"].items():
        assert re.search(rf"^\s+{key} = {re.escape(repr(rule.params[key]))}\s", out, re.M), key
        assert spec.meaning in out
    assert "examples.hit" in out and "examples.keep" in out


def test_rules_show_unknown_code_is_a_usage_error():
    result = CliRunner().invoke(main, ["rules", "show", "QQ999"])
    assert result.exit_code == 2 and "QQ999" in result.output

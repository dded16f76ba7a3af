"""User rule files are validated when loaded: each bad file gets a message naming the file
and the rule, and the CLI exits 2 before cleaning anything."""
from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from cleaner.cli import main
from cleaner.rules import RuleError, check_linear, load_rules

GOOD = '''[[rule]]
code = "US101"
name = "user.promo-line"
kind = "drop-block"
pattern = '^Promo code: [A-Z0-9]+$'
message = "promo code line"
examples.hit = ["Promo code: SAVE10"]
examples.keep = ["The promo code scheme ended last year."]
'''


def write(tmp_path: Path, text: str, name: str = "user.toml") -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def load_error(path: Path) -> str:
    with pytest.raises(RuleError) as info:
        load_rules([path])
    return str(info.value)


def test_good_user_file_loads(tmp_path):
    rules = load_rules([write(tmp_path, GOOD)])
    assert rules[-1].code == "US101"


@pytest.mark.parametrize("pattern", [r"(a+)+$", r"(\w*\s?)*end", r"(?:x|y+)*z", r"((ab)*c)+", r"(.*,){2,}x",
                                     r"(?=(a+)+)b"])
def test_nested_unbounded_quantifiers_are_rejected(tmp_path, pattern):
    text = GOOD.replace("'^Promo code: [A-Z0-9]+$'", repr(pattern).replace("\\\\", "\\"))
    path = write(tmp_path, text)
    msg = load_error(path)
    assert msg.startswith(f"{path}: rule US101: pattern ") and "exponential time" in msg and "nested" in msg


@pytest.mark.parametrize("pattern", [r"^\s*(advertisement|sponsored)\s*$", r"(ab){1,3}c+", r"[a-z]+(?:-[a-z]+){0,4}",
                                     r"(?:\w+ ){0,5}photo"])
def test_linear_patterns_pass(pattern):
    assert check_linear(pattern) is None


@pytest.mark.parametrize("change,expect", [
    (("kind = \"drop-block\"", "kind = \"drop-block\"\nregx = 'x'"), "rule US101: unknown key 'regx' for kind 'drop-block'"),
    (("'^Promo code: [A-Z0-9]+$'", "'^Promo (code: [A-Z0-9]+$'"), "rule US101: bad pattern"),
    (('examples.keep = ["The promo code scheme ended last year."]\n', ""), "rule US101: missing example: 'examples.keep'"),
    (('examples.hit = ["Promo code: SAVE10"]\n', ""), "rule US101: missing example: 'examples.hit'"),
    (("kind = \"drop-block\"", "kind = \"drop-blocks\""), "rule US101: unknown kind 'drop-blocks'"),
    (('code = "US101"', 'code = "us-1"'), "rule us-1: code must be"),
    (('name = "user.promo-line"', 'name = "User Promo"'), "rule US101: name must be"),
    (("message = \"promo code line\"\n", ""), "rule US101: missing or empty 'message'"),
    (("[[rule]]", "[rules]\nx = 1\n[[rule]]"), "unknown top-level key 'rules'"),
    (("[[rule]]", "[[rule]"), "not valid TOML"),
    (('examples.hit', 'examples.hits'), "unknown key 'examples.hits'"),
])
def test_bad_rule_files_name_file_and_rule(tmp_path, change, expect):
    path = write(tmp_path, GOOD.replace(*change))
    msg = load_error(path)
    assert msg.startswith(str(path)) and expect in msg, msg


def test_duplicate_code_names_both_files(tmp_path):
    first = write(tmp_path, GOOD, "a.toml")
    second = write(tmp_path, GOOD.replace("user.promo-line", "user.other-line"), "b.toml")
    with pytest.raises(RuleError) as info:
        load_rules([tmp_path])
    msg = str(info.value)
    assert msg.startswith(f"{second}: rule US101: US101 is already defined in {first}"), msg


def test_duplicate_of_builtin_code(tmp_path):
    path = write(tmp_path, GOOD.replace("US101", "AD201"))
    assert "AD201 is already defined in" in load_error(path)


def test_cli_exits_2_on_each_bad_rule_file(tmp_path):
    src, out = tmp_path / "in", tmp_path / "out"
    src.mkdir()
    (src / "a.txt").write_text("Some text of an article that goes on for a while.\n", encoding="utf-8")
    for i, bad in enumerate([GOOD.replace("kind", "knd", 1), GOOD.replace("'^Promo", "'^(Pro+)*mo")]):
        path = write(tmp_path, bad, f"bad{i}.toml")
        result = CliRunner().invoke(main, [str(src), str(out), "--rules", str(path)])
        assert result.exit_code == 2, result.output
        assert f"{path}: rule US101" in result.stderr
        assert not out.exists()


@pytest.mark.parametrize("pattern, why", [
    (r"^(?:a|a)*$", "alternatives that can match the same text"),
    (r"(?:ab|ab)+c", "alternatives that can match the same text"),
    (r"^(x)?(?(1)y|z)+$", "conditional group"),
    (r"^(?:a?a)+$", "can match the same text in more than one way"),  # an optional part is a choice too
    (r"^(?:\w+|\d)+$", "nested unbounded quantifiers"),
    (r"^(.*a){20}$", "can match the same text in more than one way"),  # a bounded repeat multiplies too
    (r"^(?:\s?[:|]?\s?x){0,8}$", "can match the same text in more than one way"),
    (r"^(?:(?i:A)|a)+$", "can match the same text in more than one way"),  # case per group
    (r"^(?:(a|b)\1)+$", "back-reference under a repeat"),
    (r"(?=(?:a|a)+b)", "alternatives that can match the same text"),
    (r"^Photo\s*:?\s*$", "two unbounded runs"),  # quadratic: "Photo" + spaces + "x" splits the spaces n ways
    (r"^\s*[(\[]?\s*photo", "two unbounded runs"),
    (r"\w+\s*\w+!", "two unbounded runs"),
])
def test_super_linear_shapes_are_rejected(tmp_path, pattern, why):
    text = GOOD.replace("'^Promo code: [A-Z0-9]+$'", "'''" + pattern + "'''")
    msg = load_error(write(tmp_path, text))
    assert f"rule US101: pattern {pattern!r} may take exponential time" in msg and why in msg


@pytest.mark.parametrize("pattern", [r"^(?:ab|a)*$", r"(?:ab|cd)+", r"(?:a|b)*c", r"^(?:[a-z]+-)?x$",
                                     r"(?i)^(?:A|a)+$", r"\b(the|a)(?:\s\1\b)+", r"(?:\s?[:|]\s?|\s{0,2})x",
                                     r"(?:\w+ ){0,5}photo", r"^(?:[A-Z]\w+|and|de)(?:\s(?:[A-Z]\w+|and|de)){1,6}$",
                                     r"^Photo\s*(?::\s*)?$", r"\s*x\s*"])
def test_unambiguous_repeats_are_not_flagged(pattern):
    assert check_linear(pattern) is None


@pytest.mark.parametrize("template", [r"\9", r"\g<name>"])
def test_a_bad_replacement_template_is_a_load_error(tmp_path, template):
    text = '''[[rule]]
code = "US102"
name = "user.swap"
kind = "substitute"
pattern = '(colour)'
replace = '%s'
message = "spelling"
examples.hit = ["colour"]
examples.keep = ["color"]
examples.fixed = ["color"]
''' % template
    msg = load_error(write(tmp_path, text))
    assert f"rule US102: bad replacement {template!r}" in msg


def test_an_extract_pattern_may_hold_two_runs_only_under_max_chars(tmp_path):
    """An extract pattern reads a block its rule dropped: under max_chars two runs in a row
    cost a bounded amount, without it the block could be any length."""
    rule = GOOD + "extract = '''^Promo code:\\s*(?P<code>.*?)\\s*$'''\n"
    msg = load_error(write(tmp_path, rule))
    assert "rule US101: extract pattern" in msg and "two unbounded runs" in msg
    rules = load_rules([write(tmp_path, rule + "max_chars = 80\n")])
    assert rules[-1].fields("Promo code: SAVE10 ") == {"code": "SAVE10"}


@pytest.mark.parametrize("bad, good, small, big", [
    (r"^x\s*\.?\s*$", r"^x\s*(?:\.\s*)?$", "x" + " " * 1000 + "!", "x" + " " * 4000 + "!"),  # quadratic
    (r"^(?:a?a)+$", r"^a+$", "a" * 12 + "!", "a" * 22 + "!"),  # exponential
])
def test_the_rejected_shapes_are_slow_and_their_rewrites_are_not(bad, good, small, big):
    """What the checks reject costs super-linear time in Python's engine and the rewrite
    does not (the ratio of two sizes, not an absolute time)."""
    import re
    import time

    def cost(pattern: str, text: str) -> float:
        compiled = re.compile(pattern)
        t0 = time.process_time()
        for _ in range(3):
            compiled.search(text)
        return max(time.process_time() - t0, 1e-4)

    assert check_linear(bad) and check_linear(good) is None
    assert cost(bad, big) / cost(bad, small) > 8
    assert cost(good, big) / cost(good, small) < 8

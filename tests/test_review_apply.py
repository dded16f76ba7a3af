"""From a reviewer's marks back to the rules: ``review apply`` writes a pack a person can
read, its new keep examples make the rule's tests fail, its allow entries spare the
marked lines in a run, its drafts drop the missed lines, and a re-run with ``--marks``
says which marks it now satisfies."""
from __future__ import annotations

import json
import re
import tempfile
from pathlib import Path

import pytest
import tomllib
from click.testing import CliRunner

from test_report import page_data
from cleaner.cli import main
from cleaner.pipeline import Cleaner
from cleaner.review.marks import MarkCheck, Mark, MarksError, load_marks
from cleaner.rules import RuleError, load_rules
from cleaner.rules.edit import MissedLine, WrongHit, apply_marks, draft_pattern
from cleaner.run.rule_tests import check_rules

P1 = ("The city council met on Tuesday to discuss the budget for the coming year, and members argued "
      "for hours about schools and roads.")
P2 = ("In the end the council agreed to raise spending on schools by four percent, while the plan for "
      "new roads was postponed until spring.")
MISSED_LINE = "Our partners and sponsors this season"
PAGE = f"{P1}\n\nAdvertisement\n\n{MISSED_LINE}\n\n{P2}\n"


def write_marks(path: Path, marks: list[dict]) -> Path:
    path.write_text(json.dumps({"report": "clean-articles review: in", "marks": marks}), encoding="utf-8")
    return path


WRONG_AD = {"kind": "wrong", "doc": "a.txt", "title": "Council", "url": "https://news.example/a",
            "code": "AD201", "text": "Advertisement"}
MISSED = {"kind": "missed", "doc": "a.txt", "text": MISSED_LINE}


@pytest.fixture
def review(tmp_path):
    """IN with one page, its marks, and the pack path ``review apply`` writes."""
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text(PAGE, encoding="utf-8")
    marks = write_marks(tmp_path / "MARKS.json", [WRONG_AD, MISSED])
    return tmp_path, marks, tmp_path / "review-pack.toml"


def invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def test_apply_writes_a_readable_pack_whose_keep_example_fails_the_rule(review):
    tmp, marks, pack = review
    res = invoke("review", "apply", marks, "--pack", pack)
    assert res.exit_code == 0, res.output
    data = tomllib.loads(pack.read_text(encoding="utf-8"))
    (ext,) = data["extend"]
    assert ext["code"] == "AD201" and ext["examples"]["keep"] == ["Advertisement"]
    assert ext["allow"] == ["Advertisement"]
    (draft,) = data["rule"]
    assert draft["code"] == "RV001" and draft["kind"] == "drop-block"
    assert draft["examples"]["hit"] == [MISSED_LINE]
    text = pack.read_text(encoding="utf-8")
    assert "# a.txt \u201cCouncil\u201d https://news.example/a" in text  # where each mark came from
    assert "FAIL AD201 fires on its new keep example 'Advertisement'" in res.output
    # the rule's own test fails with the pack, and only with it
    failing = invoke("rules", "test", "--rules", pack, "AD201")
    assert failing.exit_code == 1
    assert "AD201 (ads.label-line) fired on its keep example 'Advertisement'" in failing.output
    assert invoke("rules", "test", "AD201").exit_code == 0
    assert invoke("rules", "test", "--rules", pack, "RV").exit_code == 0  # the draft passes its example


def test_apply_twice_adds_nothing_and_keeps_a_person_s_edits(review):
    tmp, marks, pack = review
    invoke("review", "apply", marks, "--pack", pack)
    edited = pack.read_text(encoding="utf-8").replace("[pack]", "# checked by the desk on Monday\n[pack]")
    pack.write_text(edited, encoding="utf-8")
    again = invoke("review", "apply", marks, "--pack", pack)
    assert again.exit_code == 0 and "nothing to add (2 of 2 marks are in it already)" in again.output
    assert pack.read_text(encoding="utf-8") == edited
    more = write_marks(tmp / "more.json", [dict(WRONG_AD, text="Advertisement  "),  # the same line
                                            {**MISSED, "text": "Partner offers of the week"}])
    res = invoke("review", "apply", more, "--pack", pack)
    assert res.exit_code == 0
    text = pack.read_text(encoding="utf-8")
    assert "# checked by the desk on Monday" in text
    data = tomllib.loads(text)
    assert [r["code"] for r in data["rule"]] == ["RV001", "RV002"]
    assert data["extend"][0]["examples"]["keep"] == ["Advertisement"]


def test_rerun_with_the_pack_keeps_the_allowed_line_drops_the_draft_and_counts_marks(review):
    tmp, marks, pack = review
    before = invoke("run", tmp / "in", tmp / "out0", "--marks", marks)
    assert "marks: 0 of 2 satisfied" in before.output
    assert "not yet: AD201 wrong: a.txt: 'Advertisement' (still taken by AD201)" in before.output
    invoke("review", "apply", marks, "--pack", pack)
    after = invoke("run", tmp / "in", tmp / "out", "--rules", pack, "--marks", marks)
    assert after.exit_code == 0, after.output
    out = (tmp / "out" / "a.txt").read_text(encoding="utf-8")
    assert "Advertisement" in out and MISSED_LINE not in out
    assert P1 in out and P2 in out
    assert "marks: 2 of 2 satisfied" in after.output


def test_the_report_of_a_rerun_shows_each_mark_s_status(review):
    tmp, marks, pack = review
    invoke("review", "apply", marks, "--pack", pack)
    write_marks(marks, [WRONG_AD, MISSED, dict(MISSED, doc="gone.txt")])
    res = invoke("run", tmp / "in", tmp / "out", "--rules", pack, "--marks", marks, "--report", tmp / "r.html")
    assert "marks: 2 of 3 satisfied (1 in documents this run did not clean)" in res.output
    status = page_data((tmp / "r.html").read_text(encoding="utf-8"))["marks_status"]
    assert [m["status"] for m in status] == ["satisfied", "satisfied", "unseen"]


def test_allow_spares_the_line_on_the_html_path_too(tmp_path):
    pack = tmp_path / "p.toml"
    text, _ = apply_marks(None, [WrongHit("AD201", "Advertisement")], [], load_rules())
    pack.write_text(text, encoding="utf-8")
    page = f"<html><body><article><h1>Council budget</h1><p>{P1}</p><p>Advertisement</p><p>{P2}</p></article></body></html>"
    plain, allowed = Cleaner().clean(page, html=True, lang="en"), Cleaner([pack]).clean(page, html=True, lang="en")
    assert "Advertisement" not in plain.text and "AD201" in [h.code for h in plain.hits]
    assert "Advertisement" in allowed.text and "AD201" not in [h.code for h in allowed.hits]
    assert P1 in allowed.text and P2 in allowed.text


def test_allow_spares_an_inline_edit_on_its_line_only(tmp_path):
    line = "The new stadium opened on Sunday (Photo: Jane Roe/Reuters) to a full house."
    other = "The old stadium closed on Monday (Photo: Ann Lee/AFP) after a long season."
    text, _ = apply_marks(None, [WrongHit("CA201", line)], [], load_rules())
    pack = tmp_path / "p.toml"
    pack.write_text(text, encoding="utf-8")
    doc = f"{P1}\n\n{line}\n\n{other}\n\n{P2}\n"
    res = Cleaner([pack]).clean(doc, lang="en")
    assert line in res.text  # spared
    assert "(Photo: Ann Lee/AFP)" not in res.text and "CA201" in [h.code for h in res.hits]  # the rule still works


def test_a_wrong_mark_on_an_unknown_rule_is_skipped_and_said(review):
    tmp, _, pack = review
    marks = write_marks(tmp / "m.json", [dict(WRONG_AD, code="ZZ999")])
    res = invoke("review", "apply", marks, "--pack", pack)
    assert res.exit_code == 0
    assert "skipped ZZ999 wrong: no loaded rule has this code" in res.output
    assert not pack.exists()


@pytest.mark.parametrize("body, why", [
    ("not json", "not a marks file"),
    ('{"marks": {}}', "not a marks file"),
    ('{"marks": [{"kind": "odd"}]}', "kind must be"),
    ('{"marks": [{"kind": "wrong", "text": "x"}]}', "names its rule's code"),
    ('{"marks": [{"kind": "missed", "text": 3}]}', "'text' must be a string"),
])
def test_a_bad_marks_file_is_a_usage_error(tmp_path, body, why):
    path = tmp_path / "m.json"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(MarksError, match=why):
        load_marks(path)
    for args in (("review", "apply", path, "--pack", tmp_path / "p.toml"),
                 ("run", tmp_path, tmp_path / "out", "--marks", path)):
        res = invoke(*args)
        assert res.exit_code == 2 and why in res.output
    assert not (tmp_path / "p.toml").exists() and not (tmp_path / "out").exists()


def test_the_pack_is_never_written_onto_the_marks_or_a_special_file(review):
    tmp, marks, _ = review
    assert invoke("review", "apply", marks, "--pack", marks).exit_code == 2
    assert json.loads(marks.read_text(encoding="utf-8"))["marks"]
    assert invoke("review", "apply", marks, "--pack", "/dev/null").exit_code == 2


@pytest.mark.parametrize("extend, why", [
    ('code = "ZZ999"\nallow = ["x"]', "ZZ999"),
    ('code = "AD201"\nallow = 3', "allow"),
    ('code = "AD201"\ncolour = "red"', "colour"),
    ('allow = ["x"]', "code"),
])
def test_extend_tables_are_validated_with_clear_errors(tmp_path, extend, why):
    pack = tmp_path / "p.toml"
    pack.write_text(f"[[extend]]\n{extend}\n", encoding="utf-8")
    with pytest.raises(RuleError, match=why):
        load_rules([pack])
    res = invoke("run", tmp_path, tmp_path / "out", "--rules", pack)
    assert res.exit_code == 2 and str(pack) in res.output


def test_keep_examples_from_a_review_fail_though_the_allow_entry_spares_the_line():
    rules = load_rules()
    wrong = [WrongHit("AD201", "Advertisement")]
    text, changes = apply_marks(None, wrong, [], rules)
    assert changes.keep_added == {"AD201": ["Advertisement"]} and changes.allow_added == {"AD201": ["Advertisement"]}
    with tempfile.TemporaryDirectory() as d:
        pack = Path(d) / "p.toml"
        pack.write_text(text, encoding="utf-8")
        extended = load_rules([pack])
    ad = next(r for r in extended if r.code == "AD201")
    assert ad.allows("  Advertisement ") and not ad.allows("Advertisement below")
    _, failures = check_rules(extended, ["AD201"])
    assert [(f.code, f.what, f.example) for f in failures] == [("AD201", "keep", "Advertisement")]


def test_draft_patterns_match_their_line_and_only_it():
    for line in ["Sign up (free)!", "Price: $9.99 * 2", "  spaced   out  ", "a|b [c] {d} ^e$ \\f"]:
        pattern = re.compile(draft_pattern(line))
        assert pattern.search(line) and pattern.search(" ".join(line.split()))
        assert not pattern.search("Before: " + line)
    text, changes = apply_marks(None, [], [MissedLine("Follow us on the radio, 9\u201311 am!")], load_rules())
    (code, _), = changes.drafts
    assert tomllib.loads(text)["rule"][0]["code"] == code


def test_mark_check_counts_by_document_and_names_the_rule_still_acting():
    marks = [Mark("wrong", "a", "Advertisement", code="AD201"), Mark("missed", "a", "Buy now"),
             Mark("missed", "b", "x")]
    check = MarkCheck(marks)
    check.add("a", "Some text\nBuy now\n", [{"code": "BS101", "action": "drop", "before": "Advertisement"}])
    assert check.status == [False, False, None] and check.acting[0] == ("BS101",)
    assert check.summary()[0] == "marks: 0 of 3 satisfied (1 in documents this run did not clean)"
    check.add("a", "Some text\n", [{"code": "BS101", "action": "flag", "before": "Advertisement"}])
    assert check.status == [True, True, None] and check.satisfied == 2


def test_mark_check_matches_whole_lines_by_their_span():
    line = "Ask the council about the budget and the schools"
    marks = [Mark("wrong", "a", line, code="BS102"), Mark("missed", "a", "Buy now")]
    check = MarkCheck(marks)
    text = f"Intro\n{line}\nBuy now and save on the whole range\n"
    # A three-letter hit elsewhere ("and" in the last line) does not keep the mark open,
    # nor does a kept line that only starts with the marked one.
    start = text.index("and save")
    check.add("a", text, [{"code": "WS104", "action": "strip", "before": "and", "start": start, "end": start + 3}], text)
    assert check.status == [True, True]
    # A hit inside the marked line does.
    start = text.index("about")
    check.add("a", text, [{"code": "BS102", "action": "strip", "before": "about", "start": start, "end": start + 5}], text)
    assert check.status == [False, True] and check.acting[0] == ("BS102",)
    check.add("a", "Intro\nBuy now\n", [], "Intro\nBuy now\n")
    assert check.status[1] is False


def _calls(fn) -> int:
    """Python and C function calls made while ``fn()`` runs: work, counted, not timed."""
    import sys

    count = 0

    def tick(frame, event, arg):
        nonlocal count
        if event in ("call", "c_call"):
            count += 1

    sys.setprofile(tick)
    try:
        fn()
    finally:
        sys.setprofile(None)
    return count


def test_many_wrong_marks_on_one_rule_cost_linear_work():
    """4,000 such marks took 43 s: each one rescanned, and tomlkit reindexed, the whole array."""
    rules = load_rules([])

    def work(n: int, pack: str | None = None) -> int:
        marks = [WrongHit("AD201", f"Advertisement number {i} of the run", f"doc{i}.txt") for i in range(n)]
        return _calls(lambda: apply_marks(pack, marks, [], rules))

    small, large = work(300), work(1200)
    assert large < 6 * small, (small, large)  # linear: 4x (plus a constant), quadratic: 16x
    existing, _ = apply_marks(None, [WrongHit("AD201", f"Advertisement {i}", "") for i in range(300)], [], rules)
    small, large = work(300, existing), work(1200, existing)
    assert large < 6 * small, (small, large)


def test_the_examples_of_one_rule_share_one_cleaner(monkeypatch):
    """Each example built its own Cleaner: 20,000 keep examples, 20,000 cleaners."""
    from cleaner.run import rule_tests

    built = []
    real = rule_tests.Cleaner
    monkeypatch.setattr(rule_tests, "Cleaner", lambda *a, **kw: built.append(kw.get("select")) or real(*a, **kw))
    text, _ = apply_marks(None, [WrongHit("AD201", f"Advertisement {i}", "") for i in range(50)], [], load_rules([]))
    with tempfile.TemporaryDirectory() as tmp:
        pack = Path(tmp) / "pack.toml"
        pack.write_text(text, encoding="utf-8")
        rules = load_rules([pack])
        assert len(next(r for r in rules if r.code == "AD201").examples_keep) > 50
        check_rules(rules, ["AD201"])
    assert built == [["AD201"]]

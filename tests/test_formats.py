"""Output formats: Markdown keeps the structure of the kept lines (from the DOM for HTML,
from line shape for text), JSON carries the fixed fields; every format shows the same lines."""
from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner
from hypothesis import given, settings, strategies as st

from cleaner import clean
from cleaner.cli import main
from cleaner.formats import FIELDS, record, render, to_markdown
from cleaner.model import ROLES

ARTICLE = """<!doctype html><html lang="en"><head><title>Council passes the budget | Daily Example</title>
<link rel="canonical" href="https://news.example.org/2024/budget"></head><body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/politics">Politics</a></li></ul></nav>
<article><h1>Council passes the budget</h1>
<p>The city council passed its budget on Monday after a long debate that ran late into the night.</p>
<h2>What changes</h2>
<p>Three things change for residents this year, the finance officer told the meeting:</p>
<ul><li>Bus fares fall by a tenth from the first of March.</li>
<li>Libraries open on Sundays in every district of the city.</li></ul>
<blockquote><p>This is the budget the city needed after two lean years, the mayor said.</p></blockquote>
<table><tr><th>Item</th><th>Spending</th></tr><tr><td>Buses</td><td>12 million</td></tr>
<tr><td>Libraries</td><td>3 million</td></tr></table>
<pre>total = 15 million</pre>
<p>The vote was eleven to four, with two members absent from the chamber for the vote.</p>
</article><footer><p>Copyright 2024 Daily Example. All rights reserved.</p></footer></body></html>"""

TEXT = """Council passes the budget

The city council passed its budget on Monday after a long debate that ran late into the night.

Three things change for residents this year, the finance officer told the meeting:

• Bus fares fall by a tenth from the first of March for every rider.
• Libraries open on Sundays in every district of the city from spring.

# of members voting: the vote was eleven to four, with two members absent from the chamber.
"""


def _nonblank(text: str) -> list[str]:
    return [line.strip() for line in text.split("\n") if line.strip()]


def _strip_markdown(md: str) -> str:
    """The words of a Markdown text without its syntax, to compare with the plain text."""
    md = re.sub(r"^(> |```)", "", md, flags=re.M)
    return " ".join(re.sub(r"[#|\\*•-]", " ", md).split())


def test_html_structure_becomes_markdown():
    result = clean(ARTICLE.encode(), html=True)
    md = to_markdown(result)
    assert md.startswith("# Council passes the budget\n")
    assert "\n## What changes\n" in md
    assert "- Bus fares fall by a tenth from the first of March.\n- Libraries open" in md
    assert "> This is the budget the city needed" in md
    assert "| Item | Spending |\n|---|---|\n| Buses | 12 million |\n| Libraries | 3 million |" in md
    assert "```\ntotal = 15 million\n```" in md
    assert "Home" not in md and "Copyright" not in md


def test_every_format_shows_the_same_lines():
    for result in (clean(ARTICLE.encode(), html=True), clean(TEXT, lang="en")):
        assert len(result.structure) == len(_nonblank(result.text))
        assert set(r.split(":")[0] for r in result.structure) <= set(ROLES)
        assert _strip_markdown(to_markdown(result)) == _strip_markdown(result.text)
        assert json.loads(render(result, "json"))["text"] == result.text


def test_text_structure_comes_from_line_shape():
    result = clean(TEXT, lang="en")
    md = to_markdown(result)
    assert md.startswith("# Council passes the budget\n")
    assert "- Bus fares fall by a tenth" in md and "- Libraries open on Sundays" in md
    # A paragraph that starts like Markdown syntax is escaped, not read as a heading.
    assert "\n\\# of members voting" in md


def test_json_record_has_every_field():
    result = clean(ARTICLE.encode(), html=True)
    rec = record(result, source="a.html")
    assert list(rec)[: len(FIELDS)] == list(FIELDS) and rec["source"] == "a.html"
    assert rec["title"] == "Council passes the budget"
    assert rec["url"] == "https://news.example.org/2024/budget"
    assert rec["language"] == "en" and rec["page_type"] == result.metadata["page_type"]
    assert rec["rule_hits"] == {code: sum(h.code == code for h in result.hits) for code in rec["rule_hits"]}
    assert rec["byline"] is None and 0 < rec["removed_share"] < 1


def test_folder_output_markdown_and_json(tmp_path):
    src = tmp_path / "in"
    (src / "sub").mkdir(parents=True)
    (src / "sub" / "a.html").write_text(ARTICLE, encoding="utf-8")
    (src / "b.txt").write_text(TEXT, encoding="utf-8")
    res = CliRunner().invoke(main, [str(src), str(tmp_path / "md"), "-q", "-j", "1", "--output", "markdown"])
    assert res.exit_code == 0, res.output
    assert sorted(p.relative_to(tmp_path / "md").as_posix() for p in (tmp_path / "md").rglob("*.md")) == \
        ["b.md", "sub/a.md"]
    assert (tmp_path / "md" / "sub" / "a.md").read_text(encoding="utf-8") == to_markdown(clean(ARTICLE.encode(), html=True))
    res = CliRunner().invoke(main, [str(src), str(tmp_path / "js"), "-q", "-j", "1", "--output", "json"])
    assert res.exit_code == 0, res.output
    rec = json.loads((tmp_path / "js" / "sub" / "a.json").read_text(encoding="utf-8"))
    assert rec["source"] == "sub/a.html" and rec["title"] == "Council passes the budget"


def test_resume_with_another_output_cleans_again(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "b.txt").write_text(TEXT, encoding="utf-8")
    runner = CliRunner()
    assert runner.invoke(main, [str(src), str(tmp_path / "out"), "-j", "1"]).exit_code == 0
    res = runner.invoke(main, [str(src), str(tmp_path / "out"), "-j", "1", "--resume", "--output", "markdown"])
    assert res.exit_code == 0 and "up to date" not in res.stderr
    assert (tmp_path / "out" / "b.md").is_file()


def test_jsonl_markdown_text_field_and_json_refused(tmp_path):
    src, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    src.write_text(json.dumps({"id": 1, "text": ARTICLE, "metadata": {"url": "https://crawl.example/x"}}) + "\n",
                   encoding="utf-8")
    res = CliRunner().invoke(main, [str(src), str(out), "-q", "-j", "1", "--output", "markdown"])
    assert res.exit_code == 0, res.output
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["text"].startswith("# Council passes the budget\n")
    assert doc["metadata"]["url"] == "https://crawl.example/x"  # the record's own address stays
    assert doc["metadata"]["article_url"] == "https://news.example.org/2024/budget"  # beside the page's
    assert doc["metadata"]["article_title"] == "Council passes the budget"
    res = CliRunner().invoke(main, [str(src), str(tmp_path / "o2.jsonl"), "--output", "json"])
    assert res.exit_code == 2 and "already" in res.output and not (tmp_path / "o2.jsonl").exists()


def test_single_page_markdown_to_stdout():
    res = CliRunner().invoke(main, ["-", "-", "-q", "--output", "markdown"], input=ARTICLE)
    assert res.exit_code == 0 and res.stdout.startswith("# Council passes the budget\n")


_LINE = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"),
                min_size=0, max_size=40)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(_LINE, st.sampled_from(["", "- item one here", "1. first", "# hash", "| a | b |"])),
                max_size=12))
def test_markdown_never_loses_a_line(lines):
    result = clean("\n".join(lines), lang="en")
    assert len(result.structure) == len(_nonblank(result.text))
    md = to_markdown(result)
    for line in _nonblank(result.text):
        assert line.lstrip("•·▪●◦‣∙–—*+- ") in md or line in md

"""What the HTML path keeps stays as it was written: the line structure of preformatted
text and of ``<br>`` lines, in plain text and in Markdown."""
from __future__ import annotations

import pytest

from cleaner.formats import to_markdown
from cleaner.journal.edits import replay
from cleaner.pipeline import Cleaner

PROSE = ("The council voted on Tuesday to approve the new budget for the city schools, "
         "after a long debate among its members. The vote was close.")
PROSE2 = ("It passed by a single vote after the mayor spoke in favour of the plan and "
          "promised to review it next year, he said.")


def page(body: str, title: str = "Hardening the server") -> str:
    return (f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1>"
            f"{body}</article></body></html>")


def clean(html: str):
    result = Cleaner().clean(html, html=True)
    assert replay(result.input_text, result.hits) == result.text
    return result


CONFIG = "<pre>Port 22\nPort 443\n    AllowUsers alice\n</pre>"


def test_pre_keeps_its_lines_in_text():
    out = clean(page(f"<p>{PROSE}</p>{CONFIG}<p>{PROSE2}</p>")).text
    assert "Port 22\nPort 443\nAllowUsers alice\n" in out
    assert "Port 22 Port 443" not in out


def test_pre_code_is_fenced_line_by_line_in_markdown():
    html = page(f"<p>{PROSE}</p><pre><code>ssh-keygen -t ed25519\nssh-copy-id alice@host\n</code></pre><p>{PROSE2}</p>")
    md = to_markdown(clean(html))
    assert "```\nssh-keygen -t ed25519\nssh-copy-id alice@host\n```" in md


@pytest.mark.parametrize("fragment, text, markdown", [
    # Code: its lines in the text, indented as written in the Markdown fence.
    ("<pre>  def vote(members):\n      for m in members:\n\t\tm.vote()\n  return True</pre>",
     "def vote(members):\nfor m in members:\nm.vote()\nreturn True\n",
     "```\ndef vote(members):\n    for m in members:\n      m.vote()\nreturn True\n```"),
    # An address: the lines of one paragraph stay lines (Markdown hard breaks), not one run of words.
    ("<p>City Hall<br>1 Main Street<br>Springfield</p>",
     "City Hall\n1 Main Street\nSpringfield\n", "City Hall\\\n1 Main Street\\\nSpringfield\n"),
])
def test_lines_stay_lines_in_text_and_markdown(fragment, text, markdown):
    result = clean(page(f"<p>{PROSE}</p>{fragment}<p>{PROSE2}</p>"))
    assert text in result.text
    assert markdown in to_markdown(result)


def test_br_list_of_steps_keeps_every_step():
    steps = "<p>1. Open the settings.<br>2. Choose the network tab.<br>3. Press save.</p>"
    out = clean(page(f"<p>{PROSE}</p>{steps}<p>{PROSE2}</p>")).text
    assert "1. Open the settings.\n2. Choose the network tab.\n3. Press save.\n" in out



# -- what the parse leaves out is read, or a hit ----------------------------------------

POSTS = "".join(
    f"<div class='post'><p class='author'>reader{n}</p><p>{text}</p></div>"
    for n, text in enumerate((PROSE, PROSE2, PROSE.replace("Tuesday", "Monday"), PROSE2.replace("mayor", "clerk"),
                              PROSE.replace("council", "board"), PROSE2.replace("plan", "idea"),
                              PROSE.replace("schools", "parks"), PROSE2.replace("next", "this"))))


def test_a_thread_served_in_noscript_is_read():
    html = ("<html><head><title>Budget thread - Town forum</title></head><body>"
            "<div id='app'></div><noscript><div class='thread'><h1>Budget thread</h1>"
            f"{POSTS}</div></noscript><script>boot()</script></body></html>")
    result = clean(html)
    assert PROSE in result.text and PROSE2.replace("plan", "idea") in result.text
    notes = [h for h in result.hits if h.code == "HT100"]
    assert any("noscript" in h.detail and "nearly empty" in h.detail for h in notes)


def test_noscript_of_a_page_with_visible_text_stays_out():
    html = page(f"<p>{PROSE}</p><p>{PROSE2}</p><p>{PROSE} Again.</p><p>{PROSE2} Again.</p><noscript>{POSTS}</noscript>")
    result = clean(html)
    assert "reader1" not in result.text and PROSE2.replace("plan", "idea") not in result.text


def test_skipped_elements_are_a_hit():
    html = page(f"<p>{PROSE}</p><noscript><p>Please turn on scripts to see the comments.</p></noscript>"
                f"<script>var tracking = 1;</script><p>{PROSE2}</p>")
    hits = [h for h in clean(html).hits if h.code == "HT100"]
    assert len(hits) == 1 and hits[0].action == "flag"
    assert "script ×1" in hits[0].detail and "noscript ×1 (43 characters of text)" in hits[0].detail
    assert not [h for h in Cleaner(ignore=["HT100"]).clean(html, html=True).hits if h.code == "HT100"]


def test_hover_card_text_left_out_is_a_hit_at_its_block():
    card = ("<p>The council led by <span class='person-hovercard'><a href='/p/1'>Jane Doe</a>"
            "<span class='hovercard-body'><a href='/a/1'>Doe wins the vote on parks</a></span></span>"
            f" voted on Tuesday. {PROSE2}</p>")
    result = clean(page(f"<p>{PROSE}</p>{card}"))
    hits = [h for h in result.hits if h.code == "HT119"]
    assert len(hits) == 1 and "Doe wins the vote on parks" in hits[0].detail
    assert result.input_text[hits[0].src_start:hits[0].src_end].startswith("The council led by Jane Doe voted")
    assert "Doe wins the vote" not in result.text
    ignored = Cleaner(ignore=["HT119"]).clean(page(f"<p>{PROSE}</p>{card}"), html=True)
    assert "Doe wins the vote" in ignored.text and not [h for h in ignored.hits if h.code == "HT119"]


# -- a hint's name says what it took ------------------------------------------------------

def _codes(html: str) -> dict[str, str]:
    return {h.before: h.code for h in clean(html).hits if h.action == "drop"}


def test_meta_and_date_lines_are_not_bylines():
    html = page(f"<p class='byline'>By Jane Doe</p><p>{PROSE}</p><p>{PROSE2}</p>"
                "<div class='comment-meta'><p>Reply posted at 3:04 pm by reader42 on the budget thread</p></div>"
                "<div class='teaser-info'><p>March 12: Library hours extended in every district</p></div>")
    codes = _codes(html)
    assert codes["By Jane Doe"] == "HT114"
    assert codes["Reply posted at 3:04 pm by reader42 on the budget thread"] == "HT106"  # a comment's header
    assert codes["March 12: Library hours extended in every district"] == "HT120"


# -- documentation pages keep their structure ------------------------------------------------

def test_linked_section_headings_listed_in_the_contents_stay():
    sections = ("Install", "Configure", "Upgrade")
    toc = "<nav class='toc'><ul>" + "".join(f"<li><a href='#{s}'>{s}</a></li>" for s in sections) + "</ul></nav>"
    body = "".join(f"<h2><a href='#{s}'>{s}</a></h2><p>{PROSE} {s} it.</p><p>{PROSE2}</p>" for s in sections)
    html = (f"<html><head><title>Server guide</title></head><body>{toc}<main><h1>Server guide</h1>"
            f"<p>{PROSE2} Read on.</p>{body}</main></body></html>")
    result = clean(html)
    assert [line for line in result.text.splitlines() if line in sections] == list(sections)
    assert [r for r in result.structure if r == "h2"] == ["h2"] * 3


def test_the_headline_is_the_page_title_not_the_site_name():
    html = ("<html><head><title>Auth | Example Developer Docs</title>"
            "<meta property='og:site_name' content='Example Developer Docs'></head>"
            f"<body><main><p>{PROSE}</p><p>{PROSE2}</p></main></body></html>")
    result = clean(html)
    assert result.text.splitlines()[0] == "Auth" and result.metadata["title"] == "Auth"


# -- every loss is a hit ----------------------------------------------------------------------

CRUFT_PAGE = page(
    "<div class='byline'>By Jane Doe</div><time>12 March 2024</time>"
    f"<p>The council led by <span class='person-hovercard'><a href='/p/1'>Jane Doe</a>"
    "<span class='hovercard-body'><a href='/a/1'>Doe wins the vote on parks</a></span></span> met on Monday.</p>"
    f"<p>{PROSE}</p><figure><img src='a.jpg'><figcaption>The council chamber on Monday. Photo: J. Roe</figcaption></figure>"
    "<div class='share-bar'><a href='/s'>Share</a> <a href='/t'>Tweet</a></div>"
    f"<p>{PROSE2}</p><div class='ad-slot'>Advertisement</div><pre>total = 15 million\nschools = 9 million</pre>"
    "<div class='related'><h3><a href='/x'>More on the budget</a></h3><p>What the vote means for parents.</p></div>"
    "<noscript><p>Turn on scripts for the comments.</p></noscript><script>track()</script>"
    "<div class='cookie-banner'><p>We use cookies to improve your experience on our site.</p></div>"
    "<footer><p>Copyright 2024 Example Media. All rights reserved.</p></footer>")


def test_ignoring_a_code_changes_an_output_only_where_it_has_a_hit():
    docs = [CRUFT_PAGE, page(f"<p>{PROSE}</p>{CONFIG}<p>{PROSE2}</p>")]
    default = Cleaner()
    results = [default.clean(d, html=True) for d in docs]
    for code in sorted(default.enabled):
        ignoring = Cleaner(ignore=[code], rules=default.all_rules)
        for data, result in zip(docs, results):
            if ignoring.clean(data, html=True).text != result.text:
                assert any(h.code == code for h in result.hits), f"--ignore {code} changed an output without a {code} hit"

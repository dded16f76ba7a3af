"""Profiles: ``safe`` runs the rules that never take article text (repairs, whitespace,
exact ad and comment labels, skip links, script and style), ``default`` adds the content
selection, ``aggressive`` the riskier rewrites."""
from __future__ import annotations

from cleaner.pipeline import Cleaner
from cleaner.rules import load_rules

PAGE = ("Headline\n\nHome | News | Sport\n\nAdvertisement\n\n"
        "The body of the  story goes on here, as bodies do, and the council said so.\n")


def test_safe_runs_repairs_and_exact_labels_but_no_content_selection():
    result = Cleaner(profile="safe").clean(PAGE)
    assert "Advertisement" not in result.text and "body of the story" in result.text
    assert "Home | News | Sport" in result.text  # navigation is a judgement: not safe
    assert {h.code for h in result.hits} == {"AD201", "WS101"}


def test_default_also_selects_the_content():
    result = Cleaner().clean(PAGE)
    assert "Home | News | Sport" not in result.text and "body of the story" in result.text


def test_safe_html_leaves_out_scripts_and_keeps_every_block():
    html = ("<html><body><nav><a href='/'>Home</a> <a href='/n'>News</a></nav><script>var x = 1;</script>"
            "<p>The body of the story goes on here, as bodies do.</p></body></html>")
    out = Cleaner(profile="safe").clean(html, html=True).text
    assert "Home News" in out and "var x" not in out and "body of the story" in out


def test_every_profile_runs_some_rules_and_each_includes_the_one_below():
    rules = load_rules()
    chosen = {p: {r.code for r in Cleaner(profile=p).rules} for p in ("safe", "default", "aggressive")}
    assert chosen["safe"] and chosen["safe"] < chosen["default"] < chosen["aggressive"]
    assert {r.code for r in rules if r.profile == "safe"} == chosen["safe"]

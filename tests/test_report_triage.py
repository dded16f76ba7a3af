"""Triage and the report's computed figures: suspicion score, removed-line runs, output
line references, rule families and colours, histogram, heatmap, whole-text budget."""
from __future__ import annotations

import re

from cleaner.review import triage
from cleaner.review.report import ReportWriter, family, output_lines, removed_runs, rule_colour

PROSE = ("The minister said on Wednesday that the talks would resume after the summit, while officials "
         "declined to comment on the reports.")


def drop(code, text, needle, action="drop"):
    s = text.index(needle)
    return {"code": code, "name": code.lower(), "action": action, "start": s, "end": s + len(needle),
            "before": needle, "after": "", "message": "m"}


def test_is_prose():
    assert triage.is_prose(PROSE)
    assert not triage.is_prose("Home | World | Sport | Business | Culture | Opinion | Weather | Travel")
    assert not triage.is_prose("Short line.")


def test_prose_removed_by_one_rule_scores_highest():
    text = "\n\n".join([PROSE * 4, PROSE * 4, "Menu | Home"])
    w = ReportWriter()
    w.add("nav-only", text, text, [drop("NV101", text, "Menu | Home")], 0.01)
    w.add("prose-gone", text, "", [drop("CA103", text, PROSE * 4)], 0.5)
    w.add("typed", text, text, [], 0.0, {"page_type": "listing", "title": "A listing"})
    ranked = [(w._docs[i]["id"], points, why) for i, points, why in w.triage()]
    assert ranked[0][0] == "prose-gone" and ranked[0][1] == 5.0
    assert ranked[0][2] == ["50% of its prose removed", f"CA103 removed {len(PROSE) * 4} characters of prose in one hit"]
    assert ranked[1] == ("typed", 1.0, ["page type listing"])
    assert ranked[2][1] == 0.0
    assert w.overview()["worth_a_look"] == 1


def test_little_prose_scores_nothing_however_much_is_removed():
    text = "Home | World\nSport | Culture\nLogin"
    sig = triage.signals(text, [drop("NV101", text, text)], "article")
    assert sig == {"points": 0.0, "why": []}


def test_a_rule_firing_in_one_percent_of_documents_is_rare():
    w = ReportWriter()
    for i in range(200):
        text = f"Menu\n\nDocument {i}."
        hits = [drop("NV101", text, "Menu")]
        if i < 2:
            hits.append(drop("ZZ900", text, "Document"))
        w.add(f"d{i:03d}", text, text, hits, 0.1)
    ranked = w.triage()
    assert [w._docs[i]["id"] for i, _, _ in ranked[:2]] == ["d000", "d001"]
    assert ranked[0][2] == ["rare rule ZZ900"] and ranked[0][1] == 1.0
    assert ranked[2][1] == 0.0
    assert triage.rare_rules({"A": 2, "B": 3}, 200) == {"A"}


def test_triage_order_does_not_depend_on_batch_order():
    text = "\n\n".join([PROSE * 2, "x"])
    docs = [("b", 0.2), ("a", 0.2), ("c", 0.9)]
    orders = []
    for seq in (docs, docs[::-1]):
        w = ReportWriter()
        for name, share in seq:
            w.add(name, text, text, [], share)
        orders.append([d["id"] for d in w.data()["docs"]])
    assert orders[0] == orders[1] == ["c", "a", "b"]


def test_removed_runs_join_lines_across_blanks_and_name_their_rules():
    text = "Kept line.\nMenu\n\nLogin\nAdvertisement\nKept again.\nFooter"
    hits = [drop("NV101", text, "Menu"), drop("NV102", text, "Login"), drop("AD201", text, "Advertisement"),
            drop("FT101", text, "Footer")]
    runs = removed_runs(text, hits)
    assert runs[0] == (text.index("Menu"), text.index("Kept again."), ["AD201", "NV101", "NV102"], 3)
    assert runs[1] == (text.index("Footer"), len(text), ["FT101"], 1)
    partial = [drop("NV101", text, "Kept")]  # part of a line: not a removed line
    assert removed_runs(text, partial) == []


def test_bands_are_for_two_lines_or_more():
    text = "Kept line.\nMenu\nLogin\nKept.\nAdvertisement\nEnd."
    w = ReportWriter()
    w.add("d", text, "Kept line.\nKept.\nEnd.\n", [drop("NV101", text, "Menu"), drop("NV102", text, "Login"),
                                                   drop("AD201", text, "Advertisement")], 0.3)
    runs = w.data()["docs"][0]["runs"]
    assert len(runs) == 1 and runs[0][3] == 2


def test_output_lines_reference_the_input():
    text = "  Title  \nMenu\nBody text here.\nBody text here.\nold word"
    out = "Title\nBody text here.\n\nBody text here.\nnew word\n"
    refs = output_lines(text, out)
    assert refs == [[0, 2, 2], 2, "", 3, "new word", ""]
    lines = text.split("\n")
    rebuilt = "\n".join(x if isinstance(x, str) else lines[x] if isinstance(x, int)
                        else lines[x[0]][x[1]:len(lines[x[0]]) - x[2]] for x in refs)
    assert rebuilt == out


def test_whole_text_goes_to_the_most_suspicious_documents_first():
    text = "\n\n".join([PROSE * 2, PROSE * 2, "end"])
    w = ReportWriter(full_budget=len(text) + 10)
    w.add("plain", text, text, [], 0.0)
    w.add("suspect", text, "", [drop("CA103", text, PROSE * 2)], 0.5)
    docs = {d["id"]: d for d in w.data()["docs"]}
    assert docs["suspect"]["rest"] is not None and docs["suspect"]["out"] is not None
    assert docs["plain"]["rest"] is None and docs["plain"]["out"] is None
    whole = sorted(docs["suspect"]["chunks"] + docs["suspect"]["rest"])
    assert "".join(t for _, t in whole) == text


def test_rule_colours_follow_the_family_and_stay_light():
    fams = sorted({family(c) for c in ("AD201", "AD202", "NV101", "CA103")})
    hue = lambda code: re.match(r"hsl\((\d+) ", rule_colour(code, fams)).group(1)  # noqa: E731
    assert hue("AD201") == hue("AD202") != hue("NV101") != hue("CA103")
    for code in ("AD201", "AD202", "NV101", "CA103"):
        assert int(re.search(r"(\d+)%\)$", rule_colour(code, fams)).group(1)) >= 78


def test_chart_figures_characters_removed_histogram_heatmap():
    w = ReportWriter()
    a = "Menu\nBody."
    w.add("a", a, "Body.", [drop("NV101", a, "Menu")], 0.05, {"page_type": "article"})
    b = "Advertisement here\nBody."
    w.add("b", b, "Body.", [drop("AD201", b, "Advertisement here")], 0.95, {"page_type": "listing"})
    w.add("c", b, "Body.", [drop("AD201", b, "Advertisement")], 0.35, {"page_type": "listing"})
    data = w.data()
    removed = {r["code"]: r["removed"] for r in data["rules"]}
    assert removed == {"NV101": 4, "AD201": 18 + 13}
    assert data["hist"] == [1, 0, 0, 1, 0, 0, 0, 0, 0, 1]
    assert data["groups"] == {"by": "page type", "names": ["article", "listing"]}
    codes = [r["code"] for r in data["rules"]]
    assert data["heat"][codes.index("AD201")] == [0, 31] and data["heat"][codes.index("NV101")] == [4, 0]
    one_type = ReportWriter()
    one_type.add("a", a, "Body.", [], 0.05)
    one_type.add("b", a, "Body.", [], 0.95)
    by, names, group_of = one_type.groups()
    assert by == "share removed" and group_of == [0, len(names) - 1]


def test_metadata_names_the_document():
    w = ReportWriter()
    w.add("f.txt", "x", "x", [], 0.0, {"title": "A title", "url": "https://a.example/x", "page_type": "article"})
    d = w.data()["docs"][0]
    assert (d["title"], d["url"], d["type"]) == ("A title", "https://a.example/x", "article")



def test_a_near_empty_output_of_a_large_input_ranks_first():
    """A page whose parse kept little (its text was in an element the parse leaves out) has
    nothing removed from its parsed text, but its output is tiny next to what its input held."""
    w = ReportWriter()
    text = "\n\n".join([PROSE * 4, PROSE * 4, "Menu | Home"])
    w.add("prose-gone", text, text.replace(PROSE * 4, "", 1), [drop("CA103", text, PROSE * 4)], 0.5)
    w.add("typed", text, text, [], 0.0, {"page_type": "listing"})
    short = "Budget thread\n\nLoading the thread"
    w.add("thread", short, short, [], 0.0, {"input_chars": 30 * len(PROSE)})
    ranked = [(w._docs[i]["id"], points, why) for i, points, why in w.triage()]
    assert ranked[0][0] == "thread"
    assert ranked[0][2] == [f"kept {len(short):,} of the {30 * len(PROSE):,} characters of text its input held"]
    # Without what the input held, the parsed text is all there is: nothing to say.
    assert triage.signals(short, [], "", len(short)) == {"points": 0.0, "why": []}


def test_what_the_input_held_counts_the_text_the_parse_left_out():
    from cleaner.pipeline import Cleaner

    hidden = "".join(f"<p>{PROSE} Post {n}.</p>" for n in range(30))
    nav = "".join(f"<a href='/{n}'>Section number {n}</a> " for n in range(40))
    html = (f"<html><head><title>Budget thread</title></head><body><nav>{nav}</nav>"
            f"<noscript>{hidden}</noscript></body></html>")
    result = Cleaner().clean(html, html=True)
    assert PROSE not in result.text  # the visible page was not nearly empty: the noscript stays out
    assert result.metadata["input_chars"] == len(result.input_text.strip()) + sum(len(f"{PROSE} Post {n}.") for n in range(30))
    assert any(h.code == "SV001" for h in result.hits)


def test_a_large_page_whose_text_is_in_its_scripts_is_flagged_and_ranked_first():
    from cleaner.pipeline import Cleaner

    data = "{" + ", ".join(f'"p{n}": "{PROSE}"' for n in range(200)) + "}"
    html = (f"<html><head><title>Budget</title><script>window.__DATA__ = {data};</script></head>"
            "<body><div id='root'>Loading</div></body></html>")
    result = Cleaner().clean(html, html=True)
    assert len(result.text) < 200 and result.metadata["input_size"] == len(html)
    assert any(h.code == "SV001" for h in result.hits)
    w = ReportWriter()
    text = "\n\n".join([PROSE * 4, PROSE * 4, "Menu | Home"])
    w.add("prose-gone", text, text.replace(PROSE * 4, "", 1), [drop("CA103", text, PROSE * 4)], 0.5)
    w.add("scripted", result.input_text, result.text, result.hits, 0.0, result.metadata)
    assert w._docs[w.triage()[0][0]]["id"] == "scripted"

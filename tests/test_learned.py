"""The learned content model: its smoothing, its context rows, its file checks, and its
decisions as hits a reviewer can read."""
from __future__ import annotations

import itertools
import json
import math

import pytest
from hypothesis import given, settings, strategies as st

from cleaner.content import learned
from cleaner.content.blockfeatures import CONTEXT, FEATURES, PAGE_VECTOR, Unit, PageFacts, context_rows, page_rows, \
    page_vector
from cleaner.pipeline import Cleaner

PAGE = """How the tram line reached the hospital

Home | News | Sport | Weather | Contact

The city council met on Monday and agreed to extend the tram line to the new hospital, a project that has been debated for years.

Residents of the northern districts, who now need two buses to reach the hospital, welcomed the decision at the meeting.

The first trams are expected to run in three years, once the tracks across the river are laid and tested.

Most read
Weather: sun and showers for the weekend
Ten cheap ways to heat your home
Why the striker left the club
Share on X
Privacy policy | Terms of use | Cookie settings
"""

probs = st.lists(st.floats(0.001, 0.999), min_size=1, max_size=8)


def _total(path, probs_, threshold, cost):
    bias = learned.logit(threshold)
    ev = sum(learned.logit(p) - bias for p, k in zip(probs_, path) if k)
    return ev - cost * sum(a != b for a, b in zip(path, path[1:]))


@settings(max_examples=300, deadline=None)
@given(probs_=probs, threshold=st.floats(0.1, 0.9), cost=st.floats(0, 5))
def test_smoothing_finds_the_best_path(probs_, threshold, cost):
    """The Viterbi pass maximises evidence less switching costs (checked by brute force)."""
    got = learned.smooth(probs_, threshold, cost)
    best = max(_total(p, probs_, threshold, cost) for p in itertools.product((False, True), repeat=len(probs_)))
    assert math.isclose(_total(got, probs_, threshold, cost), best, rel_tol=1e-9, abs_tol=1e-9)


@given(probs_=probs, threshold=st.floats(0.1, 0.9))
def test_no_smoothing_is_a_plain_cut(probs_, threshold):
    assert learned.smooth(probs_, threshold, 0.0) == [learned.logit(p) >= learned.logit(threshold) for p in probs_]


def test_context_rows_carry_the_neighbours_probabilities():
    rows = [[float(i)] * len(FEATURES) for i in range(4)]
    ctx = context_rows(rows, [0.1, 0.9, 0.8, 0.2])
    assert len(ctx) == 4 and all(len(r) == len(FEATURES) + len(CONTEXT) for r in ctx)
    named = dict(zip(CONTEXT, ctx[1][len(FEATURES):]))
    assert named["p"] == 0.9 and named["p-1"] == 0.1 and named["p+1"] == 0.8 and named["p-2"] == -1.0
    assert ctx[1][:len(FEATURES)] == rows[1]


def test_one_extractor_for_both_inputs():
    units = [Unit("A headline", "title", ruled=True), Unit("Home | News | Sport", link_chars=18),
             Unit("The council met on Monday and agreed to extend the tram line.", "p")]
    for html in (False, True):
        rows = page_rows(units, frozenset({"the", "and", "on", "to"}), PageFacts(html, "A headline"))
        assert len(rows) == 3 and all(len(r) == len(FEATURES) for r in rows)
        assert all(math.isfinite(v) for r in rows for v in r)
        assert len(page_vector(rows)) == len(PAGE_VECTOR)
    link = FEATURES.index("link")
    assert rows[1][link] > 0.9 and rows[2][link] == 0.0


def test_a_model_file_of_another_format_or_features_is_refused(tmp_path):
    with pytest.raises(learned.ModelError, match="format"):
        learned.ContentModel.from_dict({"format": "other"})
    data = json.loads((learned.builtin_rules_dir() / learned.MODEL_FILE).read_text())
    data["header"]["features"] = data["header"]["features"][:-1]
    with pytest.raises(learned.ModelError, match="other features"):
        learned.ContentModel.from_dict(data)
    bad = tmp_path / "m.json"
    bad.write_text("{not json")
    with pytest.raises(learned.ModelError, match="cannot read"):
        learned.load_model(str(bad))


def test_every_model_drop_is_a_hit_with_its_probability_and_reasons():
    result = Cleaner().clean(PAGE)
    drops = [h for h in result.hits if h.code == learned.TEXT_CODE]
    assert drops, [h.code for h in result.hits]
    for h in drops:
        assert h.action == "drop" and h.detail.startswith("p(content)=")
        assert "weighed most:" in h.detail
    assert "The city council met on Monday" in result.text
    assert result.metadata["page_type"] in learned.PAGE_CLASSES
    assert 0 < result.metadata["page_type_confidence"] <= 1


def test_html_model_drops_are_hits_too():
    html = ("<html><head><title>How the tram line reached the hospital</title></head><body>"
            "<div class='x'><a href='/'>Home</a> <a href='/n'>News</a> <a href='/s'>Sport</a></div>"
            "<h1>How the tram line reached the hospital</h1>"
            + "".join(f"<p>{line}</p>" for line in PAGE.split("\n\n")[2:5])
            + "<div>Copyright 2024 Example Media. All rights reserved. Privacy policy | Terms</div></body></html>")
    result = Cleaner().clean(html, html=True)
    assert "The city council met on Monday" in result.text
    assert "All rights reserved" not in result.text
    codes = {h.code for h in result.hits}
    assert codes & {learned.HTML_CODE, "HT103"}, codes


def test_without_the_model_the_hand_set_scorer_decides():
    result = Cleaner(ignore=["ML"]).clean(PAGE)
    assert not any(h.code.startswith("ML") for h in result.hits)
    assert "The city council met on Monday" in result.text
    assert any(h.code.startswith("BS") for h in result.hits)


def test_cleaning_with_the_model_is_deterministic_and_idempotent():
    c = Cleaner()
    first = c.clean(PAGE)
    assert c.clean(PAGE) == first
    assert c.clean(first.text, lang=first.language).text == first.text


texts = st.lists(st.sampled_from(["Reply", "reply ", "Read  more", "A line of its own."]), min_size=1, max_size=8)


@given(data=st.data(), texts_=texts)
def test_a_run_of_one_line_shares_one_probability(data, texts_):
    """Consecutive copies (whitespace and case aside) take their run's mean; copies apart
    from each other, and lines once, keep their own."""
    probs_ = data.draw(st.lists(st.floats(0.001, 0.999), min_size=len(texts_), max_size=len(texts_)))
    got = learned.tie_runs(probs_, texts_)
    keys = [" ".join(t.split()).casefold() for t in texts_]
    for _, group in itertools.groupby(range(len(keys)), key=keys.__getitem__):
        run = list(group)
        for k in run:
            assert math.isclose(got[k], sum(probs_[i] for i in run) / len(run))


def test_a_run_of_repeats_reaches_its_fixed_point_in_one_cleaning():
    """Decided copy by copy, the copies at a run's ends fell first and each later block pass
    eroded the next ones: 300 'Read more' lines came out as 154, and as 124 when cleaned
    again (and every pass costs a pass over the page)."""
    model_only = Cleaner(select=["content-model."])
    first = model_only.clean("Read more\n" * 300)
    assert model_only.clean(first.text).text == first.text

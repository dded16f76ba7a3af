"""Repeated paragraphs: the quick keys tell the same texts apart as the full keys."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner.content.textkey import keys_where_shared as _keys, key

TEXTS = st.lists(st.one_of(st.none(), st.text(alphabet="ab AB.,_1\u00a0é", max_size=8)), max_size=8)


@settings(max_examples=500, deadline=None)
@given(TEXTS)
def test_quick_keys_are_equal_exactly_where_keys_are(texts):
    quick = _keys(texts)
    full = [None if t is None else key(t) for t in texts]
    assert [k is None for k in quick] == [k is None for k in full]
    for i in range(len(texts)):
        for j in range(len(texts)):
            if full[i] is not None and full[j] is not None:
                assert (quick[i] == quick[j]) == (full[i] == full[j]), (texts[i], texts[j])


def test_an_ascii_text_and_its_non_ascii_spacing_twin_share_a_key():
    quick = _keys(["Hello world", "Hello\u00a0world", "Something else"])
    assert quick[0] == quick[1] != quick[2]


PROSE = ("The council met on Monday and agreed to extend the tram line to the new hospital, "
         "a project that has been debated in the city for years, and the vote was close. ")
ROW = "Snack: one apple and a handful of almonds, with a large glass of cold water, at four in the afternoon."


def plan(days: int) -> str:
    parts = ["A week of meals", PROSE * 8]
    for d in range(1, days + 1):
        parts += [f"Day {d} begins with porridge and ends with a bowl of soup, as every day of the plan does here.",
                  ROW]
    return "\n\n".join(parts) + "\n"


def test_a_row_recurring_in_an_article_keeps_every_copy():
    from cleaner.pipeline import Cleaner

    result = Cleaner().clean(plan(4))
    assert result.metadata["page_type"] == "article"
    assert result.text.count(ROW) == 4


def test_a_paragraph_standing_twice_is_a_duplicate_and_one_copy_goes():
    from cleaner.pipeline import Cleaner

    assert Cleaner().clean(plan(2)).text.count(ROW) == 1

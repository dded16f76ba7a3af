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

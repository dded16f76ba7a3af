"""A lone surrogate in an HTML ``str`` (a ``\\udc80`` escape in a JSON record): libxml2 has
no UTF-8 for it and stopped reading there, silently.  The page is read whole, and the
surrogate becomes U+FFFD with a hit, as on the text path."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner import clean
from cleaner.stages.html import parse_html

PARAS = ["The council voted on Tuesday to approve the new budget for the city schools.",
         "Second paragraph, in which the clerk read out {} the figures for each district.",
         "A third paragraph after it, with the mayor's closing words and the vote count."]


def page(mark: str) -> str:
    body = "".join(f"<p>{p.format(mark)}</p>" for p in PARAS)
    return f"<html><head><title>Budget</title></head><body><article>{body}</article></body></html>"


def test_the_page_after_a_lone_surrogate_is_kept_and_the_surrogate_repaired():
    result = clean(page("\udc80"), html=True)
    assert PARAS[2] in result.text and PARAS[1].format("\ufffd") in result.text
    assert any(h.code == "UC101" for h in result.hits)
    assert result.text.replace("\ufffd ", "") == clean(page(""), html=True).text


@given(st.lists(st.sampled_from(["\ud800", "\udbff", "\udc00", "\udfff", "\ufdd0", "\ufffd", "x"]),
                min_size=1, max_size=6))
@settings(max_examples=60, deadline=None)
def test_block_texts_keep_every_character_around_surrogates(marks):
    """Surrogates come back as they were (the repair stage replaces them); noncharacters
    the page itself holds stay what they are."""
    mark = "".join(marks)
    blocks = [b.text for b in parse_html(page(mark)).blocks]
    assert blocks[-3:] == [p.format(mark) for p in PARAS]

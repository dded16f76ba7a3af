"""Fragment joining: a sentence broken at inline links comes back as one block; menus do not."""
from __future__ import annotations

from cleaner.stages.segment import join_fragments, joins, split_lines


def _join(text: str) -> list[str]:
    return [b.text for b in join_fragments(split_lines(text), text)]


def test_sentence_broken_at_links_is_joined():
    text = "Read the full\nreport\nhere, the agency said on Monday."
    assert _join(text) == [text]


def test_line_starting_lower_case_continues():
    assert joins("The minister said the plan", "would cost more than expected.")


def test_line_after_comma_or_stopword_continues():
    assert joins("Prices rose in the capital, and in", "Lyon and Marseille.")
    assert joins("The report was published by the", "Ministry of Health on Friday.")


def test_menu_lines_stay_apart():
    text = "Home\nNews\nSport\nWeather"
    assert _join(text) == ["Home", "News", "Sport", "Weather"]


def test_blank_line_always_ends_a_block():
    text = "The minister said the plan,\n\nwould cost more."
    assert _join(text) == ["The minister said the plan,", "would cost more."]


def test_decided_blocks_are_not_joined():
    text = "Markets fell sharply on Monday in\nvor 2 Stunden"
    blocks = split_lines(text)
    blocks[1].final = "drop"
    assert [b.text for b in join_fragments(blocks, text)] == ["Markets fell sharply on Monday in", "vor 2 Stunden"]


def test_offsets_match_the_text():
    text = "Title\n\nA sentence that goes\non and on, with\nlinks.\nMenu"
    for b in join_fragments(split_lines(text), text):
        assert text[b.start:b.end] == b.text

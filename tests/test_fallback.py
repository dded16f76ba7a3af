"""No page comes out empty while it has words (SV002), and the review flag (SV001) fires
on the documents that lost almost everything, not on every scraped page."""
from __future__ import annotations

from cleaner.pipeline import Cleaner

MENU = "Home | News | Sport | Weather | Contact | About | Jobs | Offers | Puzzles | Travel\n"
PROSE = ("The city council met on Monday and agreed to extend the tram line to the new hospital, "
         "a project that has been debated for years.")


def codes(result) -> list[str]:
    return [h.code for h in result.hits]


def test_a_page_of_one_dropped_line_keeps_it_and_is_flagged():
    result = Cleaner().clean("Blue wool rug | Example Store\n")
    assert result.text == "Blue wool rug | Example Store\n"
    assert codes(result) == ["SV002"]
    assert "NV101" in result.hits[0].detail  # the reviewer sees which rule it overrode


def test_a_page_of_menus_and_labels_is_never_empty():
    menu = "Home\nNews\nSport\nWeather and traffic and travel and jobs and more\n"
    text = f"{menu}\nAdvertisement\n"
    result = Cleaner().clean(text)
    assert result.text.strip(), "a page with words never comes out empty"


def test_html_page_whose_selection_drops_everything_keeps_its_best_block():
    html = ("<html><body><nav><a href='/'>Home</a> <a href='/r'>Rugs</a></nav>"
            "<footer><p>Blue wool rug, hand tufted in a small workshop.</p></footer></body></html>")
    result = Cleaner().clean(html, html=True)
    assert "Blue wool rug" in result.text
    assert "SV002" in codes(result)


def test_an_ordinary_article_is_neither_rescued_nor_flagged():
    result = Cleaner().clean(f"Headline\n\n{MENU}\n{PROSE}\n\n{PROSE} Again.\n")
    assert "SV002" not in codes(result) and "SV001" not in codes(result)


def test_losing_half_of_a_page_is_not_flagged_losing_nearly_all_is():
    half = Cleaner().clean(f"Headline\n\n{MENU * 7}\n{PROSE}\n\n{PROSE} Again.\n\n{PROSE} Once more.\n")
    assert half.metadata["removed_share"] > 0.5 and "SV001" not in codes(half)
    most = Cleaner().clean(f"Headline\n\n{MENU * 12}\nThe council met on Monday.\n")
    assert most.metadata["removed_share"] > 0.9 and "SV001" in codes(most)


def test_switching_the_fallback_off_leaves_the_page_empty():
    result = Cleaner(ignore=["SV002"]).clean("Blue wool rug | Example Store\n")
    assert result.text.strip() == "" and "SV002" not in codes(result)

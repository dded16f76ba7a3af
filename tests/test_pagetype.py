"""The page type is read from structure (and the page's own declaration), recorded in the
metadata with its reason; a page that is not an article gets a PT001 note."""
from __future__ import annotations

import pytest

from cleaner.content import dom
from cleaner.content.pagetype import Signals, classify, item_titles
from cleaner.stages.html import parse_html
from cleaner.pipeline import Cleaner
from cleaner.rules import builtin_rules_dir, load_pack

PROSE = ("The council voted on Tuesday to approve the new budget for the city schools, "
         "after a long debate among its members. The vote was close. ")
PARAMS = next(r for r in load_pack(builtin_rules_dir() / "metadata.toml") if r.code == "PT001").params


def html(body: str, head: str = "") -> str:
    return f"<html><head><title>A page</title>{head}</head><body><h1>A page</h1>{body}</body></html>"


# These are the rules' reading of a page (PT001), which the hand-set scorer acts on; with the
# content model on, metadata.page_type is the model's reading (tests/test_learned.py).
RULES_ONLY = Cleaner(ignore=["ML"])


def page_type(doc: str, **kw) -> str:
    return RULES_ONLY.clean(doc, **kw).metadata.get("page_type", "")


def test_a_long_run_of_prose_is_an_article_and_gets_no_note():
    result = Cleaner().clean(html("".join(f"<p>{PROSE * 2}</p>" for _ in range(8))), html=True)
    assert result.metadata["page_type"] == "article"
    assert "PT001" not in [h.code for h in result.hits]


def test_a_declared_discussion_is_a_forum():
    head = '<script type="application/ld+json">{"@context": "https://schema.org", "@type": "DiscussionForumPosting"}</script>'
    result = Cleaner().clean(html(f"<p>{PROSE}</p><p>{PROSE}</p>", head), html=True)
    assert result.metadata["page_type"] == "forum"
    assert "PT001" in [h.code for h in result.hits]


def test_broken_json_ld_is_read_as_far_as_it_goes():
    head = '<script type="application/ld+json">{"@type": ["Product", "Thing"], "name": "Rug", </script>'
    assert page_type(html(f"<p>{PROSE}</p><p>{PROSE}</p>", head), html=True) == "product"


def test_a_grid_of_linked_item_titles_is_a_listing():
    cards = "".join(f"<div class='card'><h3><a href='/i{i}'>Item number {i} of the shop</a></h3>"
                    f"<p>A short blurb about item {i}.</p></div>" for i in range(12))
    assert page_type(html(f"<main>{cards}</main>"), html=True) == "listing"


def test_linked_titles_in_a_menu_do_not_make_a_listing():
    menu = "".join(f"<li><a href='/s{i}'>Section number {i} of the site</a></li>" for i in range(12))
    assert page_type(html(f"<nav><ul>{menu}</ul></nav><p>{PROSE}</p><p>{PROSE}</p>"), html=True) != "listing"


def test_code_blocks_make_documentation():
    body = "".join(f"<p>{PROSE}</p><pre>pip install example-{i}</pre>" for i in range(3))
    assert page_type(html(body), html=True) == "documentation"


def test_prices_make_a_product_in_scraped_text():
    text = "Blue wool rug\n\n" + PROSE * 2 + "\n\n$129.00\n\nWas $159.00\n\nSale $99.00\n\nAdd to basket\n"
    assert page_type(text) == "product"


def test_a_line_or_two_gets_no_page_type():
    result = Cleaner().clean("Photo: AFP\n")
    assert "page_type" not in result.metadata and "PT001" not in [h.code for h in result.hits]


@pytest.mark.parametrize("signals, expected", [
    (Signals(declared=frozenset({"NewsArticle", "Product"})), "article"),  # an article about a product
    (Signals(declared=frozenset({"ItemList"}), cards=2, longest_run=3000), "article"),
    (Signals(prices=5, cards=20), "listing"),
    (Signals(dates=6, labels=8), "forum"),
    (Signals(dates=6, labels=1), "service"),
])
def test_the_order_of_the_decision(signals, expected):
    assert classify(signals, PARAMS)[0] == expected


def thread(posts: int = 6) -> str:
    menu = "\n".join(["Home", "Forums", "Latest", "Search", "Members", "Help"] * 2)
    parts = ["Budget thread", menu]
    for i in range(posts):
        parts.append(f"member{i}\nMar {i + 1}, 2024\nReply\nQuote\nReport")
        parts.append(f"{PROSE}Post {i} ends here.")
        parts.append(menu if i == 2 else "Like\nShare")
    return "\n\n".join(parts) + "\n"


def test_a_thread_in_scraped_text_keeps_every_post():
    result = RULES_ONLY.clean(thread())
    assert result.metadata["page_type"] == "forum"
    assert all(f"Post {i} ends here." in result.text for i in range(6))


def test_without_the_page_type_the_window_keeps_one_stretch_of_the_thread():
    out = Cleaner(ignore=["PT001", "ML"]).clean(thread()).text
    assert not all(f"Post {i} ends here." in out for i in range(6))


def test_a_link_repeated_on_every_card_is_a_label_not_the_items():
    cards = "".join(f"<div class='card'><h3><a href='/i{i}'>Item number {i} of the shop</a></h3>"
                    f"<div><p><a href='/more'>More in this category</a></p><p><a href='/share'>Share this item now</a></p></div>"
                    f"</div>" for i in range(12))
    units = dom.page_units(parse_html(html(f"<main>{cards}</main>")))
    titles = [units["texts"][i] for i in item_titles(units["texts"], units["links"], units["places"])]
    assert len(titles) == 12 and "More in this category" not in titles and "Share this item now" not in titles

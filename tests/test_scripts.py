"""Scripts without spaces between words (Thai, Lao, Khmer, Myanmar) and CJK: their
paragraphs are measured in characters, so they read as prose in both modes, while the
menu around them still goes."""
from __future__ import annotations

import pytest

from cleaner.content.score import ScoreParams, features
from cleaner.model import Block
from cleaner.pipeline import Cleaner
from scripts_pages import PAGES


def text_page(page: dict) -> str:
    menu = "\n".join(page["menu"])
    body = "\n\n".join(page["paragraphs"])
    return f"{page['title']}\n\n{menu}\n\n{body}\n\n{menu}\n"


def html_page(page: dict) -> str:
    menu = "".join(f"<li><a href='/{i}'>{m}</a></li>" for i, m in enumerate(page["menu"]))
    body = "".join(f"<p>{p}</p>" for p in page["paragraphs"])
    return (f"<html><head><title>{page['title']}</title></head><body><nav><ul>{menu}</ul></nav>"
            f"<h1>{page['title']}</h1><article>{body}</article><footer><ul>{menu}</ul></footer></body></html>")


@pytest.fixture(scope="module")
def cleaner():
    return Cleaner()


@pytest.mark.parametrize("lang", sorted(PAGES))
def test_paragraphs_are_kept_and_the_menu_goes_in_scraped_text(cleaner, lang):
    page = PAGES[lang]
    out = cleaner.clean(text_page(page)).text
    assert all(p in out for p in page["paragraphs"]), out
    assert not any(line in page["menu"] for line in out.splitlines()), out


@pytest.mark.parametrize("lang", sorted(PAGES))
def test_paragraphs_are_kept_and_the_menu_goes_in_html(cleaner, lang):
    page = PAGES[lang]
    out = cleaner.clean(html_page(page), html=True).text
    assert all(p in out for p in page["paragraphs"]), out
    assert not any(line in page["menu"] for line in out.splitlines()), out


@pytest.mark.parametrize("lang", ["th", "lo"])
def test_only_a_paragraph_long_run_of_a_spaceless_script_reads_as_a_sentence(lang):
    # Thai and Lao mark no sentence end: the length stands in for the full stop, but only
    # for a paragraph-long run, so a menu item or a short label is not prose.
    params = ScoreParams.builtin()
    para = PAGES[lang]["paragraphs"][0]
    assert features(Block(0, len(para), para), frozenset(), params)["sentence"]
    short = para[:params.length_low - 10]
    assert not features(Block(0, len(short), short), frozenset(), params)["sentence"]

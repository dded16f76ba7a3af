"""An element with tens of thousands of attributes: the DOM walk reads by name the few
that carry hints, never all of them (lxml's ``items()`` is quadratic in an element's
attributes, and the element cache would keep them all)."""
from __future__ import annotations

from cleaner.rules.html import default_rules
from cleaner.stages.html import _MAX_ATTRIBUTES, parse_html

PROSE = "The council voted on Tuesday to approve the new budget for the city schools, after a long debate."


def page(n: int, hint: str = "") -> str:
    attrs = " ".join(f'data-a{i}="v{i}"' for i in range(n))
    return (f"<html><body><div {attrs} {hint}><p>{PROSE}</p></div>"
            f"<article {attrs}><p>{PROSE} Again.</p></article></body></html>")


def test_the_walk_keeps_no_huge_element_s_attributes():
    rules = default_rules()
    rules.element_cache.clear()
    parse_html(page(5000), rules)
    sizes = [len(key[1]) for key in rules.element_cache]
    assert sizes and max(sizes) <= _MAX_ATTRIBUTES, max(sizes)


def test_hints_of_a_huge_element_are_still_read():
    """The attributes hints come from (class, id, role, style, hidden ...) are read by name."""
    hint = 'class="sidebar-widget" aria-hidden="true" role="complementary"'
    huge, small = parse_html(page(3000, hint)), parse_html(page(3, hint))
    assert [(b.text, b.path, b.hints) for b in huge.blocks] == [(b.text, b.path, b.hints) for b in small.blocks]
    assert any("div.sidebar-widget" in b.path for b in huge.blocks)


def test_a_huge_start_tag_reaches_libxml2_with_the_attributes_hints_are_read_from():
    """libxml2 checks each attribute against every earlier one of its element (quadratic:
    50,000 took 10 s).  A start tag that long keeps its first attributes and those hints
    come from; the page's text is all there, in both kinds of markup parse_html takes."""
    from cleaner.stages import html as html_stage

    seen = []
    real = html_stage.etree.fromstring
    hint = 'class="sidebar-widget" role="complementary"'
    for markup in (page(20000, hint), page(20000, hint).encode()):
        try:
            html_stage.etree.fromstring = lambda text, parser: seen.append(len(text)) or real(text, parser)
            huge = parse_html(markup)
        finally:
            html_stage.etree.fromstring = real
        assert [(b.text, b.path, b.hints) for b in huge.blocks] == \
            [(b.text, b.path, b.hints) for b in parse_html(page(3, hint)).blocks]
    assert max(seen) < 100_000, seen


def test_a_long_tag_with_an_open_quote_is_left_as_it_is(monkeypatch):
    """Where the tag ends is not clear (a quote that never closes): libxml2 decides."""
    from cleaner.stages import html as html_stage

    attrs = " ".join(f'data-a{i}="v{i}"' for i in range(3000))
    markup = f'<html><body><div {attrs} title="unclosed><p>{PROSE}</p></div><p>{PROSE} End.</p></body></html>'
    assert html_stage._shorten_long_tags(markup) == markup
    assert html_stage._shorten_long_tags(markup.encode()) == markup.encode()

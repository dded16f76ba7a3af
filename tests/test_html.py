"""Tests of the HTML input path: decoding, blocks, hints, selection, and rule examples."""
from __future__ import annotations

import gzip

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner import clean
from cleaner.stages.html import (
    Decision, HtmlPage, decode_html, default_rules, detect_language, extract_text, fired_codes,
    block_lines, parse_html, select_main, to_model_blocks,
)

PROSE = ("The council voted on Tuesday to approve the new budget for the city schools, "
         "after a long debate among its members. The vote was close.")
PROSE2 = ("It passed by a single vote after the mayor spoke in favour of the plan and "
          "promised to review it next year, he said.")


def page_of(body: str, head: str = "") -> HtmlPage:
    return parse_html(f"<html><head>{head}</head><body>{body}</body></html>")


def block_with(page: HtmlPage, needle: str):
    return next(b for b in page.blocks if needle in b.text)


# ---------------------------------------------------------------- decoding

def test_meta_charset_latin1():
    data = '<html><head><meta charset="iso-8859-1"></head><body><p>café crème</p></body></html>'.encode("latin-1")
    assert "café crème" in decode_html(data)


def test_http_equiv_charset_windows1252():
    data = ('<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1252">'
            '</head><body><p>“quoted” – dash</p></body></html>').encode("cp1252")
    assert "“quoted” – dash" in decode_html(data)


def test_utf8_bom_is_removed():
    data = b"\xef\xbb\xbf<html><body><p>caf\xc3\xa9</p></body></html>"
    text = decode_html(data)
    assert "café" in text and not text.startswith("\ufeff")


def test_utf16_bom():
    data = "\ufeff<html><body><p>naïve</p></body></html>".encode("utf-16-le")
    assert "naïve" in decode_html(data)


def test_gzip_is_decompressed():
    raw = "<html><body><p>Grüße aus Köln</p></body></html>".encode("utf-8")
    assert "Grüße aus Köln" in decode_html(gzip.compress(raw))


def test_truncated_gzip_raises_value_error():
    raw = ("<html><body>" + "<p>some text here</p>" * 200 + "</body></html>").encode()
    with pytest.raises(ValueError, match="gzip"):
        decode_html(gzip.compress(raw)[:-20])


# ---------------------------------------------------------------- blocks

def test_block_i_is_line_2i():
    page = page_of(f"<div>intro <p>{PROSE}</p> tail <ul><li>one</li><li>two\nlines</li></ul></div>"
                   "<table><tr><td>a</td><td>b</td></tr></table>")
    lines = page.text.split("\n")
    assert len(lines) == 2 * len(page.blocks) - 1
    for i, b in enumerate(page.blocks):
        assert "\n" not in b.text
        assert lines[2 * i] == b.text
        if i:
            assert lines[2 * i - 1] == ""
    for b, (start, end) in zip(page.blocks, page.block_offsets()):
        assert page.text[start:end] == b.text


def test_own_text_of_nested_blocks():
    page = page_of("<div>before <p>inside</p> after</div>")
    assert [b.text for b in page.blocks] == ["before", "inside", "after"]


def test_whitespace_is_collapsed_and_inline_elements_join():
    page = page_of("<p>  one\n\t<b>two</b>&nbsp;<i>three</i>  </p>")
    assert page.blocks[-1].text == "one two three"


def test_double_br_breaks_a_block_single_br_breaks_a_line():
    page = page_of("<div>one<br>two<br><br>three</div>")
    assert [b.text for b in page.blocks] == ["one\ntwo", "three"]
    # A heading, list item or table cell is one line whatever its <br>s.
    page = page_of("<h2>one<br>two</h2><ul><li>three<br>four</li></ul><table><tr><td>five<br>six</td></tr></table>")
    assert [b.text for b in page.blocks] == ["one two", "three four", "five six"]


tag_names = st.sampled_from(["div", "p", "span", "a", "li", "b", "section", "td", "h2", "br"])
texts = st.text(alphabet=st.sampled_from(list("ab \n\t.")), max_size=6)


@st.composite
def html_trees(draw, depth=0):
    parts = []
    for _ in range(draw(st.integers(0, 3))):
        if depth < 4 and draw(st.booleans()):
            tag = draw(tag_names)
            parts.append(f"<{tag}>{draw(html_trees(depth + 1))}</{tag}>")
        else:
            parts.append(draw(texts))
    return "".join(parts)


@settings(max_examples=150, deadline=None)
@given(html_trees())
def test_offsets_invariant_on_random_markup(body):
    page = page_of(body)
    lines = page.text.split("\n")
    starts = block_lines(page.blocks, set(range(len(page.blocks))))
    for first, b in zip(starts, page.blocks):
        # A block is a paragraph: its lines (``<br>`` lines) are not blank, and it starts at
        # the line the count of the lines before it says.
        assert b.text and all(line.strip() for line in b.text.split("\n"))
        assert "\n".join(lines[first:first + b.text.count("\n") + 1]) == b.text
    assert len(select_main(page)) == len(page.blocks)


def test_script_style_and_friends_never_appear():
    page = page_of(f"<p>{PROSE}</p><script>var secret = 1;</script><style>.x{{color:red}}</style>"
                   "<noscript>enable js</noscript><template><p>tmpl</p></template><svg><text>svgtext</text></svg>"
                   "<p>after <script>inline()</script>text</p>",
                   head="<style>body{}</style><script>headscript()</script>")
    for needle in ("secret", "color", "enable js", "tmpl", "svgtext", "inline", "headscript"):
        assert needle not in page.text
    assert "after text" in page.text


def test_deep_nesting_keeps_the_text_inside_and_after_it():
    html = "<html><body>" + "<div>" * 1500 + "deep" + "</div>" * 1500 + f"<p>{PROSE}</p></body></html>"
    page = parse_html(html)
    assert [b.text for b in page.blocks] == ["deep", PROSE]
    assert len(select_main(page)) == len(page.blocks)


def test_nesting_past_the_parser_limit_is_an_error_not_a_truncated_page():
    html = "<html><body>" + "<div>" * 100_000 + "deep" + "</div>" * 100_000 + f"<p>{PROSE}</p></body></html>"
    with pytest.raises(ValueError, match="nested too deep"):
        parse_html(html)


def test_empty_and_garbage_input():
    assert parse_html("").blocks == []
    assert parse_html("   \n ").blocks == []
    assert select_main(parse_html("")) == []
    page = parse_html("<<<>>> not really <html")
    assert len(select_main(page)) == len(page.blocks)


# ---------------------------------------------------------------- hints and features

def test_hints_from_tags_roles_and_class_tokens():
    page = page_of(f"<nav><p>Home</p></nav><aside><p>Side</p></aside><footer><p>Foot</p></footer>"
                   f"<div class='relatedPosts'><p>Rel</p></div><div id='comments'><p>Com</p></div>"
                   f"<div role='navigation'><p>Roled</p></div><div class='ad-slot'><p>Buy</p></div>"
                   f"<div class='header shadow'><p>{PROSE}</p></div>")
    assert "nav" in block_with(page, "Home").hints
    assert "sidebar" in block_with(page, "Side").hints
    assert "footer" in block_with(page, "Foot").hints
    assert "related" in block_with(page, "Rel").hints
    assert "comments" in block_with(page, "Com").hints
    assert "nav" in block_with(page, "Roled").hints
    assert "ad" in block_with(page, "Buy").hints
    assert "ad" not in block_with(page, "council").hints  # "header", "shadow" hold no "ad" word


def test_hidden_elements_are_hinted():
    page = page_of("<div style='display: none'><p>Invisible</p></div><div hidden><p>Gone</p></div>")
    assert "hidden" in block_with(page, "Invisible").hints
    assert "hidden" in block_with(page, "Gone").hints


def test_link_chars_and_link_density():
    page = page_of("<p>Read <a href='/a'>this story</a> now</p><ul><li><a href='/b'>All link</a></li></ul>")
    para = block_with(page, "Read")
    assert para.text == "Read this story now" and para.link_chars == len("this story")
    assert block_with(page, "All link").link_chars == len("All link")
    decisions = select_main(page)
    li = next(d for b, d in zip(page.blocks, decisions) if b.text == "All link")
    assert not li.keep and li.code == "HT201" and "link density 1.00" in li.reason


def test_block_roles():
    page = page_of("<h2>Head</h2><p>Para</p><ul><li>Item <div>in div</div></li></ul><pre>x = 1</pre>"
                   "<table><tr><td>Cell</td></tr></table><blockquote>Quoted</blockquote>"
                   "<figure><figcaption>Cap</figcaption></figure>")
    roles = {b.text: b.tag for b in page.blocks}
    assert roles["Head"] == "h" and roles["Para"] == "p" and roles["Item"] == "li"
    assert roles["in div"] == "li" and roles["x = 1"] == "pre" and roles["Cell"] == "td"
    assert roles["Quoted"] == "quote" and roles["Cap"] == "caption"


# ---------------------------------------------------------------- headline

def test_headline_is_first_block_and_not_repeated_in_output():
    page = page_of(f"<h1>Budget approved after long debate</h1><p>{PROSE}</p><p>{PROSE2}</p>",
                   head="<title>Budget approved after long debate | The Daily Paper</title>")
    assert page.title == "Budget approved after long debate"
    assert page.blocks[0].tag == "title" and page.blocks[0].text == page.title
    decisions = select_main(page)
    assert [d.code for d in decisions[:2]] == ["HT205", "HT205"]
    out = extract_text(f"<html><head><title>Budget | Paper</title></head><body><h1>Budget</h1><p>{PROSE}</p>"
                       "</body></html>")
    assert "Budget" not in out.split("\n\n")[0] and PROSE in out


def test_title_without_h1_loses_site_suffix():
    page = page_of(f"<p>{PROSE}</p>", head="<title>Schools get their money - City News Online</title>")
    assert page.title == "Schools get their money"


def test_headline_kept_once_when_asked():
    from dataclasses import replace

    from cleaner.rules import Rule

    rules = default_rules()
    rule: Rule = rules.rules["HT205"]
    custom = replace(rules, rules={**rules.rules, "HT205": replace(rule, params={**rule.params, "keep_headline": True})})
    html = (f"<html><head><title>Budget approved | Paper</title></head><body><h1>Budget approved</h1>"
            f"<p>{PROSE}</p></body></html>")
    assert extract_text(html, custom).count("Budget approved") == 1


# ---------------------------------------------------------------- selection

def test_every_decision_names_a_rule_and_a_reason():
    page = page_of(f"<nav><a href='/'>Home</a></nav><p>{PROSE}</p><p>Short one.</p><p>{PROSE2}</p>"
                   "<footer><p>All rights reserved.</p></footer>")
    decisions = select_main(page)
    rules = default_rules()
    assert len(decisions) == len(page.blocks)
    for d in decisions:
        assert isinstance(d, Decision) and d.code in rules.rules and d.reason
        assert d.name == rules.rules[d.code].name


def test_short_block_between_prose_stays_and_boilerplate_goes():
    out = extract_text(f"<html><body><nav><ul><li><a href='/'>Home</a></li><li><a href='/n'>News</a></li></ul></nav>"
                       f"<p>{PROSE}</p><h2>What next</h2><p>{PROSE2}</p>"
                       f"<div class='share-bar'><p>Share this story with your friends and family on your networks.</p></div>"
                       f"<footer><p>All rights reserved. Use of this site means you accept the terms.</p></footer>"
                       f"</body></html>")
    assert PROSE in out and PROSE2 in out and "What next" in out
    assert "Home" not in out and "Share this" not in out and "rights reserved" not in out


def test_page_wrapper_with_misleading_class_is_not_dropped():
    body = "".join(f"<p>{PROSE} Paragraph {i}.</p>" for i in range(5))
    out = extract_text(f"<html><body><form id='aspnetForm'><div class='page-with-comments'>{body}</div></form>"
                       "</body></html>")
    assert "Paragraph 4" in out


def test_a_thread_whose_posts_all_carry_a_comment_class_keeps_its_posts():
    # Every post in its own small "comment" element: no one element is a wrapper, but the
    # hint together would remove all the page's prose, so it is not applied alone.
    posts = "".join(f"<div class='comment'><p>{PROSE} Post {i}.</p></div>" for i in range(6))
    out = extract_text(f"<html><body><h1>Budget thread</h1><p>{PROSE2}</p><p>{PROSE2} Rules.</p>{posts}</body></html>")
    assert all(f"Post {i}." in out for i in range(6))


def test_a_comment_section_beside_the_article_still_goes():
    article = "".join(f"<p>{PROSE} Paragraph {i}.</p>" for i in range(6))
    comments = "".join(f"<div class='comment'><p>{PROSE2} Comment {i}.</p></div>" for i in range(2))
    out = extract_text(f"<html><body><h1>Budget approved</h1><article>{article}</article>{comments}</body></html>")
    assert "Paragraph 5." in out and "Comment" not in out


def test_a_paragraph_of_prose_in_a_caption_classed_element_stays_a_real_caption_goes():
    body = "".join(f"<p>{PROSE} Paragraph {i}.</p>" for i in range(4))
    long_para = f"{PROSE} {PROSE2} Inside the caption box."
    out = extract_text(f"<html><body><h1>Budget</h1>{body}<div class='caption-text'><p>{long_para}</p></div>"
                       f"<figure><img src='a.jpg'><figcaption>Council members listen to a speaker.</figcaption></figure>"
                       f"{body}</body></html>")
    assert "Inside the caption box." in out and "listen to a speaker" not in out


def test_over_prune_guard_restores_prose():
    page = page_of(f"<div class='comments'><p>{PROSE}</p></div><p>x</p>"
                   f"<div class='related'><p>{PROSE2}</p></div><p>y</p>")
    decisions = select_main(page)
    assert any(d.keep for d in decisions)


def test_to_model_blocks_offsets():
    page = page_of(f"<p>{PROSE}</p><nav><p>Menu</p></nav>")
    blocks = to_model_blocks(page, select_main(page))
    for b in blocks:
        assert page.text[b.start:b.end] == b.text and b.code
    assert [b.kept for b in blocks].count(True) >= 1


# ---------------------------------------------------------------- language

def test_language_from_attribute_and_from_text():
    rules = default_rules()
    de = ("Der Rat hat am Dienstag den neuen Haushalt für die Schulen der Stadt beschlossen, "
          "nachdem die Mitglieder lange darüber gestritten hatten und es keine Einigung gab.")
    assert detect_language(parse_html(f"<html lang='de-DE'><body><p>{de}</p></body></html>"), rules) == "de"
    assert detect_language(parse_html(f"<html><body><p>{de}</p></body></html>"), rules) == "de"
    # A template that declares the wrong language loses to its text.
    assert detect_language(parse_html(f"<html lang='en'><body><p>{de}</p></body></html>"), rules) == "de"


def test_language_detection_is_deterministic_without_stoplist():
    rules = default_rules()
    text = "Συμβούλιο ψήφισε την Τρίτη τον νέο προϋπολογισμό για τα σχολεία της πόλης μετά από συζήτηση."
    page = parse_html(f"<html><body><p>{text}</p></body></html>")
    assert len({detect_language(page, rules) for _ in range(3)}) == 1


def test_stopword_files_exist():
    rules = default_rules()
    for lang in ("en", "de", "fr", "es"):
        assert len(rules.stopwords[lang]) >= 50


# ---------------------------------------------------------------- rule examples

def _html_rules():
    return sorted(default_rules().rules.values(), key=lambda r: r.code)


@pytest.mark.parametrize("rule", _html_rules(), ids=lambda r: r.code)
def test_rule_fires_on_hit_examples(rule):
    for doc in rule.examples_hit:
        assert rule.code in fired_codes(doc), f"{rule.code} did not fire on {doc[:80]}"


@pytest.mark.parametrize("rule", _html_rules(), ids=lambda r: r.code)
def test_rule_does_not_fire_on_keep_examples(rule):
    for doc in rule.examples_keep:
        assert rule.code not in fired_codes(doc), f"{rule.code} fired on {doc[:80]}"


def test_hint_tokens_must_be_plain_letters(tmp_path):
    from cleaner.rules.html import load_html_rules
    from cleaner.rules import RuleError

    pack = tmp_path / "html.toml"
    pack.write_text(
        '[[rule]]\ncode = "HT190"\nname = "html.test"\nkind = "html"\nmessage = "m"\n'
        'params.hint = "x"\nparams.drop = true\nparams.tokens = ["site-header"]\n'
        'examples.hit = ["<p>a</p>"]\nexamples.keep = ["<p>b</p>"]\n', encoding="utf-8")
    with pytest.raises(RuleError, match="HT190.*substrings"):
        load_html_rules(pack)


_LITERALS = st.lists(st.text("ab-c", min_size=1, max_size=6), min_size=1, max_size=12, unique=True)


@settings(max_examples=300, deadline=None)
@given(_LITERALS, st.text("ab-c x", max_size=40))
def test_substring_trie_finds_what_longest_first_alternatives_find(literals, text):
    """The hint index's one-pattern trie matches exactly like the literals as
    alternatives sorted longest first (same spans, same literal at each)."""
    import re

    from cleaner.rules.html import _trie_pattern

    flat = re.compile("|".join(re.escape(x) for x in sorted(literals, key=len, reverse=True)))
    trie = re.compile(_trie_pattern(literals))
    assert [(m.span(), m.group()) for m in trie.finditer(text)] == \
        [(m.span(), m.group()) for m in flat.finditer(text)]


def test_div_inside_heading_is_a_heading_and_repeats_of_the_headline_go():
    page = page_of(f"<h1><div>Budget approved</div></h1><p>{PROSE}</p>",
                   head="<title>Budget approved | Paper</title>")
    assert block_with(page, "Budget approved").tag in ("title", "h")
    assert [b.tag for b in page.blocks[1:2]] == ["h"]
    decisions = select_main(page)
    assert decisions[1].code == "HT205" and not decisions[1].keep


def test_blocks_without_words_are_dropped():
    page = page_of(f"<p>{PROSE}</p><p>\u200b</p><p>{PROSE2}</p><p>• • •</p>")
    for b, d in zip(page.blocks, select_main(page)):
        if not any(c.isalnum() for c in b.text):
            assert not d.keep and d.code == "HT202"


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=300))
def test_arbitrary_bytes_never_crash(data):
    try:
        html = decode_html(data)
    except ValueError:  # only a broken gzip stream may raise
        assert data[:2] == b"\x1f\x8b"
        return
    page = parse_html(html)
    assert len(select_main(page)) == len(page.blocks)


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("<>/=\"' abcdiv&;#x\u200b\u4e00")), max_size=200))
def test_arbitrary_markup_never_crashes(html):
    page = parse_html(html)
    lines = page.text.split("\n")
    assert all(lines[2 * i] == b.text for i, b in enumerate(page.blocks))
    assert len(select_main(page)) == len(page.blocks)


def test_xml_declaration_with_encoding_is_accepted():
    page = parse_html(f'<?xml version="1.0" encoding="utf-8"?><html><body><p>{PROSE}</p></body></html>')
    assert page.blocks[-1].text == PROSE


def test_shift_jis_meta_charset():
    text = "東京都の議会は火曜日に新しい予算を承認しました。"
    data = (f'<html><head><meta http-equiv="Content-Type" content="text/html; charset=Shift_JIS"></head>'
            f'<body><p>{text}</p></body></html>').encode("shift_jis")
    assert text in decode_html(data)


def test_longer_h1_holding_the_shortened_title_is_the_headline():
    page = page_of(f"<h1>Council approves the new school budget after a long night of talks</h1><p>{PROSE}</p>",
                   head="<title>Council approves school budget | Paper</title>")
    assert page.title.startswith("Council approves the new school budget")
    decisions = select_main(page)
    assert not decisions[1].keep and decisions[1].code == "HT205"


def test_nested_hover_card_text_is_left_out_of_the_sentence():
    page = page_of("<p>The council led by <span class='person-hovercard'><a href='/p/1'>Jane Doe</a>"
                   "<span class='hovercard-body'><a href='/a/1'>Doe wins the vote on parks</a></span></span>"
                   f" voted on Tuesday. {PROSE}</p>")
    text = block_with(page, "council led by").text
    assert "Jane Doe voted on Tuesday" in text and "wins the vote" not in text
    assert page.hover_cards == 1


def test_block_between_headline_and_byline_is_a_standfirst():
    page = page_of("<header><h1>Budget approved after a long night</h1><p>City hall ends its longest session "
                   "in years with a narrow vote.</p></header><p class='byline'>By Jane Doe</p>"
                   f"<p>{PROSE}</p><p>{PROSE2}</p>", head="<title>Budget approved after a long night</title>")
    decisions = select_main(page)
    i = next(k for k, b in enumerate(page.blocks) if b.text.startswith("City hall"))
    assert not decisions[i].keep and decisions[i].code == "HT118"
    assert all(d.keep for b, d in zip(page.blocks, decisions) if b.text in (PROSE, PROSE2))


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="abXYZ019-_ .", max_size=30))
def test_camel_case_words_of_ascii_class_names(attr):
    """The fast camel-case split of an ASCII class value gives the words of the general
    one (insert a space at each lower-to-upper step, lower-case, split at non-letters)."""
    from cleaner.rules.html import _CAMEL, _CAMEL_WORD, _NON_ALNUM

    general = [w for w in _NON_ALNUM.split(_CAMEL.sub(r"\1 \2", attr).lower()) if w]
    assert " ".join(_CAMEL_WORD.findall(attr)).lower().split() == general


def test_a_flood_of_tiny_sibling_paragraphs_folds_into_few_blocks():
    """8 MB of ``<p>ab</p>`` took 1.6 GB and a minute as 900,000 blocks: past a run of 1,000
    tiny siblings, they join the run's last block, so blocks grow with the text, not the tags."""
    n = 20_000
    page = parse_html("<html><body><div>" + "<p>ab</p>" * n + "</div></body></html>")
    assert len(page.blocks) < 1_100
    assert sum(b.text.split().count("ab") for b in page.blocks) == n  # no text lost
    assert max(len(b.text) for b in page.blocks) < 4_000
    out = clean("<html><body><div>" + "<p>ab</p>" * n + "</div></body></html>", html=True)
    assert out.text.split().count("ab") + sum(h.before.split().count("ab") for h in out.hits) >= n


def test_tiny_siblings_of_a_real_page_stay_blocks_of_their_own():
    cells = "".join(f"<li>{i}</li>" for i in range(999))  # under the run: untouched
    page = parse_html(f"<html><body><ul>{cells}</ul><p>Other text here.</p></body></html>")
    assert [b.text for b in page.blocks[:999]] == [str(i) for i in range(999)]
    # a run broken by a longer block starts again
    mixed = "".join("<p>ab</p>" * 600 + "<p>A longer paragraph of real prose between them.</p>" for _ in range(3))
    page = parse_html(f"<html><body><div>{mixed}</div></body></html>")
    assert len(page.blocks) == 3 * 601

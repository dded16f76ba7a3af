"""The block scorer on synthetic blocks: labels at the thresholds, the context pass, the
window, list runs, repeated lines, headline anchoring and the over-prune guard."""
from __future__ import annotations

from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner.model import DROP, Block
from cleaner.pipeline import SCORE_CODES, Cleaner
from cleaner.content.score import (RULED, ScoreParams, body_window, features, is_title_repeat, label, list_shaped,
                           list_extension, repeated_lines, revise, score_blocks, skeleton)

EN = frozenset("a an and are as at be by for from has in is it of on that the to was were with".split())
P = ScoreParams(length_low=70, length_high=200, stopwords_low=0.30, stopwords_high=0.32,
                boilerplate_words=("newsletter",), bad_weight_min=3.0, ruled_weight_min=3.0,
                pre_title_weight=0.3, foot_weight=0.3, repeat_max_chars=80, list_min_items=3,
                guard_min_chars=150, sentence_lower_share=0.4, sentence_density=0.4, max_link_density=0.2,
                boilerplate_max_chars=200, foot_share=0.2, join_long_line=0, section_end_codes=(),
                section_end_weight=1.0, section_end_after_chars=0, window_off_types=())
PROSE = ("The council met on Monday and agreed to extend the tram line to the new hospital, "
         "a project that has been debated in the city for years.")
PROSE2 = ("Work on the line starts in the spring and should take two years, the council said "
          "in a statement that was published on its website.")


def blocks_of(*texts: str) -> list[Block]:
    out, pos = [], 0
    for t in texts:
        out.append(Block(pos, pos + len(t), t))
        pos += len(t) + 2
    return out


def lab(text: str, stop=EN, p=P) -> str:
    b = Block(0, len(text), text)
    return label(b, features(b, stop, p), p)[0]


# -- context-free labels -------------------------------------------------------------
def test_short_block_is_short():
    assert lab("What happens next") == "short"
    assert lab("x" * 69) == "short"


def test_long_sentence_is_good():
    assert lab(PROSE) == "good"


def test_long_menu_is_bad():
    assert lab("Markets Economy Politics Technology Climate Science Health Education Culture Travel") == "bad"


def test_boilerplate_word_in_short_block_is_bad():
    assert lab("Get the best of the week in your inbox with our free newsletter every Friday morning") == "bad"


def test_stopword_thresholds():
    # Long, no sentence end: decided by stopword density alone.
    rich = " ".join(["the cat of the dog and the bird"] * 8)  # density 5/8
    poor = " ".join(["Red Green Blue Yellow Orange Purple"] * 8)
    assert lab(rich) == "good"
    assert lab(poor) == "bad"
    mid = " ".join(["the cat and dog sat still"] * 5)  # 2/6 = 0.33, under length_high
    assert lab(mid) == "neargood"


def test_sentence_likeness_without_stopwords():
    # No stopword list for the language: sentence-likeness still finds prose.
    text = "Lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt."
    assert lab(text, stop=frozenset()) == "good"
    assert lab("Lorem Ipsum Dolor Sit Amet Consectetur Adipiscing Elit Sed Do Eiusmod Tempor", stop=frozenset()) == "bad"


def test_cjk_length_counts_characters():
    text = "東京都は月曜日に新しい病院への路面電車の延長を決めた。計画は長年議論されてきた。"
    f = features(Block(0, len(text), text), frozenset(), P)
    assert f["length"] >= 70 and f["sentence"]
    assert lab(text, stop=frozenset()) == "good"


# -- context pass ----------------------------------------------------------------------
def test_short_between_good_stays():
    assert revise(["good", "short", "good"]) == ["good", "good", "good"]


def test_short_among_boilerplate_goes():
    assert revise(["bad", "short", "bad"])[1] == "bad"
    assert revise(["good", "short", "bad"])[1] == "bad"
    assert revise(["short", "good"])[0] == "bad"  # the page edge counts as boilerplate


def test_ruled_blocks_are_skipped_as_neighbours():
    assert revise(["good", RULED, "short", RULED, "good"])[2] == "good"


def test_neargood_needs_one_good_neighbour():
    assert revise(["good", "neargood", "bad"])[1] == "good"
    assert revise(["bad", "neargood", "bad"])[1] == "bad"


def test_context_pass_is_linear():
    labels = ["good"] + ["short"] * 50_000 + ["good"]
    assert set(revise(labels)) == {"good"}


# -- window ----------------------------------------------------------------------------
def test_window_skips_stray_prose_after_menus():
    bl = blocks_of(PROSE, PROSE2, *["Home"] * 12, PROSE)
    revised = ["good", "good"] + ["bad"] * 12 + ["good"]
    assert body_window(bl, revised, P) == (0, 1)


def test_window_foot_weighs_less():
    foot = " ".join([PROSE] * 6)
    bl = blocks_of(PROSE, *["Menu item"] * 3, *["Home"] * 10, foot)
    revised = ["good"] + ["bad"] * 13 + ["good"]
    lo, hi = body_window(bl, revised, P)
    assert (lo, hi) == (0, 0)


def test_window_prefers_text_after_the_headline_repeat():
    bl = blocks_of(PROSE, "Home", "Home", "Home", PROSE2)
    revised = ["good", "bad", "bad", "bad", "good"]
    assert body_window(bl, revised, P, anchor=4) == (4, 4)


def test_ruled_blocks_in_window_cost_a_minimum():
    bl = blocks_of(PROSE, "x", "x", "x", "x", PROSE2)
    for b in bl[1:5]:
        b.final = DROP
    lo, hi = body_window(bl, ["good", RULED, RULED, RULED, RULED, "good"], P)
    assert hi - lo == 0


# -- whole scorer ----------------------------------------------------------------------
def _score(*texts):
    bl = blocks_of(*texts)
    bl[0].tag = "title"
    note = score_blocks(bl, EN, P, SCORE_CODES)
    return bl, note


def test_subheading_between_paragraphs_stays():
    bl, _ = _score("Headline", PROSE, "What happens next", PROSE2)
    assert all(b.kept for b in bl)


def test_repeated_lines_are_navigation():
    bl, _ = _score("Headline", "Home", "World", PROSE, PROSE2, "Home", "World")
    assert repeated_lines(bl, P) == {1: 2, 2: 2, 5: 2, 6: 2}
    assert [b.code for b in bl if not b.kept] == ["BS104"] * 4


def test_numbers_do_not_count_as_repeated_lines():
    bl = blocks_of("1", "2", "1", "2")
    assert repeated_lines(bl, P) == {}


def test_headline_repeat_is_found_and_dropped():
    assert is_title_repeat("Tram line to reach the hospital | Example Daily", "Tram line to reach the hospital")
    assert not is_title_repeat("Tram line to reach the hospital", "Tram line")
    bl, _ = _score("Tram line to reach the hospital", "Home | News | Sport | Weather | Contact",
                   "Tram line to reach the hospital", PROSE, PROSE2)
    assert bl[0].kept and not bl[2].kept and bl[2].code == "BS105"


def test_headline_without_site_name_replaces_page_title():
    bl, _ = _score("Tram line to reach the hospital | Example Daily", "Home | News | Sport | Weather | Contact",
                   "Tram line to reach the hospital", PROSE, PROSE2)
    assert not bl[0].kept and bl[0].code == "BS105"
    assert bl[2].kept and bl[2].tag == "title"


def test_list_between_prose_units_stays():
    bl, _ = _score("Headline", PROSE, "Flour, 200 g", "Sugar, 100 g", "Butter, 50 g", PROSE2)
    assert all(b.kept for b in bl)


def test_list_after_the_article_stays():
    items = [f"June {d} -- Riverside Arena, Springfield, ST" for d in range(1, 7)]
    bl, _ = _score("Headline", PROSE, PROSE2, "The tour dates:", *items, "Home", "Contact", "Home", "Contact")
    kept = [b.text for b in bl if b.kept]
    assert all(i in kept for i in items)
    assert "Contact" not in kept


def test_menu_after_the_article_goes():
    menu = ["News", "Sport", "Weather", "Travel", "Money", "Culture"]
    bl, _ = _score("Headline", PROSE, PROSE2, *menu)
    assert [b.text for b in bl if b.kept] == ["Headline", PROSE, PROSE2]


def test_skeleton_and_list_extension():
    assert skeleton("Spain (Group F): 11th appearance") == "():"
    bl = blocks_of(PROSE, "1. Flour", "2. Sugar", "3. Eggs", PROSE2)
    labels = ["good", "short", "short", "short", "good"]
    assert list_extension(bl, labels, {}, 0, 0, P) == [1, 2, 3]


def test_over_prune_guard_restores_a_wider_selection():
    short1 = "The council met on Monday and agreed to extend the tram line to the hospital."
    short2 = "Work starts in the spring and should take two years, the council said."
    menu = "Home | News | Sport | Weather | Contact | About | Jobs | Offers | Puzzles | Travel"
    bl, note = _score("Headline", short1, menu, menu.upper(), menu.lower(), short2)
    assert note and "restored" in note
    kept = [b.text for b in bl if b.kept]
    assert short1 in kept and short2 in kept


def test_guard_silent_when_enough_is_kept():
    _, note = _score("Headline", PROSE, PROSE2)
    assert note == ""


def test_every_drop_names_a_rule_and_a_reason():
    bl, _ = _score("Headline", "Home", PROSE, "Newsletter", PROSE2, *["Home"] * 3, "Contact us today")
    for b in bl:
        if not b.kept:
            assert b.code and b.reason, b


def test_good_text_after_a_comment_marker_weighs_less():
    p = replace(P, section_end_codes=("CO102",), section_end_weight=0.3,
                       section_end_after_chars=100)
    comment = "I think the council is wrong about this, and the tram will never be finished on time."
    bl = blocks_of(PROSE, PROSE2, "12 comments", *[comment, "reader42"] * 4)
    bl[2].final, bl[2].code = DROP, "CO102"
    labels = ["good", "good", RULED] + ["good", "bad"] * 4
    from cleaner.content.score import section_end
    assert section_end(bl, labels, p) == 2
    assert body_window(bl, revise(labels), p, end=2) == (0, 1)


def test_unit_with_an_inner_sentence_break_reads_as_prose():
    text = "Lorem ipsum dolor sit amet consectetur. Adipiscing elit sed do eiusmod tempor incididunt ut labore"
    assert features(Block(0, len(text), text), frozenset(), P)["sentence"]
    assert lab(text, stop=frozenset()) == "good"


def test_prose_ending_in_a_colon_reads_as_prose():
    text = "Lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut labore:"
    assert lab(text, stop=frozenset()) == "good"


def test_lower_casing_never_changes_which_characters_are_word_characters():
    """What ``lowers_by_word`` relies on: a character that stays one character when
    lower-cased keeps its word-ness (so the words of a lower-cased text are the lower-cased
    words), in this Python's Unicode tables."""
    import re
    import sys

    word = re.compile(r"\w")
    changed = [c for c in map(chr, range(sys.maxunicode + 1))
               if len(c.lower()) == 1 and bool(word.match(c)) != bool(word.match(c.lower()))]
    assert changed == []


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet="abcXYZ ΣσςΟΔİıI'’-. éÉßẞ\u0307", max_size=30))
def test_words_lower_cased_one_by_one_when_allowed(text):
    import re

    from cleaner.content.score import lowers_by_word

    words = re.compile(r"\w+")
    if lowers_by_word(text):
        assert [w.lower() for w in words.findall(text)] == words.findall(text.lower())


def test_a_long_list_in_the_middle_does_not_cut_the_article_in_two():
    # Spec rows: too long to be short, too few stopwords to be prose, so each weighs minus.
    items = "\n\n".join(f"Model {i}: 1.{i} kg, 30 x 20 cm, blue, aluminium, USB-C, 12 V, 2 A, IP54 rated"
                        for i in range(12))  # one block each
    text = (f"Specifications\n\n{PROSE}\n\n{PROSE2}\n\n{items}\n\n"
            f"{PROSE.replace('Monday', 'Tuesday')}\n\n{PROSE2.replace('spring', 'summer')}\n")
    out = Cleaner().clean(text, lang="en").text
    assert PROSE in out and PROSE.replace("Monday", "Tuesday") in out
    assert "Model 0: 1.0 kg" in out and "Model 11: 1.11 kg" in out  # the table is the article's


def test_list_shaped_marks_only_runs_of_list_items():
    blocks = [Block(0, 0, t) for t in [PROSE, "- one", "- two", "- three", PROSE2, "Home", "- lone"]]
    assert list_shaped(blocks, ScoreParams.builtin()) == [False, True, True, True, False, False, False]

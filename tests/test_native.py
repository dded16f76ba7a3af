"""The native core agrees with its Python twins, and CLEAN_ARTICLES_PURE=1 selects Python.

Each native function is compared with its Python reference on generated text (all of
Unicode, plus an alphabet of the characters where Python's semantics are subtle: case
that changes length, final sigma, combining marks, astral letters, odd spaces) and on
the real dev pages when /work/shared/bench is there.  The comparisons skip, with the
reason, only where the install built no core.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from cleaner import native
from cleaner.content import score, textkey
from cleaner.content.chars import CJK, SPACELESS
from cleaner.model import Block
from cleaner.rules.stopwords import stopwords as stopwords_of

needs_core = pytest.mark.skipif(native.CORE is None, reason=f"no native core: {native.REASON}")
P = score.ScoreParams.builtin()
DEV = Path("/work/shared/bench/scrapinghub-dev/text")
SETTINGS = settings(max_examples=400, deadline=None, suppress_health_check=list(HealthCheck))

# Where Python's str semantics are easy to get wrong: length-changing lower case (İ),
# final and non-final sigma, case-ignorable and combining marks, title case (ǅ), ß/ẞ,
# astral letters and digits, non-ASCII spaces, CJK and spaceless scripts, sentence marks,
# quotes and brackets, digits and the underscore.
TRICKY = ("aAzZ İıIiΣσςΟΔ\u0307\u0345\u0301ǅǈßẞﬁ𝐀𝐚𐐀𐐨𝟙 \n\t\r\x0b\x0c\x1c\u00a0\u2028\u3000  "
          ".!?:;,\"'\u201c\u201d\u2018\u2019\u00bb()[]- \u3002\uff01\u061f\u0964\u17d4\u104b"
          "漢字カナ한국กขคຂကក0123456789٣_¹½")
texts = st.one_of(
    st.text(max_size=60),  # all of Unicode but lone surrogates (st.text draws none)
    st.text(alphabet=TRICKY, max_size=80),
    st.lists(st.sampled_from(["the", "The", "of", "ΣΟΦΙΑ", "σοφός", "İstanbul", "naïve", "and.",
                              "Monday,", "“Yes.”", "(", "เมือง", "東京", " ", "\n", "  ", "__", "x1"]),
             max_size=25).map(" ".join),
)
STOP = stopwords_of("en") | stopwords_of("tr") | stopwords_of("el") | {"σοφός", "i̇stanbul", "naïve"}


def py_features(text: str, link: int = 0, stop: frozenset[str] = STOP) -> dict:
    return score.features(Block(0, len(text), text, link_chars=link), stop, P)


def native_features(texts: list[str], links: list[int] | None = None, stop: frozenset[str] = STOP) -> list:
    links = links if links is not None else [0] * len(texts)
    return native.CORE.features_many(native.stopword_set(stop), texts, links, P.length_low, P.sentence_lower_share)


@needs_core
@SETTINGS
@given(st.lists(st.tuples(texts, st.integers(0, 200)), max_size=8))
def test_features_agree(items):
    got = native_features([t for t, _ in items], [n for _, n in items])
    assert got == [py_features(t, n) for t, n in items]
    for g, (t, n) in zip(got, items):
        assert [type(v) for v in g.values()] == [type(v) for v in py_features(t, n).values()]


@needs_core
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(texts.filter(lambda t: t.strip()), st.sampled_from([0, 1, 7]))
def test_features_of_huge_blocks_agree(text, link):
    """Past 100,000 characters the Python twin counts over iterators (other rules for
    the lower-case share and the sentence end): the core follows the same rules."""
    huge = (text + " ") * (100_001 // (len(text) + 1) + 1)
    assert native_features([huge], [link]) == [py_features(huge, link)]


@needs_core
def test_features_agree_on_the_edges_of_the_rules():
    cases = ["", " ", "The vote came late on Monday, after hours of debate.", "ab. Cd", "ab.) (Cd",
             "ab. 1d", "a. Bc", "Hello world:)", "漢字" * 20, "ก" * 80, "ก" * 50 + "a" * 60, "ΣΑΣ ΣΑΣ.",
             "x" * 100_001, "İİ " * 40_000, "A. " + "b" * 100_000 + " .", "_a _B 1c", "ǅemal ǈubljana"]
    assert native_features(cases) == [py_features(t) for t in cases]


@needs_core
@SETTINGS
@given(texts)
def test_lower_and_word_helpers_agree(text):
    assert native.CORE.lower(text) == text.lower()
    assert native.CORE.lowers_by_word(text) == score.lowers_by_word(text)
    assert native.CORE.long_spaceless(text, P.length_low) == score._long_spaceless(text, P)
    assert native.CORE.key(text) == textkey.py_key(text)


@needs_core
@SETTINGS
@given(st.lists(st.one_of(st.none(), texts, st.sampled_from(["Home", "home!", "HOME", "Σ ΣΑΣ", "σ σας"])),
                max_size=12))
def test_keys_where_shared_agree(items):
    assert native.CORE.keys_where_shared(items) == textkey.py_keys_where_shared(items)


@needs_core
def test_character_classes_match_chars_py():
    every = "".join(chr(c) for c in range(sys.maxunicode + 1) if not 0xD800 <= c < 0xE000)
    assert native.CORE.count_classes(every) == (len(CJK.findall(every)), len(SPACELESS.findall(every)))


@needs_core
def test_lone_surrogates_fall_back_to_python():
    text = "Caf\udce9 au lait. Next"
    assert native.CORE.key(text) is None
    assert native.CORE.keys_where_shared(["a", text]) is None
    assert native_features([text]) == [None]
    assert textkey.key(text) == textkey.py_key(text)
    assert textkey.keys_where_shared(["a", text, "A"]) == textkey.py_keys_where_shared(["a", text, "A"])
    block = Block(0, len(text), text)
    assert score.block_features([block], STOP, P) == [py_features(text)]


@needs_core
@pytest.mark.skipif(not DEV.is_dir(), reason=f"{DEV} not here (dev data is not in CI)")
def test_real_pages_agree():
    pages = [p.read_bytes().decode("utf-8", "replace") for p in sorted(DEV.glob("*.txt"))]
    units = [u for page in pages for u in (*page.split("\n"), *page.split("\n\n"))]
    assert native_features(units) == [py_features(u) for u in units]
    assert native.CORE.keys_where_shared(units) == textkey.py_keys_where_shared(units)
    assert [native.CORE.key(u) for u in units] == [textkey.py_key(u) for u in units]


class _Fake:
    """A core whose answers are marked, to see which side a caller took."""

    @staticmethod
    def key(text):
        return "native:" + text

    @staticmethod
    def keys_where_shared(texts):
        return ["native"] * len(texts)


def test_callers_take_the_core_only_when_active(monkeypatch):
    monkeypatch.setattr(native, "CORE", _Fake)
    monkeypatch.setattr(native, "ACTIVE", True)
    assert textkey.key("A b") == "native:A b"
    assert textkey.keys_where_shared(["x", "y"]) == ["native", "native"]
    monkeypatch.setattr(native, "ACTIVE", False)
    assert textkey.key("A b") == "a b"
    assert textkey.keys_where_shared(["x", "y"]) == [(0,), (1,)]


def test_scorer_measures_natively_only_when_active(monkeypatch):
    calls = []

    class Core:
        @staticmethod
        def features_many(stop, texts, links, low, share):
            calls.append(texts)
            return [None] * len(texts)  # declined: the Python twin measures

        Stopwords = frozenset

    monkeypatch.setattr(native, "CORE", Core)
    blocks = [Block(0, 3, "One"), Block(4, 7, "Two")]
    monkeypatch.setattr(native, "ACTIVE", False)
    pure = score.block_features(blocks, STOP, P)
    assert calls == []
    monkeypatch.setattr(native, "ACTIVE", True)
    assert score.block_features(blocks, STOP, P) == pure == [py_features("One"), py_features("Two")]
    assert calls == [["One", "Two"]]


def _active_in_child(pure: str | None) -> str:
    """``ACTIVE`` and whether the core loaded, in a fresh interpreter."""
    env = {k: v for k, v in os.environ.items() if k != "CLEAN_ARTICLES_PURE"}
    if pure is not None:
        env["CLEAN_ARTICLES_PURE"] = pure
    code = "from cleaner import native; print(native.ACTIVE, native.CORE is not None)"
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                          env=env).stdout.strip()


def test_clean_articles_pure_selects_python():
    loaded = native.CORE is not None
    assert _active_in_child("1") == f"False {loaded}"
    assert _active_in_child("0") == f"{loaded} {loaded}"
    assert _active_in_child(None) == f"{loaded} {loaded}"


@pytest.mark.skipif(os.environ.get("CLEAN_ARTICLES_REQUIRE_NATIVE") != "1",
                    reason="CLEAN_ARTICLES_REQUIRE_NATIVE=1 not set (CI sets it)")
def test_the_install_built_the_core():
    assert native.CORE is not None, native.REASON


@needs_core
def test_clean_outputs_agree_both_ways(monkeypatch, cleaner):
    page = ("Storm hits the coast\n\nHome\nNews\nΣΠΟΡ\n\nThe storm reached the coast late on Monday, "
            "after days of warnings.\nOfficials said İstanbul flights were cancelled.\n\nHome\n\n"
            "The ΣΟΦΙΑ report, published on Tuesday, said the damage was worse than feared in the north.\n")
    monkeypatch.setattr(native, "ACTIVE", True)
    fast = cleaner.clean(page)
    monkeypatch.setattr(native, "ACTIVE", False)
    pure = cleaner.clean(page)
    assert (fast.text, [h.to_dict() for h in fast.hits]) == (pure.text, [h.to_dict() for h in pure.hits])

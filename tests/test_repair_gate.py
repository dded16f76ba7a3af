"""The cheap gate in front of ftfy: it must never skip a line ftfy would change, and it
must skip clean ASCII and typographic text (ftfy costs about 2 µs a character)."""
from __future__ import annotations

import ftfy
import pytest
from ftfy.badness import MOJIBAKE_CATEGORIES, is_bad
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cleaner.stages.repair import _BAD_WIDTH, FTFY_CONFIG, _FTFY_SUSPECT, _is_bad, needs_ftfy, unicode_edits

# Text in many scripts, each made into mojibake by every encoding ftfy knows how to undo.
SOURCES = [
    "The café reopened on Monday.", "It didn’t rain – not once…", "São Paulo’s “best” açaí",
    "Łódź and Kraków signed the deal", "Český Krumlov, Žilina, Škoda", "İstanbul’da ağır şartlar",
    "Москва — столица России", "Αθήνα: η πρωτεύουσα", "שלום עולם", "مرحبا بالعالم",
    "東京の株価が上昇した。", "中文新闻报道", "한국어 뉴스", "हिन्दी समाचार", "ქართული ენა",
    "Price: 5 € or £4", "It’s 20°C — ½ of the time", "Smile 😀 please", "naïve résumé",
    "Ελλάδα – Κύπρος", "Düsseldorf Straße", "Fußball-Weltmeisterschaft", "“Quoted” words",
    "ñandú, pingüino", "Ærøskøbing", "Þórshöfn", "Dvořák’s symphony", "Бѣлая",
]
ENCODINGS = ["latin-1", "windows-1252", "windows-1250", "windows-1251", "windows-1253",
             "windows-1254", "iso-8859-2", "macroman", "cp437", "sloppy-windows-1252"]


def _mojibake_samples() -> list[str]:
    out = []
    for text in SOURCES:
        data = text.encode("utf-8")
        for enc in ENCODINGS:
            try:
                out.append(data.decode(enc))
            except UnicodeDecodeError:
                continue
        # double mojibake
        out.append(data.decode("latin-1").encode("utf-8").decode("windows-1252", errors="replace"))
    return out


HAND = [
    "The cafÃ© reopened.", "It didnâ€™t rain.", "â€œQuotedâ€\x9d", "Ã¡rea", "voilÃ le travail",
    "ÐœÐ¾Ñ�ÐºÐ²Ð°", "Ã\xa0 la carte", "Ã¼ber", "ðŸ˜€ smile", "Ã©tÃ©", "Ãƒ© double", "Â£5 only",
    "peace â€“ and", "l’Ã©tÃ©", "Fish &amp; chips", "5&#37; more", "&eacute;t&eacute;",
    "ﬁnal", "ﬂow", "e\u0301t\u0301e", "\x1b[31mred\x1b[0m", "\x93quoted\x94", "\x96 dash",
    "&Atilde;&copy;", "It&#8217;s", "&quot;yes&quot;", "Ä\x8desky", "Ã¶zel",
]


def _fixable(samples: list[str]) -> list[str]:
    """Generated samples ftfy actually changes (others say nothing about the gate)."""
    return [t for t in samples if ftfy.fix_and_explain(t, FTFY_CONFIG).text != t]


@pytest.mark.parametrize("text", HAND + _fixable(_mojibake_samples()))
def test_gate_says_yes_when_ftfy_would_fix(text):
    fixed = ftfy.fix_and_explain(text, FTFY_CONFIG).text
    assert needs_ftfy(text), f"gate skips {text!r}, which ftfy fixes to {fixed!r}"


def test_hand_samples_are_all_fixed():
    """The hand list is mojibake that ftfy does fix: none of it may be skipped silently."""
    unchanged = [t for t in HAND if ftfy.fix_and_explain(t, FTFY_CONFIG).text == t]
    assert not unchanged


CLEAN = [
    "The minister said on Monday that the plan would go ahead.",
    "It didn’t rain, “luckily” – not once… — he said.",
    "‘Single’ quotes, «guillemets», „German“ quotes, and ‹angles›.",
    "Prices rose 5% to $1,200 (about £950) in Q3 2022.",
    "AT&T and Johnson & Johnson; see https://example.com/a?b=1&c=2.",
    "Sign up • Terms™ • Privacy® • © 2022 News Corp",
    "Über die Brücke gehen Müller und Schröder.",
    "Le président a déclaré : « Nous sommes prêts ».",
    "Москва — столица России.", "東京の株価が上昇した。", "商標登録Ｑ＆Ａシリーズ",
    "café, naïve, résumé, São Paulo, Kraków",
]


@pytest.mark.parametrize("text", CLEAN)
def test_clean_text_skips_ftfy(text):
    assert ftfy.fix_and_explain(text, FTFY_CONFIG).text == text
    if text.isascii() or all(c in "‘’“”–—…«»„‹›•™®© \u00a0" or c.isascii() for c in text):
        assert not needs_ftfy(text), f"typographic text sent to ftfy: {text!r}"


def test_clean_typographic_text_has_no_suspect_character():
    text = "“Quoted” ‘words’ – dashes — and… «more» „this“ • ™ ® ©"
    assert not _FTFY_SUSPECT.search(text)
    assert list(unicode_edits(text)) == []


def _alphabet() -> str:
    chars = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ .,;&#'\"-")
    for spec in MOJIBAKE_CATEGORIES.values():
        chars.update(c for c in spec if c != "-")
    chars.update("ÂÃÎÐØÙâàéèüöäçñ√≈‚βвЂГўВΒΓΞΟā×°µ“”‘’–—…«»\u00a0\u0301ﬁ")
    return "".join(sorted(chars))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=_alphabet(), max_size=12))
def test_gate_never_skips_what_ftfy_detects(text):
    """The gate is a superset of ftfy's own mojibake detector and of every fixer it runs."""
    if is_bad(text):
        assert _FTFY_SUSPECT.search(text), text
    if not needs_ftfy(text):
        assert ftfy.fix_and_explain(text, FTFY_CONFIG).text == text


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=_alphabet() + "ghijk mnop", max_size=80))
def test_windowed_badness_equals_ftfy_is_bad(text):
    """The detector searched near non-ASCII characters only says what it says on the line."""
    assert _is_bad(text) == is_bad(text)


def test_windowed_badness_is_active():
    """ftfy's detector has the shape the windowed search relies on (else it falls back)."""
    assert 2 <= _BAD_WIDTH <= 32
    assert _is_bad("Ein Satz über " * 20 + "weiÃŸ") and not _is_bad("Ein Satz über Straßen " * 20)


def test_clean_document_never_calls_ftfy(monkeypatch):
    """A long clean document, typographic English and accented Latin, costs no ftfy call."""
    def boom(*args, **kwargs):
        raise AssertionError("ftfy called on clean text")

    monkeypatch.setattr(ftfy, "fix_and_explain", boom)
    doc = "\n".join(CLEAN[:9] + ["café, naïve, résumé, São Paulo, Kraków, Ærøskøbing"]) * 200
    assert list(unicode_edits(doc)) == []

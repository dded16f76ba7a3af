"""Properties of text repair on any text (hypothesis).

* idempotent: repairing a repaired text changes nothing;
* every change is a hit: replaying the hits on the input rebuilds the output, each hit's
  ``before`` is the text its span covers in its stage, and no character changes outside
  a hit's span.
"""
from __future__ import annotations

import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cleaner.journal.edits import Edit, apply_edits, assemble, replay
from cleaner.pipeline import repair_text

MAX_EXAMPLES = int(os.environ.get("REPAIR_PROPERTY_EXAMPLES", "300"))

# Pieces that the repair rules act on, mixed with plain text, so the rules meet each other.
TOKENS = [
    "the", "The", "a", "of", "minister", "foreign", "president", "vice", "secretary", "press",
    "business", "ministry", "said", "les", "und", "Ils", "Toutefois", " ; ", "Much", "It", "However", "and", "word", "Kyiv", "U.S.",
    " ", " ", " ", "  ", "\t", "\n", "\n\n", ".", ",", ";", ":", "!", "?", "…", " . ", ". .", ", ,",
    " ,", " .", "–", "—", " – – ", "“", "”", "‘", "’", "\"", "(", ")", "[", "]", "[note]",
    "\u200b", "\ufeff", "\u00ad", "\u200e", "\u202e", "\u00a0", "\u202f", "\x07", "\x7f",
    "\\u200b", "\\u00a0", "\\xa0", "\\n", "\\r", "&nbsp;", "&amp;", "&#37;", "&quot;", "&lt;",
    "Ã©", "â€™", "â€œ", "Ã", "Â", "ﬁ", "Ｔｏｋｙｏ", "e\u0301", "\x93", "東京", "。", "é", "ß",
    "http://a.b/c?d=1&e=2", "x@y.org", "5", "2022", "3.5", "%",
]

# The rule sets of the languages with their own packs.
LANGS = st.sampled_from(["en", "fr", "de"])
texts = st.lists(st.one_of(st.sampled_from(TOKENS), st.text(max_size=3)), max_size=40).map("".join)


def _check_hits(result) -> None:
    """Replay stage by stage: each hit's ``before`` is its span's text; edits stay in spans."""
    stages: dict[int, list] = {}
    for h in result.hits:
        if h.action != "flag":
            stages.setdefault(h.stage, []).append(h)
    text = result.input_text
    for stage in sorted(stages):
        hits = sorted(stages[stage], key=lambda h: (h.start, h.end))
        for h in hits:
            assert text[h.start:h.end] == h.before, (h.code, h.before, text[h.start:h.end])
        new, _ = apply_edits(text, [Edit(h.start, h.end, h.after) for h in hits])
        # Outside the spans the text is the same: compare the pieces between hits.
        pos = npos = 0
        for h in hits:
            assert new[npos:npos + h.start - pos] == text[pos:h.start]
            npos += h.start - pos + len(h.after)
            pos = h.end
        assert new[npos:] == text[pos:]
        text = new
    assert assemble(text) == result.text


@settings(max_examples=MAX_EXAMPLES, deadline=2000, suppress_health_check=[HealthCheck.too_slow])
@given(texts, LANGS)
def test_repair_is_idempotent(text, lang):
    once = repair_text(text, lang=lang).text
    twice = repair_text(once, lang=lang).text
    assert twice == once, f"{text!r} -> {once!r} -> {twice!r}"


@settings(max_examples=MAX_EXAMPLES, deadline=2000, suppress_health_check=[HealthCheck.too_slow])
@given(texts, LANGS)
def test_every_change_is_a_hit(text, lang):
    result = repair_text(text, lang=lang)
    assert replay(result.input_text, result.hits) == result.text
    _check_hits(result)


_WIDTH_ALPHABET = "！＆（Ａｚ０９ abc商標シ　\uff66\uff9f."


def _width_edits_reference(line: str):
    """The width repair as one pattern (quadratic on long runs of fullwidth punctuation);
    a neighbour with only spaces between it and the line's edge does not count."""
    import re
    import unicodedata

    from ftfy.chardata import WIDTH_MAP

    from cleaner.stages.repair import _CJK, _HALFWIDTH_KANA

    run = re.compile(r"[\uff01-\uff5e]*[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a][\uff01-\uff5e]*")
    for m in run.finditer(line):
        s, e = m.span()
        if (line[:s].strip() and _CJK.match(line, s - 1)) or (line[e:].strip() and _CJK.match(line, e)):
            continue
        yield s, e, m.group(0).translate(WIDTH_MAP)
    for m in _HALFWIDTH_KANA.finditer(line):
        yield m.start(), m.end(), unicodedata.normalize("NFKC", m.group(0))


@settings(max_examples=MAX_EXAMPLES, deadline=None)
@given(st.text(alphabet=_WIDTH_ALPHABET, max_size=40))
def test_width_repair_equals_its_one_pattern_reference(line):
    from cleaner.stages.repair import width_edits

    assert list(width_edits(line)) == list(_width_edits_reference(line))


def test_width_repair_is_linear_in_a_run_of_fullwidth_punctuation():
    # 200,000 fullwidth exclamation marks: the one-pattern version took minutes here.
    from cleaner.stages.repair import width_edits

    assert list(width_edits("\uff01" * 200_000 + "Ａ")) == [(0, 200_001, "!" * 200_000 + "A")]

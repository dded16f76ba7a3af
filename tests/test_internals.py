"""The private internals of other libraries that speed tricks rely on.  The dependencies
are pinned below their next major version (pyproject.toml); if one of them changes these
internals anyway, these tests fail loudly here instead of a trick silently going wrong."""
from __future__ import annotations

import re
import sys

import ftfy.badness
from langdetect.detector_factory import PROFILES_DIRECTORY, DetectorFactory

from cleaner.stages.lang import LanguageDetector
from cleaner.stages.repair import _BAD_WIDTH


def test_python_regex_parser_has_the_nodes_the_rule_analysis_reads():
    # rules/pack.py (linearity check, required literals) and stages/repair.py walk the
    # parse trees of re's private parser.
    from re import _constants as C  # type: ignore[attr-defined]
    from re import _parser as P  # type: ignore[attr-defined]

    for name in ("ASSERT", "ASSERT_NOT", "ATOMIC_GROUP", "BRANCH", "IN", "LITERAL", "MAXREPEAT", "MAX_REPEAT",
                 "MIN_REPEAT", "POSSESSIVE_REPEAT", "RANGE", "SUBPATTERN", "AT", "ANY", "NOT_LITERAL"):
        assert hasattr(C, name), f"re._constants.{name} is gone (Python {sys.version.split()[0]})"
    tree = list(P.parse(r"a(bc|d)+[e-f]"))
    assert [op for op, _ in tree] == [C.LITERAL, C.MAX_REPEAT, C.IN]
    assert tree[1][1][1] == C.MAXREPEAT and tree[1][1][2][0][0] == C.SUBPATTERN


def test_ftfy_badness_detector_keeps_the_shape_the_windowed_search_needs():
    # stages/repair.py searches ftfy's BADNESS_RE only near non-ASCII characters; that is
    # exact only while every alternative is short and needs a non-ASCII character.
    assert isinstance(ftfy.badness.BADNESS_RE, re.Pattern)
    assert isinstance(ftfy.badness.MOJIBAKE_CATEGORIES, dict) and "common" in ftfy.badness.MOJIBAKE_CATEGORIES
    assert _BAD_WIDTH > 0, "ftfy's BADNESS_RE changed shape: the windowed search is off"


def test_langdetect_profile_map_is_where_the_detector_freezes_it():
    # stages/lang.py turns the loaded profiles into tuples (the garbage collector then
    # stops tracking 90,000 lists); it reaches them through word_lang_prob_map.
    factory = DetectorFactory()
    factory.load_profile(PROFILES_DIRECTORY)
    probs = factory.word_lang_prob_map
    assert isinstance(probs, dict) and len(probs) > 10_000
    word, row = next(iter(probs.items()))
    assert isinstance(word, str) and len(row) == len(factory.langlist)
    assert LanguageDetector().detect("The council met on Monday and agreed to extend the tram line to "
                                     "the new hospital, a project that has been debated for years.") == "en"

"""The parameters of code-decided rules: what each one means, its type and its range.

A ``score``, ``dedupe``, ``html`` or ``unicode`` rule is decided by code, but its numbers
are data: they live in the rule's ``params`` table in its pack, never as defaults in the
code.  This schema is what a pack is checked against when it loads: an unknown key (a
misspelling such as ``max_link_densty``), a missing one, a value of the wrong type or out
of range is a :class:`~cleaner.rules.RuleError` naming the file, the rule and the key.

Schemas are chosen by rule code (the stage that reads a code declares it); every ``html``
rule with a ``hint`` parameter is a DOM-hint rule and shares :data:`HINT`, so a user pack
can add hint rules under codes of its own.  A code-decided rule whose code has no schema
takes no parameters.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping


@dataclass(frozen=True)
class Param:
    """One parameter: its type (``int``, ``float``, ``bool``, ``str`` or ``[str]``), its
    range (inclusive, for numbers), whether a pack may leave it out, and what it means."""

    type: str
    meaning: str
    min: float | None = None
    max: float | None = None
    optional: bool = False

    def check(self, value: Any) -> str | None:
        """Why ``value`` does not fit, or None."""
        if self.type == "[str]":
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                return "must be a list of strings"
            return None
        if self.type == "bool":
            return None if isinstance(value, bool) else "must be true or false"
        if self.type == "str":
            return None if isinstance(value, str) else "must be a string"
        numeric = (int,) if self.type == "int" else (int, float)
        if isinstance(value, bool) or not isinstance(value, numeric):
            return f"must be {'an integer' if self.type == 'int' else 'a number'}"
        if self.min is not None and value < self.min:
            return f"must be at least {self.min} (got {value})"
        if self.max is not None and value > self.max:
            return f"must be at most {self.max} (got {value})"
        return None

    def describe(self) -> str:
        span = ""
        if self.min is not None or self.max is not None:
            lo = "" if self.min is None else f"{self.min:g}"
            hi = "" if self.max is None else f"{self.max:g}"
            span = f", {lo}..{hi}"
        return f"{self.type}{span}{', optional' if self.optional else ''}"


def _p(type_: str, meaning: str, lo: float | None = None, hi: float | None = None, optional: bool = False) -> Param:
    return Param(type_, meaning, lo, hi, optional)


SHARE = (0.0, 1.0)  # a share of something
CHARS = (0, 1_000_000)

# The text scorer (cleaner/content/score.py), carried by BS101.
SCORE: Mapping[str, Param] = {
    "length_low": _p("int", "blocks shorter than this (chars) are 'short'", *CHARS),
    "length_high": _p("int", "prose at least this long (chars) is 'good', shorter 'near-good'", *CHARS),
    "stopwords_low": _p("float", "stopword density below which a block is 'bad'", *SHARE),
    "stopwords_high": _p("float", "stopword density from which a block is prose", *SHARE),
    "sentence_lower_share": _p("float", "share of lower-case word initials for a block to read as sentences", *SHARE),
    "sentence_density": _p("float", "stopword density a sentence-like block counts as", *SHARE),
    "max_link_density": _p("float", "link characters per character above which a block is 'bad'", *SHARE),
    "boilerplate_words": _p("[str]", "words and phrases that mark a short block as boilerplate"),
    "boilerplate_max_chars": _p("int", "blocks up to this long are tested for boilerplate words", *CHARS),
    "foot_weight": _p("float", "weight of good text in the page foot, in the main-body window", *SHARE),
    "foot_share": _p("float", "share of the page's blocks that make its foot", *SHARE),
    "bad_weight_min": _p("float", "least penalty of a bad block in the window", 0, 1000),
    "ruled_weight_min": _p("float", "least penalty of a block a keyword rule dropped", 0, 1000),
    "pre_title_weight": _p("float", "weight of good text before the headline's repeat", *SHARE),
    "repeat_max_chars": _p("int", "lines up to this long that stand twice in the page are navigation (0: off)", *CHARS),
    "list_min_items": _p("int", "short units in a row that make a list of the article (0: off)", 0, 10_000),
    "guard_min_chars": _p("int", "below this many kept chars the over-prune guard widens the selection", *CHARS),
    "join_long_line": _p("int", "a line at least this long without a full stop joins the next (0: off)", *CHARS),
    "section_end_codes": _p("[str]", "rule codes whose drop marks the start of a comment section"),
    "section_end_weight": _p("float", "weight of good text after a section end", *SHARE),
    "section_end_after_chars": _p("int", "good chars needed before a section end counts", *CHARS),
    "window_off_types": _p("[str]", "page types (metadata page_type) whose blocks get no main-body window"),
}

PAGE_TYPE = {
    "min_chars": _p("int", "a shorter document is not given a page type", *CHARS),
    "article_run_chars": _p("int", "a run of prose this long makes an article", *CHARS),
    "short_article_run_chars": _p("int", "a shorter run that still makes an article when nothing else holds", *CHARS),
    "min_code_blocks": _p("int", "code blocks that make documentation", 0, 10_000),
    "min_prices": _p("int", "short lines with a price that make a product (or a listing)", 0, 10_000),
    "min_cards": _p("int", "linked item titles in one DOM place that make a listing", 0, 10_000),
    "min_declared_cards": _p("int", "item titles a declared collection needs", 0, 10_000),
    "min_dates": _p("int", "dated short lines of a thread", 0, 10_000),
    "min_labels": _p("int", "short labels standing three times or more in a thread", 0, 10_000),
}

SAFETY_VALVE = {
    "min_removed_share": _p("float", "share of the text removed above which the document is flagged", *SHARE),
    "min_kept_chars": _p("int", "chars kept below which a text over twice as long is flagged", *CHARS),
    "min_input_size": _p("int", "characters of input (markup and scripts included) from which an output under "
                                "min_kept_chars is flagged, however little text the parse found", *CHARS),
}

DEDUPE = {
    "min_chars": _p("int", "blocks shorter than this are never repeats", *CHARS),
    "lead_blocks": _p("int", "kept blocks after the headline that form the lead (a standfirst's place)", 0, 1000),
    "row_min_count": _p("int", "on a page of a row_page_types type, a paragraph standing this often or more is a "
                               "recurring row and every copy stays (0: off)", 0, 1000),
    "row_page_types": _p("[str]", "page types (metadata page_type) whose recurring rows stay"),
}

ENCODING = {
    "example_encoding": _p("str", "the encoding the rule's own example is written in"),
}

# DOM hints (cleaner/rules/html.py, cleaner/content/dom.py): any html rule with a "hint".
_WORDS = "[str]"
HINT: Mapping[str, Param] = {
    "hint": _p("str", "the hint's name, carried by every block under a matching element"),
    "drop": _p("bool", "blocks under the element go (false: the hint only informs other rules)"),
    "guard_share": _p("float", "keep the element when it holds more than this share of the page's prose",
                      *SHARE, optional=True),
    "prose_min_chars": _p("int", "a prose paragraph at least this long under the element is not dropped by the "
                                 "hint alone", *CHARS, optional=True),
    "tags": _p(_WORDS, "element names that carry the hint", optional=True),
    "roles": _p(_WORDS, "ARIA roles that carry the hint", optional=True),
    "classes": _p(_WORDS, "whole class names that carry the hint", optional=True),
    "tokens": _p(_WORDS, "words of class or id values (split at non-letters and camel case)", optional=True),
    "substrings": _p(_WORDS, "substrings of class or id values", optional=True),
    "attributes": _p(_WORDS, "attributes whose presence carries the hint", optional=True),
    "styles": _p(_WORDS, "inline style fragments that carry the hint", optional=True),
    "except_tokens": _p(_WORDS, "class or id words that cancel the hint", optional=True),
    "weighed_with": _p("str", "another hint whose prose this one's counts with, against hint_max_total_share "
                              "(two kinds of small print on one page weigh as one)", optional=True),
    "max_gap": _p("int", "blocks after the headline searched for the byline (dek rule)", 0, 1000, optional=True),
    "max_chars": _p("int", "longest standfirst (dek rule)", *CHARS, optional=True),
}

HTML: Mapping[str, Mapping[str, Param]] = {
    "HT100": {
        "skip_tags": _p("[str]", "elements removed with their content before the walk"),
        "noscript_min_chars": _p("int", "characters of text a page's <noscript> must hold to be read as the page", *CHARS),
        "noscript_max_visible": _p("int", "characters of visible text below which such a <noscript> is read", *CHARS),
    },
    "HT201": {
        "max_link_density": _p("float", "link density above which a block is link-heavy", *SHARE),
        "max_link_density_short": _p("float", "the same for blocks shorter than length_low", *SHARE),
    },
    "HT202": {
        "length_low": _p("int", "blocks shorter than this (chars, CJK weighted) are 'short'", *CHARS),
        "length_high": _p("int", "prose at least this long is 'good'", *CHARS),
        "cjk_factor": _p("float", "how many chars a CJK character counts for", 1, 10),
        "stopwords_low": _p("float", "stopword density below which a block is 'bad'", *SHARE),
        "stopwords_high": _p("float", "stopword density from which a block is prose", *SHARE),
        "proxy_low": _p("float", "sentence-likeness below which a block is 'bad'", *SHARE),
        "proxy_high": _p("float", "sentence-likeness from which a block is prose", *SHARE),
        "min_sentence_words": _p("int", "words a block needs to count as a sentence", 0, 1000),
    },
    "HT203": {
        "good_weight": _p("float", "weight of a good block's length", 0, 100),
        "neargood_weight": _p("float", "weight of a near-good block's length", 0, 100),
        "short_penalty": _p("float", "cost of a short block outside a container", 0, 10_000),
        "short_prose_weight": _p("float", "weight of a short sentence's length", 0, 100),
        "container_short_penalty": _p("float", "cost of a short block inside the main container", 0, 10_000),
        "bad_weight": _p("float", "weight of a bad block's length, subtracted", 0, 100),
        "bad_cap": _p("float", "largest length a bad block is charged for", 0, 1_000_000),
        "container_bad_cap": _p("float", "the same inside the main container", 0, 1_000_000),
        "hint_max_share": _p("float", "a hinted element holding more of the prose than this is a wrapper", *SHARE),
        "hint_max_total_share": _p("float", "a hint rule whose elements together hold more of the prose than "
                                            "this is not applied alone", *SHARE),
    },
    "HT204": {
        "max_heading_distance": _p("float", "chars of short blocks allowed between a heading and its prose", *CHARS),
        "label_max_chars": _p("int", "longest label of an inline link list", *CHARS),
    },
    "HT205": {
        "keep_headline": _p("bool", "keep the page headline block as extracted"),
        "separators": _p("[str]", "separators between a title and the site name"),
        "min_overlap": _p("float", "share of an h1's words in <title> for it to be the headline", *SHARE),
        "min_title_words": _p("int", "words of <title> for a longer h1 to be taken", 0, 1000),
    },
    "HT206": {
        "max_chars": _p("int", "longest repeated link text counted as navigation", *CHARS),
        "min_link_density": _p("float", "link density a repeated block needs", *SHARE),
    },
    "HT207": {"min_markup_share": _p("float", "share of escaped markup that makes a block debris", *SHARE)},
    "HT211": {"list_breaks": _p("int", "line breaks that make one paragraph a list", 0, 10_000)},
    "HT213": {
        "min_kept_share": _p("float", "share of the text below which the selection is over-pruned", *SHARE),
        "min_kept_chars": _p("float", "chars below which the selection is over-pruned", *CHARS),
    },
    "HT214": {"min_siblings": _p("int", "kept prose siblings that bring a paragraph back", 1, 1000)},
    "HT215": {
        "max_chars": _p("int", "longest teaser summary", *CHARS),
        "max_card_blocks": _p("int", "most blocks of a teaser card", 1, 1000),
    },
    "HT216": {
        "overrides": _p("[str]", "codes of the content measures a listing's item may override"),
        "max_blurb_chars": _p("int", "longest blurb kept under an item title", *CHARS),
    },
}

# The learned content model (cleaner/content/learned.py): its cut and smoothing are data.
_TYPES = ("article", "forum", "listing", "product", "documentation", "service")
MODEL = {
    "threshold": _p("float", "probability of content below which an undecided block goes", *SHARE),
    "switch_cost": _p("float", "log-odds a change between kept and dropped blocks must outweigh (0: no smoothing)",
                      0, 100),
    "guard_min_chars": _p("int", "when the model keeps fewer chars of the undecided blocks, the blocks the hand-set "
                                 "scorer kept stay too", *CHARS),
    **{f"threshold_{t}": _p("float", f"the threshold on a page read as {t}", *SHARE, optional=True)
       for t in _TYPES},
}

BY_CODE: Mapping[str, Mapping[str, Param]] = {
    "ML101": MODEL, "ML102": MODEL,
    "BS101": SCORE, "SV001": SAFETY_VALVE, "PT001": PAGE_TYPE, "DU101": DEDUPE, "EN101": ENCODING, **HTML,
}


def schema_for(code: str, kind: str, params: Mapping) -> Mapping[str, Param]:
    """The schema a code-decided rule's ``params`` are checked against."""
    if kind == "html" and "hint" in params:
        return HINT
    return BY_CODE.get(code, {})


def check_params(code: str, kind: str, params: Mapping) -> str | None:
    """Why ``params`` do not fit the rule's schema (the first problem), or None."""
    schema = schema_for(code, kind, params)
    for key in params:
        if key not in schema:
            known = ", ".join(sorted(schema)) or "none"
            return f"unknown parameter 'params.{key}' (this rule takes: {known})"
    for key, spec in schema.items():
        if key not in params:
            if not spec.optional:
                return f"missing parameter 'params.{key}' ({spec.meaning})"
            continue
        why = spec.check(params[key])
        if why:
            return f"parameter 'params.{key}' {why}"
    return None

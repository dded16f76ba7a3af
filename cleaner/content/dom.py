"""Main-content selection on DOM blocks (jusText and readability ideas, decided per block):
context-free labels, DOM hints, the main container, the main-body window, neighbours and
the over-prune guard.  Every decision names a rule of the ``html`` pack and its reason."""
from __future__ import annotations

import re
from functools import partial
from itertools import count
from operator import itemgetter
from typing import NamedTuple

from cleaner.content.chars import CJK as _CJK, SPACELESS as _SPACELESS, SPACELESS_WORD_CHARS
from cleaner.content import pagetype
from cleaner.content.score import lowers_by_word
from cleaner.content.window import max_sum_run
from cleaner.model import Decision, HtmlBlock, HtmlPage
from cleaner.rules.html import HtmlRules, default_rules

GOOD, NEARGOOD, SHORT, BAD = "good", "neargood", "short", "bad"

_WORD = re.compile(r"\w+")
_INITIAL = re.compile(r"\b\w")  # the first character of each \w+ word
_MARKUP = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*(?:\s[^<>]*)?(?:>|$)")  # a tag shown as text
# A block "ends like a sentence" when its last non-space character is one of these.
_SENTENCE_END = frozenset(".!?。！？…:;\"'”’»)]\u17d4\u17d5\u104b")
_LIST_ROLES = ("li", "td")


class _Features(NamedTuple):
    length: float          # characters, CJK weighted up (a CJK character carries a word)
    words: int
    link_density: float
    stop_density: float    # -1 when the language has no stoplist
    proxy: float           # language-free sentence-likeness in [0, 1]
    sentence: bool         # ends like a sentence and has a few words


def _features(b: HtmlBlock, stopwords: frozenset[str] | None, cjk_factor: float,
              min_words: int = 4, length_low: float = 0) -> _Features:
    """Length, link density, stopword density and sentence-likeness of one block.

    Blocks shorter than ``length_low`` are labelled by length alone, so their densities
    are not computed (most blocks of a page are short menu items).
    """
    text = b.text
    n = len(text)
    cjk = 0 if text.isascii() else len(_CJK.findall(text))
    length = n + cjk * (cjk_factor - 1)
    ends = text.rstrip()[-1:] in _SENTENCE_END
    # Thai, Lao, Khmer, Myanmar: no spaces between words and (Thai, Lao) no sentence
    # mark, so words are counted from characters and a long run reads as ending.
    spaceless = 0 if cjk or text.isascii() else len(_SPACELESS.findall(text)) // SPACELESS_WORD_CHARS
    if spaceless * SPACELESS_WORD_CHARS * 2 <= n:
        spaceless = 0
    elif n >= length_low:
        ends = True
    if length < length_low and not ends:
        # A short block that does not end like a sentence is labelled by length alone:
        # all it needs to know is whether it has a word at all.
        words = 1 if _INITIAL.search(text) else cjk // 2
        return _new_features((length, words, b.link_chars / max(1, n), -1.0, 0.0, False))
    # Initials of the words in the original case: lower-case share without a Python loop.
    # One scan: the initials are the words' first characters, and lower-casing each word
    # equals lower-casing the text (see :func:`cleaner.content.score.lowers_by_word`).
    words = _WORD.findall(text)
    initials = list(map(itemgetter(0), words))
    nwords = max(len(initials), spaceless)
    sentence = ends and (nwords >= min_words or cjk >= 2 * min_words) and b.tag != "h"
    if length < length_low:
        return _new_features((length, nwords or (cjk // 2), b.link_chars / max(1, n), -1.0, 0.0, sentence))
    stop = -1.0
    if stopwords is not None and nwords:
        lowered = map(str.lower, words) if lowers_by_word(text) else _WORD.findall(text.lower())
        stop = sum(map(stopwords.__contains__, lowered)) / max(nwords, 1)
    proxy = 0.0
    if nwords:
        if cjk or spaceless:
            proxy = 0.5 * ends + 0.5
        else:
            lower = sum(map(str.islower, initials)) / nwords
            proxy = 0.5 * ends + 0.5 * min(1.0, lower / 0.6)
    return _new_features((length, nwords or (cjk // 2), b.link_chars / max(1, n), stop, proxy, sentence))


# A NamedTuple's own constructor runs Python code; this builds one from a tuple in C
# (a page has a few hundred blocks).
_new_features = partial(tuple.__new__, _Features)


class _Thresholds(NamedTuple):
    """The HT201/HT202 parameters, read once per page rather than once per block."""

    length_low: float
    length_high: float
    max_link_density: float
    max_link_density_short: float
    stopwords_low: float
    stopwords_high: float
    proxy_low: float
    proxy_high: float

    @classmethod
    def of(cls, rules: HtmlRules) -> "_Thresholds":
        p = rules.p
        return cls(p("HT202", "length_low"), p("HT202", "length_high"),
                   p("HT201", "max_link_density"), p("HT201", "max_link_density_short"),
                   p("HT202", "stopwords_low"), p("HT202", "stopwords_high"),
                   p("HT202", "proxy_low"), p("HT202", "proxy_high"))


def _classify(b: HtmlBlock, f: _Features, t: _Thresholds) -> tuple[str, str, str]:
    """Context-free label (jusText): good / neargood / short / bad, with code and reason."""
    low, high = t.length_low, t.length_high
    max_ld = t.max_link_density_short if f.length < low else t.max_link_density
    if not f.words:
        return BAD, "HT202", "no words (symbols or invisible characters only)"
    if f.link_density > max_ld:
        return BAD, "HT201", f"link density {f.link_density:.2f} > {max_ld}"
    if f.length < low:
        return SHORT, "HT202", f"{f.length:.0f} chars < {low}"
    stop_label = None
    if f.stop_density >= 0:
        stop_label = _grade(f.stop_density, t.stopwords_low, t.stopwords_high, f.length, high, "stopword density")
    proxy_label = _grade(f.proxy, t.proxy_low, t.proxy_high, f.length, high, "sentence-likeness")
    # Names and numbers lower stopword density; reading as sentences lifts a block back
    # (the higher of the two grades), but sentence-likeness alone never makes it "good".
    if stop_label is not None:
        if proxy_label[0] == GOOD:
            proxy_label = (NEARGOOD,) + proxy_label[1:]
        best = min((stop_label, proxy_label), key=lambda x: _RANK[x[0]])
    else:
        best = proxy_label
    return best


_RANK = {GOOD: 0, NEARGOOD: 1, BAD: 2}


def _grade(value: float, low: float, high: float, length: float, length_high: float, what: str):
    if value >= high:
        if length >= length_high:
            return GOOD, "HT210", f"{what} {value:.2f} >= {high}, {length:.0f} chars"
        return NEARGOOD, "HT210", f"{what} {value:.2f} >= {high}, {length:.0f} chars < {length_high}"
    if value >= low:
        return NEARGOOD, "HT210", f"{what} {value:.2f} >= {low}"
    return BAD, "HT202", f"{what} {value:.2f} < {low}"


def _hint_shares(page: HtmlPage, feats: list[_Features], labels: list[str]) -> dict[int, float]:
    """Share of the page's prose (good + neargood length) under each hinted element."""
    total = 0.0
    under: dict[int, float] = {}
    for b, f, lab in zip(page.blocks, feats, labels):
        if lab not in (GOOD, NEARGOOD):
            continue
        total += f.length
        for _, eid in b.hint_owners:
            under[eid] = under.get(eid, 0.0) + f.length
    return {eid: v / total for eid, v in under.items()} if total else {}


def _hint_drop(owners: tuple, rules: HtmlRules, shares: dict[int, float], max_share: float,
               headline_owners: frozenset[int], skip: frozenset[str] = frozenset()):
    """The first dropping hint among a block's ``owners`` whose element is not the article
    itself, and whose rule is not in ``skip``.

    A hinted element that also encloses the in-body headline, or holds more than
    ``max_share`` of the page's prose, is a page wrapper whose class names mislead.
    """
    for hint, eid in owners:
        rule = rules.by_hint.get(hint)
        if rule is None or not rule.drop or eid in headline_owners or rule.code in skip:
            continue
        share = shares.get(eid, 0.0)
        if share > (rule.guard_share if rule.guard_share is not None else max_share):
            continue
        return rule, f"inside '{hint}' element ({share:.0%} of prose)"
    return None


def _weight_group(rule, rules: HtmlRules) -> str:
    """The code whose prose a hint rule's counts with (its own, or its ``weighed_with`` hint's)."""
    other = rules.by_hint.get(rule.weighed_with) if rule.weighed_with else None
    return other.code if other is not None else rule.code


def _is_prose(label: str, f: _Features, min_chars: int) -> bool:
    return label == GOOD and f.sentence and f.length >= min_chars


def select_main(page: HtmlPage, rules: HtmlRules | None, lang: str, page_type: str = "") -> list[Decision]:
    """Keep or drop each block of ``page``; every decision names a rule and a measured reason.

    1. context-free label per block: link density (HT201), length and stopword density
       or, without a stoplist, sentence-likeness (HT202 / HT210);
    2. headline block and its in-body repeats (HT205); escaped markup (HT207);
    3. DOM hints (HT1xx), unless the hinted element holds most of the page's prose or the
       headline; then short link texts repeated on the page (HT206);
    4. the main container (the subtree whose prose minus link lists scores highest) and
       the maximum-sum window of block weights inside it; the rest goes (HT203);
    5. short and borderline blocks take their label from their neighbours (HT204/HT211),
       headings followed by kept text stay (HT212), a list ending the article stays;
    6. if almost nothing is left, choose the region again without DOM hints (HT213);
    7. on a page read as a listing (``page_type``), its items stay: the linked titles of
       the largest group and the short blurb under each (HT216).

    ``lang`` is the page's language: a code with a stoplist, or any other code for the
    language-free sentence-likeness measure.
    """
    rules = rules or default_rules()
    blocks = page.blocks
    n = len(blocks)
    if not n:
        return []
    stop = rules.stopwords.get(lang)
    cjk_factor = float(rules.p("HT202", "cjk_factor"))
    min_words = int(rules.p("HT202", "min_sentence_words"))
    length_low = float(rules.p("HT202", "length_low"))
    feats = [_features(b, stop, cjk_factor, min_words, length_low) for b in blocks]
    thresholds = _Thresholds.of(rules)
    cf = [_classify(b, f, thresholds) for b, f in zip(blocks, feats)]
    labels = [c[0] for c in cf]
    decisions: list[Decision | None] = [None] * n

    _decide_headline(page, rules, decisions)
    _decide_markup(page, rules, decisions)
    base = list(decisions)
    _decide_hints(page, labels, feats, rules, decisions)
    _decide_repeats(page, feats, rules, decisions)
    _select_region(blocks, labels, cf, feats, rules, decisions)
    if _over_pruned(page, feats, rules, decisions):
        # Hints removed almost everything: choose the region again without them.
        retry = list(base)
        _decide_repeats(page, feats, rules, retry)
        _select_region(blocks, labels, cf, feats, rules, retry)
        total, kept = _kept_chars(page, feats, decisions), _kept_chars(page, feats, retry)
        name = rules.name("HT213")
        for i, d in enumerate(retry):
            if d is not None and d.keep and not decisions[i].keep:
                decisions[i] = Decision(True, "HT213", name,
                                        f"only {total:.0f} chars kept with DOM hints, {kept:.0f} without; "
                                        f"{d.reason}", d.label)
    final = [d if d is not None else Decision(False, "HT202", rules.name("HT202"), "undecided", labels[i])
             for i, d in enumerate(decisions)]
    _decide_dek(page, rules, final)
    _decide_teasers(page, rules, final)
    if page_type == pagetype.LISTING:
        _keep_list_items(page, rules, final)
    return final


#: Hints of page chrome: linked titles under them are menus, not a page's items.
CHROME = frozenset({"nav", "footer", "header", "breadcrumb", "sidebar"})


def page_units(page: HtmlPage) -> dict:
    """The page's blocks as :func:`cleaner.content.pagetype.measure` reads them: texts,
    link densities, tags and DOM places (none under page chrome)."""
    blocks = page.blocks
    return {"texts": [b.text for b in blocks], "links": [b.link_chars / max(1, len(b.text)) for b in blocks],
            "tags": [b.tag for b in blocks], "places": ["" if b.hints & CHROME else b.path for b in blocks]}


def _keep_list_items(page: HtmlPage, rules: HtmlRules, decisions: list) -> None:
    """A listing's items are its content: the linked titles of the largest group sharing
    one DOM place, and the short blurb right after each in the same card, stay when only
    the content measures (link density, prose, region, context, teaser) dropped them."""
    blocks = page.blocks
    units = page_units(page)
    titles = pagetype.item_titles(units["texts"], units["links"], units["places"])
    if not titles:
        return
    overridable = set(rules.p("HT216", "overrides"))
    max_blurb = int(rules.p("HT216", "max_blurb_chars"))
    name = rules.name("HT216")
    is_title = set(titles)
    for i in titles:
        if not decisions[i].keep and decisions[i].code in overridable:
            decisions[i] = Decision(True, "HT216", name, f"item title of the page's list ({len(titles)} items)",
                                    decisions[i].label)
        card = blocks[i].ancestors[:-1]
        for j in (i + 1, i + 2):
            if j >= len(blocks) or j in is_title:
                break
            b = blocks[j]
            if (not card or b.ancestors[:len(card)] != card or len(b.text) > max_blurb
                    or b.link_chars >= 0.5 * len(b.text)):
                continue
            if not decisions[j].keep and decisions[j].code in overridable:
                decisions[j] = Decision(True, "HT216", name, f"blurb of the list item at block {i}",
                                        decisions[j].label)


def _decide_teasers(page: HtmlPage, rules: HtmlRules, decisions: list) -> None:
    """A short paragraph right after a dropped all-link heading, in a small element that
    holds the two (a card: title link and summary), is a teaser's summary (HT215)."""
    blocks = page.blocks
    max_chars = int(rules.p("HT215", "max_chars"))
    max_blocks = int(rules.p("HT215", "max_card_blocks"))
    name = None
    for k in range(1, len(blocks)):
        b, h = blocks[k], blocks[k - 1]
        if (not decisions[k].keep or b.tag != "p" or len(b.text) > max_chars or len(b.ancestors) < 2
                or h.tag != "h" or decisions[k - 1].keep or h.link_chars < 0.9 * len(h.text)):
            continue
        card = b.ancestors[-2]
        if card not in h.ancestors:
            continue
        size = 0
        for x in blocks[max(0, k - max_blocks - 1):k + max_blocks + 1]:
            size += card in x.ancestors
        if size > max_blocks:
            continue
        name = name or rules.name("HT215")
        decisions[k] = Decision(False, "HT215", name, f"summary under a linked title, in a card of {size} blocks",
                                decisions[k].label)


def _decide_hints(page: HtmlPage, labels: list[str], feats: list[_Features], rules: HtmlRules,
                  decisions: list) -> None:
    """Drop blocks under hinted elements (HT1xx), except page wrappers that hold the article.

    No single hint erases the page: a hint rule whose elements together would remove more
    than ``hint_max_total_share`` of the page's prose (a thread whose posts all carry a
    comment class, an article body inside a "related" box) is not applied alone; those
    blocks are decided by the other signals (link density, prose, the main region).
    """
    blocks = page.blocks
    shares = _hint_shares(page, feats, labels)
    max_share = float(rules.p("HT203", "hint_max_share"))
    max_total = float(rules.p("HT203", "hint_max_total_share"))
    headline_owners = frozenset(eid for i, b in enumerate(blocks)
                                if decisions[i] is not None and decisions[i].code == "HT205" and i
                                for _, eid in b.hint_owners)
    # Blocks under one element share its hint_owners tuple; the verdict depends on it alone.
    memo: dict = {}
    hits: list = [None] * len(blocks)
    prose = 0.0
    removed: dict[str, float] = {}  # prose each hint rule would remove
    for i, b in enumerate(blocks):
        is_prose = labels[i] in (GOOD, NEARGOOD)
        prose += feats[i].length if is_prose else 0.0
        if decisions[i] is None and b.hint_owners:
            owners = b.hint_owners
            hit = memo.get(owners, memo)
            if hit is memo:
                hit = memo[owners] = _hint_drop(owners, rules, shares, max_share, headline_owners)
            hits[i] = hit
            if hit and is_prose:
                group = _weight_group(hit[0], rules)
                removed[group] = removed.get(group, 0.0) + feats[i].length
    heavy_groups = {g for g, v in removed.items() if v > max_total * prose}
    heavy = frozenset(h.code for h in rules.hint_rules if _weight_group(h, rules) in heavy_groups)
    if heavy:
        memo.clear()
    for i, b in enumerate(blocks):
        hit = hits[i]
        if hit and hit[0].code in heavy:
            owners = b.hint_owners
            hit = memo.get(owners, memo)
            if hit is memo:
                hit = memo[owners] = _hint_drop(owners, rules, shares, max_share, headline_owners, heavy)
        if hit and hit[0].prose_min_chars is not None and _is_prose(labels[i], feats[i], hit[0].prose_min_chars):
            # A paragraph of prose under a hint that names short things (a caption) is
            # not what the hint says; only another hint may still drop it.
            hit = _hint_drop(b.hint_owners, rules, shares, max_share, headline_owners, heavy | {hit[0].code})
        if hit:
            decisions[i] = Decision(False, hit[0].code, hit[0].name, hit[1], labels[i])


def _select_region(blocks: list[HtmlBlock], labels: list[str], cf: list, feats: list[_Features],
                   rules: HtmlRules, decisions: list) -> None:
    """Main container (best subtree), the main window inside it, then the context pass."""
    open_idx = [i for i in range(len(blocks)) if decisions[i] is None]
    container = _best_container([blocks[i] for i in open_idx], _container_weights(open_idx, labels, cf, feats, rules))
    if container is not None:
        kept_idx = []
        for i in open_idx:
            if container in blocks[i].ancestors:
                kept_idx.append(i)
            else:
                decisions[i] = _outside(i, labels, cf, rules, "outside the main container")
        open_idx = kept_idx
    weights = _window_weights(open_idx, labels, cf, feats, rules, inside=container)
    lo, hi = max_sum_run(weights)
    tail = hi
    if container is not None and hi > lo:
        # A list or table that ends the article scores nothing but belongs to it; so does
        # a list written as one paragraph of lines (at least ``list_breaks`` line breaks).
        list_breaks = int(rules.p("HT211", "list_breaks"))
        while tail < len(open_idx) and (blocks[open_idx[tail]].tag in _LIST_ROLES + ("h",)
                                        or blocks[open_idx[tail]].breaks >= list_breaks) \
                and cf[open_idx[tail]][1] != "HT201":
            tail += 1
        while tail > hi and blocks[open_idx[tail - 1]].tag == "h":  # a list, not a trailing heading
            tail -= 1
    inside = set(open_idx[lo:tail])
    for i in open_idx:
        if i not in inside:
            decisions[i] = _outside(i, labels, cf, rules, "outside the main window")
    _context_pass(open_idx[lo:hi], labels, cf, feats, blocks, rules, decisions, container is not None)
    if hi > lo:
        _sibling_pass(open_idx, inside, open_idx[hi - 1], blocks, labels, rules, decisions)
    name = rules.name("HT211")
    for i in open_idx[hi:tail]:
        decisions[i] = Decision(True, "HT211", name, "list or table item ending the article", labels[i])


def _sibling_pass(open_idx: list[int], inside: set[int], end: int, blocks: list[HtmlBlock],
                  labels: list[str], rules: HtmlRules, decisions: list) -> None:
    """A prose paragraph outside the window whose parent element holds at least
    ``min_siblings`` kept prose paragraphs of the window is one of them (HT214): a
    link-heavy paragraph or a widget between them cut the window short.  Only paragraphs
    before the window's last block: after it, a lone paragraph is usually a promotion."""
    min_siblings = int(rules.p("HT214", "min_siblings"))
    parents: dict[int, int] = {}
    for i in inside:
        b, d = blocks[i], decisions[i]
        if labels[i] in (GOOD, NEARGOOD) and b.tag == "p" and len(b.ancestors) >= 2 and d is not None and d.keep:
            parents[b.ancestors[-2]] = parents.get(b.ancestors[-2], 0) + 1
    if not parents:
        return
    name = rules.name("HT214")
    for i in open_idx:
        b = blocks[i]
        if i >= end:
            break
        if (i not in inside and b.tag == "p" and labels[i] in (GOOD, NEARGOOD) and len(b.ancestors) >= 2
                and parents.get(b.ancestors[-2], 0) >= min_siblings):
            decisions[i] = Decision(True, "HT214", name,
                                    f"{labels[i]} paragraph beside {parents[b.ancestors[-2]]} kept ones", labels[i])


def _outside(i: int, labels: list[str], cf: list, rules: HtmlRules, where: str) -> Decision:
    """A block left out by the region: a bad block is charged to the rule that made it bad."""
    lab, code, reason = cf[i]
    if lab == BAD:
        return Decision(False, code, rules.name(code), f"{reason}; {where}", lab)
    return Decision(False, "HT203", rules.name("HT203"), f"{lab} block {where}", lab)


def _decide_headline(page: HtmlPage, rules: HtmlRules, decisions: list) -> None:
    """Block 0 is the headline; it and the same text in the body are one headline."""
    blocks = page.blocks
    if not blocks or blocks[0].tag != "title":
        return
    keep = bool(rules.p("HT205", "keep_headline"))
    name = rules.name("HT205")
    decisions[0] = Decision(keep, "HT205", name, "page headline", "title")
    title = " ".join(page.title.lower().split())
    for i in range(1, len(blocks)):
        if blocks[i].text.lower() == title:
            decisions[i] = Decision(False, "HT205", name, "repeats the headline", "title")


# The byline and the date line that stand under a headline (HT114, HT120).
_BYLINE_HINTS = frozenset(("byline", "dateline"))
_BYLINE_TEXT = re.compile(r"^\s*(?:by|von|par|por|door|di|oleh|av|af)\s+\S", re.IGNORECASE)


def _decide_dek(page: HtmlPage, rules: HtmlRules, decisions: list) -> None:
    """A kept block between the in-body headline and the byline, in the headline's own
    container, is a standfirst (HT118), whatever its class names say.

    The byline is a block under a ``byline`` or ``dateline`` hint or a short "By ..." line, at most
    ``max_gap`` blocks after the headline; exactly one short kept block (at most
    ``max_chars``) may stand between them, and its parent element must enclose the headline.
    """
    blocks = page.blocks
    h = next((i for i in range(1, len(blocks)) if decisions[i].code == "HT205" and blocks[i].heading_level),
             None)
    if h is None:
        return
    max_gap = int(rules.p("HT118", "max_gap"))
    max_chars = int(rules.p("HT118", "max_chars"))
    between = []
    for j in range(h + 1, min(len(blocks), h + 1 + max_gap)):
        b = blocks[j]
        if not b.hints.isdisjoint(_BYLINE_HINTS) or (len(b.text) <= 80 and _BYLINE_TEXT.match(b.text)):
            break
        if decisions[j].keep:
            between.append(j)
            if len(between) > 1:
                return
    else:
        return
    if len(between) != 1:
        return
    k = between[0]
    dek, head = blocks[k], blocks[h]
    if len(dek.text) <= max_chars and len(dek.ancestors) >= 2 and dek.ancestors[-2] in head.ancestors:
        decisions[k] = Decision(False, "HT118", rules.name("HT118"),
                                "between the headline and the byline, in the headline's container",
                                decisions[k].label)


def _decide_markup(page: HtmlPage, rules: HtmlRules, decisions: list) -> None:
    """Escaped HTML shown as text (``&lt;img src=...&gt;``): serialisation debris, not prose."""
    min_share = float(rules.p("HT207", "min_markup_share"))
    name = rules.name("HT207")
    for i, b in enumerate(page.blocks):
        if decisions[i] is None and "<" in b.text:
            share = sum(len(m) for m in _MARKUP.findall(b.text)) / len(b.text)
            if share >= min_share:
                decisions[i] = Decision(False, "HT207", name, f"{share:.0%} of the text is markup", "")


def _decide_repeats(page: HtmlPage, feats: list[_Features], rules: HtmlRules, decisions: list) -> None:
    """Short link texts that occur more than once on a page are navigation or widget labels.

    Only blocks with links: repeated plain text is often the article's own structure
    (a recipe's "Ingredients", a table's "0").  A heading whose other copies are all in
    page chrome already dropped (a linked section heading and the table of contents) is
    not one: it stays when its section stays.
    """
    max_chars = int(rules.p("HT206", "max_chars"))
    min_ld = float(rules.p("HT206", "min_link_density"))
    counts: dict[str, int] = {}
    open_counts: dict[str, int] = {}  # the same among blocks no rule decided yet
    for i, b in enumerate(page.blocks):
        if len(b.text) <= max_chars and b.tag != "title":
            counts[b.text] = counts.get(b.text, 0) + 1
            if decisions[i] is None:
                open_counts[b.text] = open_counts.get(b.text, 0) + 1
    name = rules.name("HT206")
    for i, b in enumerate(page.blocks):
        if (decisions[i] is None and b.link_chars >= min_ld * len(b.text) and counts.get(b.text, 0) > 1
                and b.tag != "title" and (b.tag != "h" or open_counts.get(b.text, 0) > 1)):
            decisions[i] = Decision(False, "HT206", name, f"occurs {counts[b.text]} times on the page", "")


def _best_container(blocks: list[HtmlBlock], weights: list[float]) -> int | None:
    """The element whose blocks' weights sum highest: the best subtree holding the article.

    Each block adds its weight to every enclosing element; ties go to the deeper element,
    so wrappers that add nothing but boilerplate lose to the article's own container.
    """
    sums: dict[int, float] = {}
    depth: dict[int, int] = {}
    for b, w in zip(blocks, weights):
        if w:  # a weightless block changes no sum (and an element's depth is fixed)
            for eid in b.ancestors:
                sums[eid] = sums.get(eid, 0.0) + w
            depth.update(zip(b.ancestors, count()))
    if not sums:
        return None
    best = max(sums, key=lambda e: (round(sums[e], 3), depth[e]))
    return best if sums[best] > 0 else None


def _container_weights(idx: list[int], labels: list[str], cf: list, feats: list[_Features],
                       rules: HtmlRules) -> list[float]:
    """Prose adds, link-heavy blocks subtract, everything else is neutral (readability-style):
    a container loses only by holding navigation or teaser lists, not by holding a table."""
    bw, cap = rules.p("HT203", "bad_weight"), rules.p("HT203", "bad_cap")
    prose = _prose_weights(rules)
    out = []
    for i in idx:
        w = prose(labels[i], feats[i])
        if w is not None:
            out.append(w)
        elif labels[i] == SHORT:
            out.append(0.0)
        elif cf[i][1] == "HT201":
            out.append(-bw * min(feats[i].length, cap))
        else:
            out.append(0.0)
    return out


def _prose_weights(rules: HtmlRules):
    """The weight of prose (good, near-good, a short sentence) shared by the container and
    the window; None for any other block, which each weighs its own way."""
    gw, nw = rules.p("HT203", "good_weight"), rules.p("HT203", "neargood_weight")
    spw = rules.p("HT203", "short_prose_weight")

    def weight(lab: str, f: _Features) -> float | None:
        if lab == GOOD:
            return gw * f.length
        if lab == NEARGOOD:
            return nw * f.length
        if lab == SHORT and f.sentence:
            return spw * f.length
        return None

    return weight


def _window_weights(idx: list[int], labels: list[str], cf: list, feats: list[_Features], rules: HtmlRules,
                    inside: int | None) -> list[float]:
    """Good text counts plus, boilerplate minus; short blocks cost a little.

    Inside the main container (``inside`` set), a block that is only "not prose" (a list
    item, a table cell, a product line) costs like a short block rather than its length:
    tables and lists between paragraphs are part of the article.
    """
    sp, bw = rules.p("HT203", "short_penalty"), rules.p("HT203", "bad_weight")
    cap = rules.p("HT203", "bad_cap")
    isp = rules.p("HT203", "container_short_penalty")
    icap = rules.p("HT203", "container_bad_cap")
    prose = _prose_weights(rules)  # a short sentence (one-line news paragraphs) counts as prose
    out = []
    for i in idx:
        lab, length = labels[i], feats[i].length
        w = prose(lab, feats[i])
        if w is not None:
            out.append(w)
        elif lab == SHORT:
            out.append(-sp if inside is None else -isp)
        elif inside is not None and cf[i][1] == "HT202" and feats[i].words:
            out.append(-isp)
        else:
            # Link lists inside the article's container are usually inline teasers: they are
            # dropped anyway, and must not cut the article in two.
            out.append(-bw * min(length, cap if inside is None else icap))
    return out


def _context_pass(idx: list[int], labels: list[str], cf: list, feats: list[_Features],
                  blocks: list[HtmlBlock], rules: HtmlRules, decisions: list, in_container: bool) -> None:
    """Inside the window: good/neargood stay, bad go, short ones follow their neighbours.

    Inside a main container, blocks that are merely not prose (HT202, not link-heavy) are
    treated as short: a list or table between two paragraphs stays.
    """
    labels = list(labels)
    if in_container:
        for i in idx:
            if cf[i][1] == "HT202" and feats[i].words and labels[i] == BAD:
                labels[i] = SHORT
    n = len(idx)
    # Nearest non-short label on each side, within the window.  Inside a container, link
    # lists are inline teasers: they are dropped but do not count as neighbours.
    transparent = {i for i in idx if in_container and cf[i][1] == "HT201"}
    # A short sentence counts as a near-good neighbour.
    seen = [NEARGOOD if labels[i] == SHORT and feats[i].sentence else labels[i] for i in idx]
    prev_lab, next_lab = [BAD] * n, [BAD] * n
    last = BAD
    for k in range(n):
        prev_lab[k] = last
        if seen[k] != SHORT and idx[k] not in transparent:
            last = seen[k]
    last = BAD
    for k in range(n - 1, -1, -1):
        next_lab[k] = last
        if seen[k] != SHORT and idx[k] not in transparent:
            last = seen[k]
    max_dist = rules.p("HT204", "max_heading_distance")
    label_max = int(rules.p("HT204", "label_max_chars"))
    ok = (GOOD, NEARGOOD)
    for k, i in enumerate(idx):
        _, code, reason = cf[i]
        lab = labels[i]
        if lab in ok:
            decisions[i] = Decision(True, "HT210", rules.name("HT210"), reason, lab)
            continue
        if lab == BAD:
            decisions[i] = Decision(False, code, rules.name(code), reason, lab)
            continue
        # short
        if not feats[i].sentence and len(blocks[i].text) <= label_max and k + 1 < n and idx[k + 1] in transparent:
            decisions[i] = Decision(False, "HT204", rules.name("HT204"),
                                    "short, right before an inline link list (its label)", lab)
        elif blocks[i].tag == "h" and _good_follows(idx, k, labels, feats, max_dist):
            decisions[i] = Decision(True, "HT212", rules.name("HT212"),
                                    f"heading followed by prose within {max_dist} chars", lab)
        elif prev_lab[k] in ok and next_lab[k] in ok:
            decisions[i] = Decision(True, "HT211", rules.name("HT211"),
                                    f"short, between {prev_lab[k]} and {next_lab[k]} blocks", lab)
        elif feats[i].sentence and (prev_lab[k] in ok or next_lab[k] in ok):
            decisions[i] = Decision(True, "HT211", rules.name("HT211"),
                                    f"short sentence next to a {prev_lab[k] if prev_lab[k] in ok else next_lab[k]} block",
                                    lab)
        else:
            decisions[i] = Decision(False, "HT204", rules.name("HT204"),
                                    f"short, neighbours {prev_lab[k]} / {next_lab[k]}", lab)


def _good_follows(idx: list[int], k: int, labels: list[str], feats: list[_Features], max_dist: float) -> bool:
    """Whether prose follows block ``k`` with at most ``max_dist`` chars of short blocks between."""
    dist = 0.0
    for j in range(k + 1, len(idx)):
        lab = labels[idx[j]]
        if lab in (GOOD, NEARGOOD):
            return True
        if lab == BAD:
            return False
        dist += feats[idx[j]].length
        if dist > max_dist:
            return False
    return False


def _kept_chars(page: HtmlPage, feats: list[_Features], decisions: list) -> float:
    """Body characters (headline excluded) kept by ``decisions``."""
    return sum(f.length for b, f, d in zip(page.blocks, feats, decisions)
               if d is not None and d.keep and b.tag != "title")


def _over_pruned(page: HtmlPage, feats: list[_Features], rules: HtmlRules, decisions: list) -> bool:
    """Whether the selection kept less than a small share (and a small amount) of the text."""
    total = sum(f.length for b, f in zip(page.blocks, feats) if b.tag != "title")
    kept = _kept_chars(page, feats, decisions)
    share = float(rules.p("HT213", "min_kept_share"))
    min_chars = float(rules.p("HT213", "min_kept_chars"))
    return bool(total) and kept < share * total and kept < min_chars



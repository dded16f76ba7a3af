"""One feature extractor for the content model, for both inputs: a scraped-text line and a
DOM block become the same :class:`Unit`, and every unit of a page a row of numbers.

A row holds the unit's own shape (length, words, stopword share in the page's language,
punctuation, digits, casing, list markers, link share, its role and DOM hints), what the
hand-set scorer made of it (its label and decision: the model learns where to trust them),
its neighbours (a window on each side), its position, and figures of the whole page
(prose share, block count, the longest prose run, the page-type signals).  In text every
DOM figure is 0.  :data:`FEATURES` names the columns; the model file stores that list and
is refused when it differs, so a model never reads columns it was not trained on.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import NamedTuple, Sequence

from cleaner.content.textkey import key as _key

_WORD = re.compile(r"\w+")
_PUNCT = re.compile(r"[^\w\s]")
_DIGIT = re.compile(r"\d")
_UPPER = re.compile(r"[^\W\d_]")
_BULLET = re.compile(r"^\s*(?:[-*\u2022\u00b7\u25aa\u25cf\u2013\u2014>]|\d{1,3}[.)]|[a-z][.)])\s")
_SENT_END = frozenset(".!?\u3002\uff01\uff1f\u2026\"'\u201d\u2019\u00bb)")
_BOILER = re.compile(r"\b(?:cookie|cookies|subscribe|newsletter|sign ?up|sign ?in|log ?in|register|follow us|"
                     r"advertisement|all rights reserved|copyright|privacy|terms|skip to|share|click here|"
                     r"read more|more|menu|home|search|contact|login|account|cart)\b", re.IGNORECASE)
_YEARLIKE = re.compile(r"\b(?:19|20)\d\d\b")

#: Roles a unit can have (``Block.tag`` / ``HtmlBlock.tag``), one column each.
ROLES = ("title", "h", "li", "td", "caption", "pre", "quote", "p")
#: DOM hints read as columns (the ``hint`` names of rules/html.toml).
HINTS = ("nav", "sidebar", "footer", "header", "form", "comments", "related", "share", "newsletter", "ad",
         "cookie", "breadcrumb", "caption", "byline", "hidden", "tags", "popup", "dek", "hover", "main",
         "article", "aside", "figure", "table")
#: The hand-set scorer's context-free labels, in order of prose-likeness.
LABELS = {"good": 3.0, "neargood": 2.0, "short": 1.0, "bad": 0.0, "ruled": -1.0}
#: Page types the page-type signals name (a declaration, a structure).
PAGE_TYPES = ("article", "forum", "listing", "product", "documentation", "service")


class Unit(NamedTuple):
    """What the features read of one block, whatever the input."""

    text: str
    tag: str = "p"
    link_chars: int = 0
    hints: frozenset[str] = frozenset()
    depth: int = 0            # DOM depth (0 in text)
    heading: int = 0          # heading level 1..6, else 0
    breaks: int = 0           # line breaks inside the block
    label: str = ""           # the hand-set scorer's context-free label
    kept: bool = True         # the hand-set decision
    ruled: bool = False       # decided by a rule (keyword rule or DOM hint): not the model's to decide
    siblings: int = 0         # DOM: blocks sharing this block's parent path (0 in text)


@dataclass(frozen=True)
class PageFacts:
    """Page-level inputs that are not in the units: the input kind, the title, the
    page-type signals (:class:`cleaner.content.pagetype.Signals`) and the heuristic type."""

    html: bool
    title: str = ""
    signals: tuple[float, ...] = (0.0,) * 7
    page_type: str = ""


_OWN = ("log_chars", "log_words", "stop", "lower", "ends", "link", "punct", "digits", "upper", "bullet",
        "bars", "word_len", "boiler", "years", "repeats", "title_words", "depth", "heading", "breaks",
        "siblings", "label", "kept", "ruled", "commas")
_NEIGHBOUR = ("log_chars", "stop", "ends", "link", "kept", "ruled", "heading_like", "label")
_OFFSETS = (-2, -1, 1, 2)
_PAGE = ("html", "n_units", "log_total", "prose_share", "longest_run", "link_share", "li_share", "kept_share",
         "ruled_share", "mean_chars", "sig_declared_n", "sig_longest_run", "sig_code", "sig_prices", "sig_dates",
         "sig_labels", "sig_cards")

FEATURES: tuple[str, ...] = (
    *_OWN,
    *(f"role_{r}" for r in ROLES),
    *(f"hint_{h}" for h in HINTS),
    *(f"n{o:+d}_{f}" for o in _OFFSETS for f in _NEIGHBOUR),
    "win5_kept", "win5_ends", "win5_chars", "win5_ruled",
    "pos", "pos_chars", "prose_before", "prose_after",
    *_PAGE,
    *(f"type_{t}" for t in PAGE_TYPES),
)


def _own(u: Unit, stopwords: frozenset[str], title_words: frozenset[str], repeats: int) -> list[float]:
    text = u.text
    n = len(text)
    words = _WORD.findall(text)
    nw = len(words)
    low = [w.lower() for w in words]
    stop = sum(map(stopwords.__contains__, low)) / nw if nw else 0.0
    initials = [w[0] for w in words if _UPPER.match(w[0])]
    lower = sum(map(str.islower, initials)) / len(initials) if initials else 0.0
    stripped = text.rstrip()
    letters = _UPPER.findall(text)
    upper = sum(map(str.isupper, letters)) / len(letters) if letters else 0.0
    tw = sum(w in title_words for w in low) / nw if nw and title_words else 0.0
    return [
        math.log1p(n), math.log1p(nw), stop, lower, float(stripped[-1:] in _SENT_END),
        min(1.0, u.link_chars / n) if n else 0.0,
        len(_PUNCT.findall(text)) / n if n else 0.0,
        len(_DIGIT.findall(text)) / n if n else 0.0,
        upper, float(bool(_BULLET.match(text))), float(text.count("|") + text.count("\u00b7")),
        sum(map(len, words)) / nw if nw else 0.0,
        float(bool(_BOILER.search(text))) if n <= 300 else 0.0,
        float(len(_YEARLIKE.findall(text))), math.log1p(repeats), tw,
        float(u.depth), float(u.heading), float(u.breaks), math.log1p(u.siblings),
        LABELS.get(u.label, 1.5), float(u.kept), float(u.ruled), text.count(",") / n if n else 0.0,
    ]


def page_rows(units: Sequence[Unit], stopwords: frozenset[str], facts: PageFacts) -> list[list[float]]:
    """The feature row of every unit of one page, in :data:`FEATURES` order."""
    n = len(units)
    if not n:
        return []
    title_words = frozenset(w.lower() for w in _WORD.findall(facts.title)) if facts.title else frozenset()
    counts: dict[str, int] = {}
    keys = []
    key_of: dict[str, str] = {}
    for u in units:
        t = u.text
        k = ""
        if len(t) <= 120:
            k = key_of.get(t)
            if k is None:
                k = key_of[t] = _key(t)
        keys.append(k)
        if k:
            counts[k] = counts.get(k, 0) + 1
    # A unit's own columns depend on it and its repeat count alone: a page of a thousand
    # identical menu lines measures one.
    memo: dict[tuple, list[float]] = {}
    own = []
    for u, k in zip(units, keys):
        at = (u, counts.get(k, 1) - 1 if k else 0)
        o = memo.get(at)
        if o is None:
            o = memo[at] = _own(u, stopwords, title_words, at[1])
        own.append(o)
    lengths = [len(u.text) for u in units]
    total = sum(lengths) or 1
    prose = [o[4] == 1.0 and o[1] >= math.log1p(8) for o in own]  # ends like a sentence, 8+ words
    prose_chars = [lengths[i] if prose[i] else 0 for i in range(n)]
    # The longest run of prose units (non-prose units of under 40 chars do not break it).
    longest = run = 0
    for i in range(n):
        if prose[i]:
            run += lengths[i]
        elif lengths[i] >= 40:
            run = 0
        longest = max(longest, run)
    sig = list(facts.signals) + [0.0] * (7 - len(facts.signals))
    page = [float(facts.html), math.log1p(n), math.log1p(total), sum(prose_chars) / total, longest / total,
            sum(u.link_chars for u in units) / total, sum(u.tag == "li" for u in units) / n,
            sum(lengths[i] for i in range(n) if units[i].kept) / total,
            sum(lengths[i] for i in range(n) if units[i].ruled) / total, math.log1p(total / n),
            *(math.log1p(max(0.0, s)) for s in sig)]
    types = [float(facts.page_type == t) for t in PAGE_TYPES]
    role_of: dict[str, list[float]] = {}
    hint_of: dict[frozenset, list[float]] = {}
    roles = [role_of.get(u.tag) or role_of.setdefault(u.tag, [float(u.tag == r) for r in ROLES]) for u in units]
    hints = [hint_of.get(u.hints) or hint_of.setdefault(u.hints, [float(h in u.hints) for h in HINTS])
             for u in units]
    neigh = [[o[0], o[2], o[4], o[5], o[21], o[22], float(u.tag in ("h", "title") or u.heading > 0), o[20]]
             for u, o in zip(units, own)]
    edge = [0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0, -2.0]  # past the page's edge
    # Prefix sums for the +-5 window means and the prose before / after each unit.
    cum = {name: [0.0] * (n + 1) for name in ("kept", "ends", "chars", "ruled", "prose")}
    for i in range(n):
        cum["kept"][i + 1] = cum["kept"][i] + own[i][21]
        cum["ends"][i + 1] = cum["ends"][i] + own[i][4]
        cum["chars"][i + 1] = cum["chars"][i] + own[i][0]
        cum["ruled"][i + 1] = cum["ruled"][i] + own[i][22]
        cum["prose"][i + 1] = cum["prose"][i] + prose_chars[i]
    rows = []
    before = 0
    for i in range(n):
        row = own[i] + roles[i] + hints[i]
        for o in _OFFSETS:
            j = i + o
            row += neigh[j] if 0 <= j < n else edge
        lo, hi = max(0, i - 5), min(n, i + 6)
        width = hi - lo - 1 or 1
        for name in ("kept", "ends", "chars", "ruled"):
            c = cum[name]
            row.append((c[hi] - c[lo] - c[i + 1] + c[i]) / width)
        row += [i / n, before / total, cum["prose"][i] / total, (cum["prose"][n] - cum["prose"][i + 1]) / total]
        row += page
        row += types
        before += lengths[i]
        rows.append(row)
    return rows


#: The second stage's extra columns: the first stage's probabilities around each block.
CONTEXT: tuple[str, ...] = ("p", "p-2", "p-1", "p+1", "p+2", "p_win5", "p_max3", "p_min3", "p_page", "p_rank",
                            "p_before", "p_after")


def context_rows(rows: Sequence[Sequence[float]], probs: Sequence[float]) -> list[list[float]]:
    """Each open block's row with the first stage's probabilities of it and its open
    neighbours (in page order), so the second stage decides a block by its context:
    a short line between content stays, one among boilerplate goes."""
    n = len(probs)
    if not n:
        return []
    mean = sum(probs) / n
    order = sorted(range(n), key=lambda i: (probs[i], i))
    rank = [0.0] * n
    for r, i in enumerate(order):
        rank[i] = r / max(n - 1, 1)
    cum = [0.0]
    for p in probs:
        cum.append(cum[-1] + p)
    out = []
    for i, p in enumerate(probs):
        at = lambda j: probs[j] if 0 <= j < n else -1.0  # noqa: E731
        lo, hi = max(0, i - 5), min(n, i + 6)
        near = [probs[j] for j in range(max(0, i - 3), min(n, i + 4)) if j != i] or [p]
        out.append([*rows[i], p, at(i - 2), at(i - 1), at(i + 1), at(i + 2),
                    (cum[hi] - cum[lo] - p) / max(hi - lo - 1, 1), max(near), min(near), mean, rank[i],
                    cum[i] / i if i else -1.0, (cum[n] - cum[i + 1]) / (n - i - 1) if i < n - 1 else -1.0])
    return out


#: What the page-type classifier reads: the page columns of a row, and the means of a
#: block's own columns over the page's open blocks.
PAGE_VECTOR: tuple[str, ...] = (*_PAGE, *(f"type_{t}" for t in PAGE_TYPES), *(f"mean_{f}" for f in _OWN),
                                *(f"mean_role_{r}" for r in ROLES), "n_open")


def page_vector(rows: Sequence[Sequence[float]]) -> list[float]:
    """The page-type classifier's input from a page's open rows (:data:`PAGE_VECTOR`)."""
    first = len(FEATURES) - len(_PAGE) - len(PAGE_TYPES)
    own = len(_OWN)
    n = len(rows)
    width = own + len(ROLES)
    means = [sum(col) / n for col in zip(*(r[:width] for r in rows))] if n else [0.0] * width
    return [*(rows[0][first:] if n else [0.0] * (len(_PAGE) + len(PAGE_TYPES))), *means, math.log1p(n)]

"""What kind of page this is: article, forum, listing, product, documentation or service.

Decided from structure, never from a site's wording, in this order (the first that holds):

1. the page's own declaration, where it has one: schema.org types in JSON-LD
   (``DiscussionForumPosting``, ``QAPage`` -> forum; ``Product`` -> product;
   ``TechArticle``, ``APIReference`` -> documentation; ``CollectionPage``, ``ItemList``,
   ``SearchResultsPage`` with a run of linked item titles -> listing; an ``Article`` type
   or ``og:type`` article -> article);
2. a long run of prose (``article_run_chars``) -> article;
3. code blocks (``min_code_blocks``) -> documentation;
4. prices on short lines (``min_prices``): with a run of linked item titles a listing,
   else a product;
5. a run of linked item titles (``min_cards``: link-only lines of a few words sharing
   one place in the DOM) -> listing;
6. dated short lines and repeated short labels ("Reply", "Quote" in any language) ->
   forum;
7. a shorter run of prose (``short_article_run_chars``) -> article; else a service page.

Scraped text has no DOM, links or declarations, so only steps 2, 4, 6 and 7 can decide it.
The result goes into the metadata (``page_type`` and ``page_type_reason``).
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Iterable, Mapping, Sequence

ARTICLE, FORUM, LISTING, PRODUCT, DOCUMENTATION, SERVICE = (
    "article", "forum", "listing", "product", "documentation", "service")

_ARTICLE_TYPES = frozenset({"Article", "NewsArticle", "BlogPosting", "Report", "ScholarlyArticle",
                            "OpinionNewsArticle", "ReportageNewsArticle", "AnalysisNewsArticle",
                            "LiveBlogPosting", "og:article"})
_WORD = re.compile(r"\w+")
# A price: a currency sign next to a number, or a number followed by a currency code.
_PRICE = re.compile(r"[$\u20ac\u00a3\u00a5] ?\d|\d(?:[.,]\d{2})?[ \u00a0]?(?:\u20ac|USD|EUR|GBP|CHF)\b")
# A date in figures or with a month name's first three letters in English: the common
# shapes of a post's date line.
_DATE = re.compile(r"\b(?:\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}|\d{4}-\d{2}-\d{2}|"
                   r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.? \d{1,2},? \d{4})\b")
_LABEL_MAX = 40   # a repeated label is at most this long
_SHORT_MAX = 80   # prices and dates are counted on lines at most this long


@dataclass(frozen=True)
class Signals:
    """The measurements the decision reads (``cards`` and ``code`` are 0 for text)."""

    declared: frozenset[str] = frozenset()  # schema.org types and og:type ("og:article")
    longest_run: int = 0   # characters of the longest run of prose units
    code: int = 0          # code blocks (<pre>)
    prices: int = 0        # prices on short units
    dates: int = 0         # dates on short units
    labels: int = 0        # distinct short labels that stand three times or more
    cards: int = 0         # linked item titles sharing one DOM place, the largest group


def measure(texts: Sequence[str], links: Sequence[float] | None = None, tags: Sequence[str] = (),
            places: Sequence[str] = (), declared: Iterable[str] = (), prose_chars: int = 150) -> Signals:
    """Signals of a page from its units' texts, and where the page has a DOM their link
    densities, tags and DOM places (none under page chrome); scraped text has only texts.

    A prose unit has ``prose_chars`` characters or more and few links; a run of them ends
    at the third unit in a row of 40 characters or more that is not prose (short labels,
    a subheading or a caption between paragraphs do not end it).  Prices and dates are
    counted on the units of at most 80 characters (a page has hundreds of them, so they
    are searched as one text, a unit a line)."""
    run = longest = gap = 0
    for i, n in enumerate(map(len, texts)):
        if n >= prose_chars and (links is None or links[i] < 0.2):
            run += n
            gap = 0
            if run > longest:
                longest = run
        elif n >= 40:
            gap += 1
            if gap > 2:
                run = 0
    short = "\n".join(t.replace("\n", " ") for t in texts if len(t) <= _SHORT_MAX)
    labels = Counter(t.strip().lower() for t in texts if len(t) <= _LABEL_MAX)
    cards = len(item_titles(texts, links, places)) if links is not None and places else 0
    return Signals(
        frozenset(declared), longest, sum(1 for t in tags if t == "pre"),
        len(_PRICE.findall(short)), len(_DATE.findall(short)),
        sum(1 for k, v in labels.items() if v >= 3 and _WORD.search(k)), cards)


def is_item_title(text: str, link: float, place: str) -> bool:
    """A linked item title: all link, a few words, at a DOM place outside the page chrome
    (the caller gives no place for units under nav, header, footer or sidebar hints)."""
    return bool(place) and link >= 0.9 and 3 <= len(_WORD.findall(text)) <= 25


def item_titles(texts: Sequence[str], links: Sequence[float], places: Sequence[str]) -> list[int]:
    """Indexes of the items of a listing: the linked item titles of the DOM place (cards
    share a path; menus are excluded by the caller) with the most distinct titles.  A
    title that stands more than once at its place ("More in this category") is a label."""
    groups: dict[str, dict[str, list[int]]] = {}
    for i, (text, link, place) in enumerate(zip(texts, links, places)):
        if is_item_title(text, link, place):
            groups.setdefault(place, {}).setdefault(text, []).append(i)
    if not groups:
        return []
    best = max(groups.values(), key=lambda g: sum(len(v) == 1 for v in g.values()))
    return sorted(v[0] for v in best.values() if len(v) == 1)


def classify(s: Signals, p: Mapping) -> tuple[str, str]:
    """The page type and the reason, by the order in the module's docstring."""
    d = s.declared
    if d & {"DiscussionForumPosting", "QAPage"}:
        return FORUM, "declared a discussion (schema.org)"
    article_declared = bool(d & _ARTICLE_TYPES)
    if d & {"Product", "ProductGroup"} and not article_declared:
        return PRODUCT, "declared a product (schema.org)"
    if d & {"TechArticle", "APIReference"}:
        return DOCUMENTATION, "declared technical documentation (schema.org)"
    if d & {"CollectionPage", "ItemList", "SearchResultsPage"} and not article_declared \
            and s.cards >= p["min_declared_cards"]:
        return LISTING, f"declared a collection (schema.org), {s.cards} item titles"
    if article_declared:
        return ARTICLE, "declared an article"
    if s.longest_run >= p["article_run_chars"]:
        return ARTICLE, f"a run of {s.longest_run} chars of prose"
    if s.code >= p["min_code_blocks"]:
        return DOCUMENTATION, f"{s.code} code blocks"
    if s.prices >= p["min_prices"]:
        if s.cards >= p["min_cards"]:
            return LISTING, f"{s.prices} prices, {s.cards} item titles"
        return PRODUCT, f"{s.prices} prices"
    if s.cards >= p["min_cards"]:
        return LISTING, f"{s.cards} linked item titles in one place"
    if s.dates >= p["min_dates"] and s.labels >= p["min_labels"]:
        return FORUM, f"{s.dates} dated lines, {s.labels} repeated labels"
    if s.longest_run >= p["short_article_run_chars"]:
        return ARTICLE, f"a run of {s.longest_run} chars of prose"
    return SERVICE, "no article, thread, list, product or documentation structure"

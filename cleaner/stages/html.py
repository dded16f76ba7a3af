"""HTML input: decode bytes, turn the DOM into blocks, and pick the article's blocks.

The stages, each a pure function:

* :func:`decode_html` -- bytes (maybe gzipped) to text, via bs4's encoding detection
  (:func:`markup_of` keeps plain UTF-8 as bytes, which lxml parses without a copy).
* :func:`parse_html` -- lxml tree to an :class:`HtmlPage`: one :class:`HtmlBlock` per
  block-level element's own text, with DOM hints taken from its ancestors.  Block ``i`` is
  line ``2*i`` of ``page.text`` (blocks are separated by one blank line), so the text core
  can address blocks by line.
* :func:`select_main` -- one :class:`Decision` per block: keep or drop, the rule code from
  ``rules/html.toml`` and the measured reason.  DOM hints first, then a context-free label
  per block (jusText), the main container (best-scoring subtree) and a maximum-sum window
  inside it, a context pass for short blocks, and an over-prune guard.

Nothing here keeps state between calls except caches of pure results.

All thresholds and class/id vocabularies live in ``rules/html.toml``; they are loaded once
into an :class:`HtmlRules` object that callers hold (or get from :func:`default_rules`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache, partial
from itertools import count, repeat
from operator import itemgetter
from pathlib import Path
from typing import Iterable, Mapping, NamedTuple

from lxml import etree

from cleaner.content.chars import CJK as _CJK
from cleaner.content.score import lowers_by_word
from cleaner.content.window import max_sum_run
from cleaner.model import DROP, KEEP, Block
from cleaner.rules import Rule, RuleError, builtin_rules_dir, load_pack
from cleaner.stages.decode import GZIP_MAGIC, gunzip
from cleaner.stages.lang import LanguageDetector, stopword_languages, stopwords

__all__ = [
    "HtmlBlock", "HtmlPage", "Decision", "HtmlRules", "decode_html", "markup_of", "parse_html",
    "select_main", "extract_text", "default_rules", "load_html_rules", "to_model_blocks",
    "fired_codes", "detect_language",
]

GOOD, NEARGOOD, SHORT, BAD = "good", "neargood", "short", "bad"

_WORD = re.compile(r"\w+")
_INITIAL = re.compile(r"\b\w")  # the first character of each \w+ word
_CAMEL = re.compile(r"([a-z0-9])([A-Z])")
_CAMEL_WORD = re.compile(r"[A-Z]+[a-z]*|[a-z]+")  # the [a-z] runs of an ASCII value, camel case split
_NON_ALNUM = re.compile(r"[^a-z]+")
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*>", re.I)
_XML_DECL_BYTES = re.compile(_XML_DECL.pattern.encode(), re.I)
_MARKUP = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*(?:\s[^<>]*)?(?:>|$)")  # a tag shown as text
# A block "ends like a sentence" when its last non-space character is one of these.
_SENTENCE_END = frozenset(".!?。！？…:;\"'”’»)]")

# Block-level elements: their start and end break the text into blocks.
_BLOCK_TAGS = frozenset(
    "p h1 h2 h3 h4 h5 h6 li dd dt blockquote pre td th figcaption caption div section "
    "article header footer nav aside main ul ol dl table tbody thead tfoot tr form figure "
    "address center details summary hr body html fieldset legend menu hgroup noframes".split()
)
# The role a block plays, from the nearest ancestor that gives one.
_ROLE = {
    "p": "p", "h1": "h", "h2": "h", "h3": "h", "h4": "h", "h5": "h", "h6": "h",
    "li": "li", "dd": "li", "dt": "li", "blockquote": "quote", "pre": "pre", "td": "td",
    "th": "td", "figcaption": "caption", "caption": "caption", "summary": "h", "legend": "h",
}
# Roles a generic container (div, section ...) inherits from an ancestor.
_STICKY_ROLES = frozenset(("h", "li", "td", "quote", "pre", "caption"))
_LIST_ROLES = ("li", "td")
# Elements that hold no text of their own: only their tail matters.
_VOID_TAGS = frozenset("img meta link source wbr col area param track picture base".split())


# --------------------------------------------------------------------------- data


class HtmlBlock(NamedTuple):
    """The own text of one block-level element, with what its ancestors say about it.

    ``tag`` is the block's role (p, h, li, title, caption, pre, td, quote); ``hints`` the
    DOM hints of its ancestors (tag names and class/id vocabulary, see rules/html.toml);
    ``link_chars`` the characters inside ``<a>``; ``path`` a short DOM path for reports;
    ``hint_owners`` pairs each hint with the element that gave it (to undo a hint whose
    element turns out to hold the article); ``ancestors`` the ids of enclosing elements;
    ``heading_level`` is 1..6 for h1..h6, else 0.  (A named tuple: immutable and cheap to
    make, which matters at a few hundred blocks a page.)
    """

    text: str
    tag: str
    hints: frozenset[str] = frozenset()
    link_chars: int = 0
    path: str = ""
    hint_owners: tuple[tuple[str, int], ...] = ()
    ancestors: tuple[int, ...] = ()
    heading_level: int = 0
    breaks: int = 0


@dataclass(frozen=True, slots=True)
class HtmlPage:
    """A parsed page: ``text`` is the block texts joined by blank lines."""

    text: str
    blocks: list[HtmlBlock]
    title: str
    lang: str = ""
    removed_elements: int = 0
    hover_cards: int = 0    # nested hover cards whose text was left out (HT119)

    def block_offsets(self) -> list[tuple[int, int]]:
        """(start, end) of each block in ``text``."""
        out, pos = [], 0
        for b in self.blocks:
            out.append((pos, pos + len(b.text)))
            pos += len(b.text) + 2
        return out


class Decision(NamedTuple):
    """Keep or drop one block: the rule that decided, why, and the context-free label."""

    keep: bool
    code: str
    name: str
    reason: str
    label: str = ""


@dataclass(frozen=True)
class _HintRule:
    code: str
    name: str
    hint: str
    drop: bool
    guard_share: float | None
    tags: frozenset[str]
    roles: frozenset[str]
    classes: frozenset[str]
    tokens: frozenset[str]
    substrings: tuple[str, ...]
    attributes: tuple[str, ...]
    styles: tuple[str, ...]
    except_tokens: frozenset[str] = frozenset()


@dataclass(frozen=True)
class HtmlRules:
    """The html rule pack, compiled: hint vocabularies, thresholds, stopword lists."""

    rules: Mapping[str, Rule]
    hint_rules: tuple[_HintRule, ...]
    skip_tags: frozenset[str]
    stopwords: Mapping[str, frozenset[str]]
    by_hint: Mapping[str, _HintRule] = field(default_factory=dict)
    index: "_HintIndex | None" = None
    # Class/id values already matched against the vocabulary.  Pages of one site repeat
    # them, so the cache lives as long as the rules; it only ever holds pure results.
    match_cache: dict = field(default_factory=dict, init=False, compare=False, repr=False)
    # (tag, attributes) of an element -> (its hints, its path label): one probe per element
    # in the walk.  Same lifetime and purity as ``match_cache``.
    element_cache: dict = field(default_factory=dict, init=False, compare=False, repr=False)

    def p(self, code: str, key: str):
        """A rule parameter, as its pack gives it (the schema made sure it is there)."""
        rule = self.rules.get(code)
        if rule is None:
            raise RuleError(f"rule {code} is not loaded: the HTML stage needs its parameters")
        return rule.params[key]

    def name(self, code: str) -> str:
        rule = self.rules.get(code)
        return rule.name if rule else code


def _compile_hint_rule(rule: Rule) -> _HintRule:
    """Lower-case the vocabulary; a token with anything but letters could never match,
    because class names are split into words at every other character."""
    p = rule.params
    low = lambda key: tuple(str(v).lower() for v in p.get(key, ()))  # noqa: E731
    bad = [t for t in low("tokens") if not t.isalpha() or not t.isascii()]
    if bad:
        raise RuleError(f"{rule.source}: rule {rule.code}: tokens must be plain letters, "
                        f"use 'substrings' for {bad}")
    return _HintRule(
        code=rule.code, name=rule.name, hint=str(p["hint"]), drop=bool(p["drop"]),
        guard_share=float(p["guard_share"]) if "guard_share" in p else None,
        tags=frozenset(low("tags")), roles=frozenset(low("roles")), classes=frozenset(low("classes")),
        tokens=frozenset(low("tokens")), substrings=low("substrings"), attributes=low("attributes"),
        styles=tuple(s.replace(" ", "") for s in low("styles")),
        except_tokens=frozenset(low("except_tokens")),
    )


def load_html_rules(path: Path | None = None) -> HtmlRules:
    """Load and compile an html rule pack (default: the built-in ``rules/html.toml``)."""
    return compile_html_rules(load_pack(Path(path or builtin_rules_dir() / "html.toml")))


def compile_html_rules(rules, enabled: frozenset[str] | None = None) -> HtmlRules:
    """Compile the ``html`` rules of a loaded rule set; the stoplists are the built-in
    ones of :mod:`cleaner.stages.lang`.

    Thresholds always come from every loaded rule: ``--select``/``--ignore`` decide which
    rules make hits, never another rule's numbers.  A hint rule not in ``enabled`` (when
    given) marks no element, as a keyword rule that is switched off matches no line."""
    by_code = {r.code: r for r in rules if r.kind == "html"}
    hint_rules = tuple(_compile_hint_rule(r) for r in by_code.values()
                       if "hint" in r.params and (enabled is None or r.code in enabled))
    skip = by_code.get("HT100")
    return HtmlRules(
        rules=by_code, hint_rules=hint_rules,
        skip_tags=frozenset(skip.param("skip_tags", ())) if skip else frozenset(),
        stopwords={lang: stopwords(lang) for lang in stopword_languages()},
        by_hint={h.hint: h for h in hint_rules}, index=_HintIndex.build(hint_rules),
    )


@lru_cache(maxsize=1)
def default_rules() -> HtmlRules:
    """The built-in pack, loaded once (a pure loader, so caching it is safe)."""
    return load_html_rules()


# --------------------------------------------------------------------------- decoding


def decode_html(data: bytes) -> str:
    """Bytes of a page (maybe gzipped) to text.

    The charset comes from bs4's detection: BOM, then the declared charset (HTTP-equiv /
    meta), then UTF-8 and fallbacks; valid UTF-8 without a contrary declaration is taken
    as UTF-8 at once.  A truncated gzip stream raises ``ValueError`` rather
    than returning half a page silently.
    """
    text, _ = _decode(data)
    return text


def markup_of(data: bytes) -> str | bytes:
    """What :func:`parse_html` should read: the bytes themselves when they are plain UTF-8
    (libxml2 parses them without a conversion to ``str`` and back), else the decoded text."""
    text, utf8 = _decode(data)
    if utf8 is not None and b"\0" not in utf8:
        return utf8
    return text


def _decode(data: bytes) -> tuple[str, bytes | None]:
    """The text of a page, and its bytes when they are plain UTF-8 (no BOM, no other
    declared charset), else None."""
    if data.startswith(GZIP_MAGIC):
        data = gunzip(data)
    from bs4.dammit import EncodingDetector, UnicodeDammit  # imported lazily (slow import)

    # Most pages are UTF-8, declared or not: when bs4 finds no BOM and no other declared
    # charset and the bytes are valid UTF-8, that is the answer, before any statistical
    # guess (which costs more than parsing, and depends on which detector is installed).
    if EncodingDetector.strip_byte_order_mark(data)[1] is None:
        declared = EncodingDetector.find_declared_encoding(data, is_html=True)
        if declared is None or declared.lower().replace("_", "-") in ("utf-8", "utf8"):
            try:
                return data.decode("utf-8"), data
            except UnicodeDecodeError:
                pass
    dammit = UnicodeDammit(data, is_html=True)
    if dammit.unicode_markup is None:
        return data.decode("utf-8", errors="replace"), None
    return dammit.unicode_markup, None


# --------------------------------------------------------------------------- parsing


def _build_tree(html: str | bytes):
    """lxml's HTML parser; bs4 only if lxml rejects the markup.  ``bytes`` are UTF-8.

    libxml2 parses nesting up to 2048 levels (``huge_tree``; its default of 256 drops every
    word after a deep spot, which real pages of nested wrappers reach).  Deeper markup
    would be truncated just as silently, so it raises ``ValueError`` instead: a batch
    reports the file as failed rather than writing half a page.
    """
    if isinstance(html, bytes):
        html = _XML_DECL_BYTES.sub(b"", html, count=1)
        encoding = "utf-8"
    else:
        html = _XML_DECL.sub("", html, count=1)
        encoding = None
    if not html.strip():
        return None
    parser = etree.HTMLParser(remove_comments=True, remove_pis=True, recover=True, encoding=encoding, huge_tree=True)
    try:
        root = etree.fromstring(html, parser)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError):
        root = None
    for error in parser.error_log:
        if error.type_name == "ERR_RESOURCE_LIMIT" and "depth" in error.message:
            raise ValueError(f"markup nested too deep to read whole ({error.message.split(',')[0]})")
    if root is None:
        try:
            from lxml.html import soupparser

            root = soupparser.fromstring(html)
        except Exception:  # noqa: BLE001 - any failure here means "no usable tree"
            return None
    return root


_NO_ATTRS = (None, None, None, None, ())
_EMPTY: frozenset = frozenset()
_MATCH_CACHE_MAX = 100_000
_ELEMENT_CACHE_MAX = 20_000  # keys hold whole attribute values: keep it smaller
_MAX_DEPTH = 400


def _hints_for(el, tag: str, index: "_HintIndex", cache: dict) -> tuple[tuple[str, str], ...]:
    """(hint, rule code) pairs an element carries by tag, role, class/id or visibility.

    Attribute matches are cached by attribute values (pages and sites repeat class names).
    """
    by_tag = index.by_tag.get(tag, ())
    get = el.get
    flags = ()
    for a in index.attributes:
        if get(a) is not None:
            flags += (a,)
    key = (get("class"), get("id"), get("role"), get("style"), flags)
    if key == _NO_ATTRS:
        return by_tag
    found = cache.get(key)
    if found is None:
        found = index.match(*key)
        cache[key] = found
    if by_tag:
        return tuple(dict.fromkeys(by_tag + found))
    return found


def _trie_pattern(words: Iterable[str]) -> str:
    """One regex for a set of literals, as a trie: ``ad(?:-(?:slot|wrapper)|vert)``.

    At each position the regex engine follows one branch per character instead of trying
    every literal, and a shorter literal is an optional tail's fallback, so the match at a
    position is the longest literal there, as with the alternatives sorted longest first.
    """
    trie: dict = {}
    for w in words:
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}  # a literal ends here

    def pattern(node: dict) -> str:
        branches = [re.escape(ch) + pattern(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    return pattern(trie)


@dataclass(frozen=True)
class _HintIndex:
    """The hint rules turned into lookup tables, so that matching an element is a few
    dictionary probes instead of a loop over every rule.  Substrings are found in one
    scan (non-overlapping, longest first): two substrings that overlap in one class name
    count once, which no vocabulary in the pack relies on."""

    by_tag: Mapping[str, tuple]
    by_role: Mapping[str, tuple]
    by_class: Mapping[str, tuple]
    by_token: Mapping[str, tuple]
    class_set: frozenset[str]
    token_set: frozenset[str]
    by_substring: Mapping[str, tuple]
    any_substring: re.Pattern  # every substring in one trie pattern (longest match first)
    attributes: tuple[str, ...]
    by_attribute: Mapping[str, tuple]
    styles: tuple           # (compact style fragment, pair)
    exceptions: Mapping[tuple, frozenset]  # pair -> class words that cancel it ("embed")

    @classmethod
    def build(cls, hint_rules: Iterable[_HintRule]) -> "_HintIndex":
        maps: dict[str, dict[str, list]] = {k: {} for k in ("tag", "role", "class", "token", "attr")}
        subs: dict[str, list] = {}
        styles = []
        for h in hint_rules:
            pair = (h.hint, h.code)
            for kind, values in (("tag", h.tags), ("role", h.roles), ("class", h.classes),
                                 ("token", h.tokens), ("attr", h.attributes)):
                for v in values:
                    maps[kind].setdefault(v, []).append(pair)
            for x in h.substrings:
                subs.setdefault(x, []).append(pair)
            styles += [(x, pair) for x in h.styles]
        frozen = {k: {v: tuple(lst) for v, lst in m.items()} for k, m in maps.items()}
        exceptions = {(h.hint, h.code): h.except_tokens for h in hint_rules if h.except_tokens}
        return cls(by_tag=frozen["tag"], by_role=frozen["role"], by_class=frozen["class"],
                   by_token=frozen["token"], class_set=frozenset(frozen["class"]),
                   token_set=frozenset(frozen["token"]),
                   by_substring={k: tuple(v) for k, v in subs.items()}, exceptions=exceptions,
                   any_substring=re.compile(_trie_pattern(subs) if subs else r"(?!x)x"),
                   attributes=tuple(frozen["attr"]),
                   by_attribute=frozen["attr"], styles=tuple(styles))

    def match(self, cls: str | None, eid: str | None, role: str | None, style: str | None,
              flags: tuple) -> tuple:
        found: list = []
        if role:
            found += self.by_role.get(role.lower(), ())
        attr = f"{cls or ''} {eid or ''}"
        low = attr.lower()
        if low.strip():
            # In the attribute's own word order, never a set's: the first dropping hint names
            # the rule, and set order changes with PYTHONHASHSEED from one process to the next.
            classes = low.split()
            if not self.class_set.isdisjoint(classes):
                for w in classes:
                    if w in self.class_set:
                        found += self.by_class[w]
            if low == attr:
                words = _NON_ALNUM.split(low)
            elif attr.isascii():
                # Camel case splits words ("relatedPosts"): runs of capitals then lower case.
                words = " ".join(_CAMEL_WORD.findall(attr)).lower().split()
            else:
                words = _NON_ALNUM.split(_CAMEL.sub(r"\1 \2", attr).lower())
            if not self.token_set.isdisjoint(words):
                for w in words:
                    if w in self.token_set:
                        found += self.by_token[w]
            for sub in self.any_substring.findall(low):
                found += self.by_substring[sub]
            if found and self.exceptions:
                found = [p for p in found if self.exceptions.get(p, _EMPTY).isdisjoint(words)]
        for a in flags:
            found += self.by_attribute.get(a, ())
        if style:
            compact = style.replace(" ", "").lower()
            found += [pair for frag, pair in self.styles if frag in compact]
        return tuple(dict.fromkeys(found))


# A frame of the walk: the context an open element gives its text.  A plain tuple (made
# a few hundred times a page, so it must be cheap to build), read through these indices.
# ``piece`` is the element's part of a block's path ("div.first-class"), "" for the root;
# ``muted``: inside a hover card nested in another, its text is not the page's.
_ROLE_I, _HINTS_I, _OWNERS_I, _ANCESTORS_I, _PIECE_I, _IN_LINK_I, _LEVEL_I, _MUTED_I = range(8)
_ROOT_FRAME = ("p", frozenset(), (), (), "", False, 0, False)


def _short_path(stack: list) -> str:
    """The last three elements of the block's DOM path, each with its first class."""
    return ">".join([f[_PIECE_I] for f in stack[-3:] if f[_PIECE_I]])


def _walk(root, rules: HtmlRules) -> tuple[list[HtmlBlock], int, int]:
    """Strip non-content elements, then walk the body once (iteratively, no recursion),
    collecting the own text of each block-level element.

    Text is buffered until the next block boundary (start or end of a block element, or
    two ``<br>`` in a row) and then emitted with the context of the innermost open element.
    Inline elements with nothing to say share their parent's frame.  The walk is one loop
    with its state in local variables: it runs for every element of every page.
    """
    skip = [t for t in rules.skip_tags if t != "head"]
    removed = 0
    for el in root.iter(*skip):
        if (el.text or "").strip() or len(el):
            removed += 1
    etree.strip_elements(root, *skip, with_tail=False)
    body = root.find("body")
    if body is None:
        body = root
    index = rules.index
    cache = rules.match_cache
    if len(cache) > _MATCH_CACHE_MAX:
        cache.clear()
    elements = rules.element_cache
    if len(elements) > _ELEMENT_CACHE_MAX:
        elements.clear()
    block_tags, void_tags, roles, sticky = _BLOCK_TAGS, _VOID_TAGS, _ROLE, _STICKY_ROLES
    new_block = partial(tuple.__new__, HtmlBlock)  # a NamedTuple without its Python __new__

    blocks: list[HtmlBlock] = []
    parts: list[str] = []
    stack: list[tuple] = [_ROOT_FRAME]  # a root frame, so every element has a parent frame
    link_chars = br_run = breaks = next_id = hover_cards = 0

    def flush(link_chars: int, breaks: int) -> None:
        text = " ".join("".join(parts).split())
        if text:
            top = stack[-1]
            blocks.append(new_block((text, top[_ROLE_I], top[_HINTS_I], min(link_chars, len(text)),
                                     _short_path(stack), top[_OWNERS_I], top[_ANCESTORS_I],
                                     top[_LEVEL_I], breaks)))
        parts.clear()

    for event, el in etree.iterwalk(body, events=("start", "end")):
        tag = el.tag  # libxml2's HTML parser lower-cases tag names
        if tag.__class__ is not str:
            continue
        if event == "end":
            if tag != "br" and tag not in void_tags:
                if parts and tag in block_tags:
                    flush(link_chars, breaks)
                    link_chars = breaks = 0
                stack.pop()
            text = el.tail
        else:
            parent = stack[-1]
            if tag == "a" and not len(el):
                # A plain link (the commonest element): its text counts as link text and it
                # needs no frame of its own; its class names style one link.
                stack.append(parent)
                text = el.text
                if not text or parent[_MUTED_I]:
                    continue
                if not text.isspace():
                    parts.append(text)
                    link_chars += len(text.strip())
                    br_run = 0
                    continue
            elif tag == "br":
                br_run += 1
                if br_run >= 2:
                    if parts:
                        flush(link_chars, breaks)
                        link_chars = breaks = 0
                elif parts:
                    parts.append(" ")
                    breaks += 1
                continue
            elif tag in void_tags:
                continue
            else:
                is_block = tag in block_tags
                if is_block and parts:
                    flush(link_chars, breaks)
                    link_chars = breaks = 0
                if len(stack) > _MAX_DEPTH:
                    # Absurd nesting (the bs4 fallback has no depth limit): deeper elements
                    # share their ancestor's frame, so work stays linear in the page's size.
                    own = None
                elif tag == "a":
                    own = ()
                    piece = None
                else:
                    # Hints and path label depend on the tag and attributes only.
                    key = (tag, tuple(el.items()))
                    found = elements.get(key)
                    if found is None:
                        cls = el.get("class")
                        first = cls.split(None, 1) if cls else None
                        # Tuples of strings only: the garbage collector stops tracking them.
                        pairs = _hints_for(el, tag, index, cache)
                        found = elements[key] = (pairs, f"{tag}.{first[0]}" if first else tag,
                                                 tuple(h for h, _ in pairs))
                    own, piece, own_names = found
                if own is None or (not is_block and not own and (tag != "a" or parent[_IN_LINK_I])):
                    # Inline element with nothing to say: it shares its parent's context.
                    stack.append(parent)
                else:
                    eid = next_id
                    next_id += 1
                    p_role, hints, owners, ancestors, _, p_in_link, p_level, muted = parent
                    if own:
                        hints = hints.union(own_names)
                        owners = owners + tuple(zip(own_names, repeat(eid)))
                    role = roles.get(tag)
                    if role is None:
                        role = p_role if (not is_block or p_role in sticky) else "p"
                    if role == "h":
                        level = int(tag[1]) if len(tag) == 2 and tag[1].isdigit() else p_level
                    else:
                        level = 0
                    # A hover card (tooltip, person card) inside another: the outer one holds
                    # the visible word, the inner one the pop-up's own links; links stay.
                    if not muted and own and not is_block and tag != "a" and "hover" in parent[_HINTS_I]:
                        muted = "hover" in own_names
                        hover_cards += muted
                    if piece is None:
                        cls = el.get("class")
                        first = cls.split(None, 1) if cls else None
                        piece = f"{tag}.{first[0]}" if first else tag
                    stack.append((role, hints, owners, ancestors + (eid,), piece,
                                  tag == "a" or p_in_link, level, muted))
                text = el.text
        if text:
            # Buffer text; whitespace-only runs (indentation between tags) become one space.
            if text.isspace():
                if parts and parts[-1] != " ":
                    parts.append(" ")
            else:
                top = stack[-1]
                if not top[_MUTED_I]:
                    parts.append(text)
                    if top[_IN_LINK_I]:
                        link_chars += len(text.strip())
                    br_run = 0
    flush(link_chars, breaks)
    return blocks, removed, hover_cards


def _title_from(root, blocks: list[HtmlBlock], rules: HtmlRules) -> str:
    """The headline: the <h1> closest to <title>, else <title> without its site suffix.

    An <h1> is the headline when most of its words are in <title>, or when it holds most
    words of a <title> of at least ``min_title_words`` words (a longer on-page headline
    than the shortened one in <title>)."""
    title_el = root.find(".//title")
    raw = " ".join((title_el.text or "").split()) if title_el is not None else ""
    stripped = _strip_site_name(raw, rules.p("HT205", "separators"))
    h1s = [b.text for b in blocks if b.heading_level == 1 and len(b.text) > 3]
    if h1s:
        if not raw:
            return h1s[0]
        min_overlap = float(rules.p("HT205", "min_overlap"))
        best = max(h1s, key=lambda t: _overlap(t, raw))
        if _overlap(best, raw) >= min_overlap:
            return best
        if len(_WORD.findall(stripped)) >= int(rules.p("HT205", "min_title_words")):
            best = max(h1s, key=lambda t: _overlap(stripped, t))
            if _overlap(stripped, best) >= min_overlap:
                return best
    return stripped


def _overlap(a: str, b: str) -> float:
    """Share of ``a``'s words that occur in ``b``."""
    wa = _WORD.findall(a.lower())
    if not wa:
        return 0.0
    wb = set(_WORD.findall(b.lower()))
    return sum(w in wb for w in wa) / len(wa)


def _strip_site_name(title: str, separators: Iterable[str]) -> str:
    """Cut " | Site name" style parts: keep the longest part between separators."""
    parts = [title]
    for sep in separators:
        parts = [q for p in parts for q in p.split(sep)]
    parts = [p.strip() for p in parts if p.strip()]
    return max(parts, key=len) if parts else ""


def _page_lang(root) -> str:
    """The primary subtag of ``<html lang>`` ("pt-BR" -> "pt"), or ""."""
    lang = (root.get("lang") or root.get("xml:lang") or "").strip().lower()
    return lang.split("-")[0].split("_")[0][:3] if lang else ""


def parse_html(html: str | bytes, rules: HtmlRules | None = None) -> HtmlPage:
    """Markup of a page (``str``, or UTF-8 ``bytes`` from :func:`markup_of`) to blocks;
    block 0 is the headline (tag ``title``) when there is one."""
    rules = rules or default_rules()
    root = _build_tree(html)
    if root is None:
        return HtmlPage(text="", blocks=[], title="")
    blocks, removed, hover_cards = _walk(root, rules)
    title = _title_from(root, blocks, rules)
    if title:
        blocks.insert(0, HtmlBlock(text=title, tag="title", path="title"))
    return HtmlPage(
        text="\n\n".join(b.text for b in blocks), blocks=blocks, title=title,
        lang=_page_lang(root), removed_elements=removed, hover_cards=hover_cards,
    )


# --------------------------------------------------------------------------- language


@lru_cache(maxsize=1)
def _default_detector():
    """The seeded langdetect wrapper of :mod:`cleaner.stages.lang`, for callers that bring none."""
    return LanguageDetector(fast_langs=())


def detect_language(page: HtmlPage, rules: HtmlRules, sample_chars: int = 1500, detector=None) -> str:
    """``<html lang>`` if its stoplist covers the longest blocks (templates often declare
    a wrong language); else the stoplist that covers them best; else ``<html lang>``;
    langdetect on a bounded sample only when nothing else is known."""
    longest = sorted((b.text for b in page.blocks if b.tag != "title"), key=len, reverse=True)
    sample, n = [], 0
    for t in longest:
        sample.append(t)
        n += len(t)
        if n >= sample_chars:
            break
    words = _WORD.findall(" ".join(sample).lower())
    if words and rules.stopwords:
        def share(lang: str) -> float:
            return sum(map(rules.stopwords[lang].__contains__, words)) / len(words)

        if page.lang in rules.stopwords and share(page.lang) >= 0.15:  # declared, and the text agrees
            return page.lang
        shares = {lang: share(lang) for lang in rules.stopwords}
        best = max(shares, key=shares.get)
        if shares[best] >= 0.15:
            return best
    if page.lang:
        return page.lang
    text = " ".join(sample)[:sample_chars]
    if not text.strip():
        return ""
    lang = (detector or _default_detector()).detect(text)
    return "" if lang == "und" else lang


# --------------------------------------------------------------------------- scoring


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
    if length < length_low and not ends:
        # A short block that does not end like a sentence is labelled by length alone:
        # all it needs to know is whether it has a word at all.
        words = 1 if _INITIAL.search(text) else cjk // 2
        return _new_features((length, words, b.link_chars / max(1, n), -1.0, 0.0, False))
    # Initials of the words in the original case: lower-case share without a Python loop.
    # One scan: the initials are the words' first characters, and lower-casing each word
    # equals lower-casing the text (see :func:`cleaner.score.lowers_by_word`).
    words = _WORD.findall(text)
    initials = list(map(itemgetter(0), words))
    nwords = len(initials)
    sentence = ends and (nwords >= min_words or cjk >= 2 * min_words) and b.tag != "h"
    if length < length_low:
        return _new_features((length, nwords or (cjk // 2), b.link_chars / max(1, n), -1.0, 0.0, sentence))
    stop = -1.0
    if stopwords is not None and nwords:
        lowered = map(str.lower, words) if lowers_by_word(text) else _WORD.findall(text.lower())
        stop = sum(map(stopwords.__contains__, lowered)) / nwords
    proxy = 0.0
    if nwords:
        if cjk:
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


def _hint_drop(b: HtmlBlock, rules: HtmlRules, shares: dict[int, float], max_share: float,
               headline_owners: frozenset[int]):
    """The first dropping hint of the block whose element is not the article itself.

    A hinted element that also encloses the in-body headline, or holds more than
    ``max_share`` of the page's prose, is a page wrapper whose class names mislead.
    """
    for hint, eid in b.hint_owners:
        rule = rules.by_hint.get(hint)
        if rule is None or not rule.drop or eid in headline_owners:
            continue
        share = shares.get(eid, 0.0)
        if share > (rule.guard_share if rule.guard_share is not None else max_share):
            continue
        return rule, f"inside '{hint}' element ({share:.0%} of prose)"
    return None


def select_main(page: HtmlPage, rules: HtmlRules | None = None, lang: str | None = None) -> list[Decision]:
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
    6. if almost nothing is left, choose the region again without DOM hints (HT213).

    ``lang`` overrides language detection (a code with a stoplist, or any other code for
    the language-free sentence-likeness measure).
    """
    rules = rules or default_rules()
    blocks = page.blocks
    n = len(blocks)
    if not n:
        return []
    lang = lang if lang is not None else detect_language(page, rules)
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
    return final


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
    """Drop blocks under hinted elements (HT1xx), except page wrappers that hold the article."""
    blocks = page.blocks
    shares = _hint_shares(page, feats, labels)
    max_share = float(rules.p("HT203", "hint_max_share"))
    headline_owners = frozenset(eid for i, b in enumerate(blocks)
                                if decisions[i] is not None and decisions[i].code == "HT205" and i
                                for _, eid in b.hint_owners)
    # Blocks under one element share its hint_owners tuple; the verdict depends on it alone.
    memo: dict = {}
    for i, b in enumerate(blocks):
        if decisions[i] is None and b.hint_owners:
            owners = b.hint_owners
            hit = memo.get(owners, memo)
            if hit is memo:
                hit = memo[owners] = _hint_drop(b, rules, shares, max_share, headline_owners)
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


_BYLINE_TEXT = re.compile(r"^\s*(?:by|von|par|por|door|di|oleh|av|af)\s+\S", re.IGNORECASE)


def _decide_dek(page: HtmlPage, rules: HtmlRules, decisions: list) -> None:
    """A kept block between the in-body headline and the byline, in the headline's own
    container, is a standfirst (HT118), whatever its class names say.

    The byline is a block under a ``byline`` hint or a short "By ..." line, at most
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
        if "byline" in b.hints or (len(b.text) <= 80 and _BYLINE_TEXT.match(b.text)):
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
    (a recipe's "Ingredients", a table's "0").
    """
    max_chars = int(rules.p("HT206", "max_chars"))
    min_ld = float(rules.p("HT206", "min_link_density"))
    counts: dict[str, int] = {}
    for b in page.blocks:
        if len(b.text) <= max_chars and b.tag != "title":
            counts[b.text] = counts.get(b.text, 0) + 1
    name = rules.name("HT206")
    for i, b in enumerate(page.blocks):
        if (decisions[i] is None and b.link_chars >= min_ld * len(b.text) and counts.get(b.text, 0) > 1
                and b.tag != "title"):
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


# --------------------------------------------------------------------------- helpers


def extract_text(data: bytes | str, rules: HtmlRules | None = None) -> str:
    """decode → parse → select: the kept blocks joined by blank lines."""
    html = markup_of(data) if isinstance(data, bytes) else data
    page = parse_html(html, rules)
    decisions = select_main(page, rules)
    return "\n\n".join(b.text for b, d in zip(page.blocks, decisions) if d.keep)


def fired_codes(html: str, rules: HtmlRules | None = None) -> set[str]:
    """Rule codes that made a decision on a document (what rule examples are tested by)."""
    rules = rules or default_rules()
    page = parse_html(html, rules)
    codes = {d.code for d in select_main(page, rules)}
    if page.removed_elements:
        codes.add("HT100")
    if page.hover_cards:
        codes.add("HT119")
    return codes


def to_model_blocks(page: HtmlPage, decisions: list[Decision]) -> list[Block]:
    """The page as core :class:`cleaner.model.Block` objects with offsets into ``page.text``."""
    out = []
    for b, (start, end), d in zip(page.blocks, page.block_offsets(), decisions):
        out.append(Block(
            start=start, end=end, text=b.text, tag=b.tag, hints=b.hints, link_chars=b.link_chars,
            label=d.label, final=KEEP if d.keep else DROP, code=d.code, reason=d.reason,
            features={"path": b.path},
        ))
    return out



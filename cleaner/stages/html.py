"""HTML input: decode bytes and turn the DOM into blocks (the main-content selection over
them is :mod:`cleaner.content.dom`, the compiled hint rules :mod:`cleaner.rules.html`).

The stages, each a pure function:

* :func:`decode_html` -- bytes (maybe gzipped) to text, via bs4's encoding detection
  (:func:`markup_of` keeps plain UTF-8 as bytes, which lxml parses without a copy).
* :func:`parse_html` -- lxml tree to an :class:`HtmlPage`: one :class:`HtmlBlock` per
  block-level element's own text, with DOM hints taken from its ancestors.  Block ``i`` is
  paragraph ``i`` of ``page.text`` (blocks are separated by one blank line and hold no blank
  line; ``<br>`` lines and preformatted lines stay lines of their block), so the text
  core can address blocks by line.
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
from functools import lru_cache, partial
from itertools import repeat
from typing import Iterable

from lxml import etree

from cleaner.content import dom, pagetype
from cleaner.model import DROP, KEEP, Block, Decision, HtmlBlock, HtmlPage
from cleaner.rules import builtin_rules_dir, load_pack
from cleaner.rules.html import HtmlRules, _HintIndex, default_rules
from cleaner.stages.decode import GZIP_MAGIC, declared_codec, detect, gunzip, sniff_utf16
from cleaner.stages.lang import LanguageDetector, without_escapes

__all__ = ["decode_html", "markup_of", "parse_html", "select_main", "extract_text", "fired_codes",
           "detect_language", "to_model_blocks", "block_lines", "parse_time_hits"]

_WORD = re.compile(r"\w+")
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*>", re.I)
_XML_DECL_BYTES = re.compile(_XML_DECL.pattern.encode(), re.I)

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
# Elements that hold no text of their own: only their tail matters.
_VOID_TAGS = frozenset("img meta link source wbr col area param track picture base".split())


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
    utf16 = sniff_utf16(data)  # no BOM to tell bs4, and its ASCII reads as UTF-8 with NULs
    if utf16:
        return data.decode(utf16, errors="replace"), None
    from bs4.dammit import EncodingDetector  # imported lazily (slow import)

    # Most pages are UTF-8, declared or not: when bs4 finds no BOM and no other declared
    # charset and the bytes are valid UTF-8, that is the answer, before any statistical
    # guess (which costs more than parsing, and depends on which detector is installed).
    # A label the web does not know (an EBCDIC code page, ``unicode_escape``) declares nothing.
    if EncodingDetector.strip_byte_order_mark(data)[1] is None:
        declared = EncodingDetector.find_declared_encoding(data, is_html=True)
        if declared_codec(declared, data) in (None, "utf-8"):
            try:
                return data.decode("utf-8"), data
            except UnicodeDecodeError:
                pass
    found = detect(data, is_html=True)
    if found is None:
        return data.decode("utf-8", errors="replace"), None
    return found[0], None


# --------------------------------------------------------------------------- parsing


# A start tag this long (no real page has one) is read here first: libxml2 checks each
# attribute against every earlier one of its element, quadratic in them.
_LONG_TAG_CHARS = 1 << 15
_LONG_TAG = re.compile("<[A-Za-z][^<>]{%d}" % _LONG_TAG_CHARS)
_LONG_TAG_BYTES = re.compile(_LONG_TAG.pattern.encode())
_TAG_NAME = re.compile(r"<[A-Za-z][^\s/>]*")
_SPACE = re.compile(r"\s*")
_ATTRIBUTE = re.compile(r"""\s*([^\s"'<>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|[^\s"'=<>`]+))?|\s*/""")


def _shorten_long_tags(html: str | bytes) -> str | bytes:
    """``html`` with each start tag of more than :data:`_MAX_ATTRIBUTES` attributes cut to
    its first ones and those hints are read from (an element of tens of thousands took
    lxml half a minute).  A tag whose end is unclear (a quote that never closes) stays."""
    gt = b">" if isinstance(html, bytes) else ">"
    # A cheap test first (no stretch that long without a ">"), as it is run on every page.
    if len(html) <= _LONG_TAG_CHARS or max(map(len, html.split(gt))) <= _LONG_TAG_CHARS:
        return html
    if (_LONG_TAG_BYTES if isinstance(html, bytes) else _LONG_TAG).search(html) is None:
        return html
    text = html.decode("utf-8", "surrogateescape") if isinstance(html, bytes) else html
    keep = frozenset(_HINT_ATTRIBUTES + default_rules().index.attributes + ("lang", "href", "rel", "content"))
    out, last = [], 0
    for found in _LONG_TAG.finditer(text):
        start = found.start()
        if start < last:
            continue
        tag = _shortened_tag(text, start, keep)
        if tag is not None:
            short, end = tag
            out += [text[last:start], short]
            last = end
    out.append(text[last:])
    text = "".join(out)
    return text.encode("utf-8", "surrogateescape") if isinstance(html, bytes) else text


def _shortened_tag(text: str, start: int, keep_always: frozenset) -> tuple[str, int] | None:
    """(the start tag at ``start`` with its attributes cut, where it ends), or None."""
    name = _TAG_NAME.match(text, start)
    pos, kept, count = name.end(), [], 0
    while True:
        attr = _ATTRIBUTE.match(text, pos)
        if attr is None or attr.end() == pos:
            break
        if attr.group(1) is not None:
            count += 1
            if count <= _MAX_ATTRIBUTES or attr.group(1).lower() in keep_always:
                kept.append(attr.group())
        pos = attr.end()
    rest = _SPACE.match(text, pos).end()  # whitespace before ">"
    if not text.startswith(">", rest) or count <= _MAX_ATTRIBUTES:
        return None
    return name.group() + "".join(kept) + ">", rest + 1


# ``</body>`` and ``</html>`` end nothing: an HTML5 parser reads what follows them into the
# body, as browsers show it.  libxml2 does not, and a template that closes the page early
# (a header include ending in ``</body></html>``) cost the article after it, with no hit.
# The parser closes both at the end of the input anyway.
_END_TAG = re.compile(r"</(?:body|html)[ \t\r\n]*>", re.IGNORECASE)
_END_TAG_BYTES = re.compile(_END_TAG.pattern.encode(), re.IGNORECASE)


def _build_tree(html: str | bytes):
    """lxml's HTML parser; bs4 only if lxml rejects the markup.  ``bytes`` are UTF-8.

    libxml2 parses nesting up to 2048 levels (``huge_tree``; its default of 256 drops every
    word after a deep spot, which real pages of nested wrappers reach).  Deeper markup
    would be truncated just as silently, so it raises ``ValueError`` instead: a batch
    reports the file as failed rather than writing half a page.
    """
    html = _shorten_long_tags(html)
    if isinstance(html, bytes):
        html = _XML_DECL_BYTES.sub(b"", html, count=1)
        html = _END_TAG_BYTES.sub(b"", html)
        encoding = "utf-8"
    else:
        html = _XML_DECL.sub("", html, count=1)
        html = _END_TAG.sub("", html)
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
# More attributes than this on one element (no real page has them) are not all read: lxml's
# items() is quadratic in them, and the element cache would keep them.  Hints are read by name.
_MAX_ATTRIBUTES = 64
_HINT_ATTRIBUTES = ("class", "id", "role", "style")
_MATCH_CACHE_MAX = 100_000
_ELEMENT_CACHE_MAX = 20_000  # keys hold whole attribute values: keep it smaller
_MAX_DEPTH = 400
# A run of this many tiny sibling blocks (a page of ``<p>ab</p>`` repeated: no real page
# has one) is folded: later tiny siblings join the run's last block, up to _FOLD_CHARS
# characters each, so memory and work stay bounded by the page's size, not its tag count.
_TINY_CHARS, _TINY_RUN, _FOLD_CHARS = 16, 1000, 4000


def _hint_attributes(el, index: "_HintIndex") -> tuple[tuple[str, str], ...]:
    """The (name, value) pairs of ``el`` that hints and the path label are made of."""
    get = el.get
    return tuple((a, v) for a in _HINT_ATTRIBUTES + index.attributes if (v := get(a)) is not None)


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


# A frame of the walk: the context an open element gives its text.  A plain tuple (made
# a few hundred times a page, so it must be cheap to build), read through these indices.
# ``piece`` is the element's part of a block's path ("div.first-class"), "" for the root;
# ``muted``: inside a hover card nested in another, its text is not the page's.
# ``outer`` is the role of the nearest list item, quotation, cell or preformatted element
# (a <p> inside a <blockquote> is a paragraph to the content core, quoted to Markdown);
# ``row`` the id of the enclosing table row.
_ROLE_I, _HINTS_I, _OWNERS_I, _ANCESTORS_I, _PIECE_I, _IN_LINK_I, _LEVEL_I, _MUTED_I, _OUTER_I, _ROW_I = range(10)
_ROOT_FRAME = ("p", frozenset(), (), (), "", False, 0, False, "", -1)
_OUTER_TAGS = frozenset(("li", "dd", "dt", "blockquote", "td", "th", "pre"))


# A ``<br>`` in the buffer of a block: a character libxml2 never puts in text (it is not
# allowed in XML), so it cannot be confused with the page's own.
_LINE_BREAK = "\x0b"
# Roles whose lines are one unit to every output (a heading, a list item, a table cell, a
# caption): a ``<br>`` inside them is a space.
_ONE_LINE_ROLES = frozenset(("h", "li", "td", "caption", "title"))


def _lines_of(raw: str, frame: tuple) -> tuple[str, tuple[int, ...]]:
    """The text of a block whose line breaks carry meaning (``<br>`` lines, preformatted
    text), and the indentation of each of its lines.

    Blank lines are left out (a block is one paragraph: a blank line would split it).
    ``<br>`` lines have their spaces collapsed; preformatted lines keep theirs as written,
    and their indentation (tabs as four columns, less the block's common indentation) is
    returned for the output formats (the text itself holds no leading space: line ends and
    starts are layout). A role that is one unit (a heading, a cell) is one line."""
    if frame[_ROLE_I] in _ONE_LINE_ROLES or frame[_OUTER_I] in ("li", "td"):
        return " ".join(raw.split()), ()
    if frame[_OUTER_I] != "pre":
        return "\n".join(filter(None, (" ".join(line.split()) for line in raw.split(_LINE_BREAK)))), ()
    lines = [line.expandtabs(4) for line in raw.replace(_LINE_BREAK, "\n").split("\n") if not line.isspace() and line]
    indents = [len(line) - len(line.lstrip()) for line in lines]
    base = min(indents, default=0)
    indents = tuple(n - base for n in indents)
    return "\n".join(line.strip() for line in lines), indents if any(indents) else ()


def _short_path(stack: list) -> str:
    """The last three elements of the block's DOM path, each with its first class."""
    return ">".join([f[_PIECE_I] for f in stack[-3:] if f[_PIECE_I]])


def _fold_tiny(blocks: list, tiny: list, text: str, top: tuple, path: str, links: int) -> bool:
    """Count a tiny block into the run of its siblings (same parent, same context); past
    _TINY_RUN of them, join it to the run's last block (True: it needs no block of its own)."""
    context = (top[_ANCESTORS_I][:-1], top[_ROLE_I], top[_HINTS_I], top[_OWNERS_I], top[_LEVEL_I],
               top[_OUTER_I], top[_ROW_I], path)
    if context != tiny[1]:
        tiny[0], tiny[1] = 1, context
        return False
    tiny[0] += 1
    if tiny[0] <= _TINY_RUN or not blocks:
        return False
    last = blocks[-1]
    if len(last.text) + len(text) >= _FOLD_CHARS:
        return False
    blocks[-1] = last._replace(text=f"{last.text} {text}", link_chars=last.link_chars + links)
    return True


def _walk(root, rules: HtmlRules, read: frozenset[str] = frozenset()) -> tuple[list[HtmlBlock], tuple, tuple]:
    """Strip non-content elements, then walk the body once (iteratively, no recursion),
    collecting the own text of each block-level element.

    Text is buffered until the next block boundary (start or end of a block element, or
    two ``<br>`` in a row) and then emitted with the context of the innermost open element.
    Inline elements with nothing to say share their parent's frame.  The walk is one loop
    with its state in local variables: it runs for every element of every page.

    Skipped tags in ``read`` are read as content instead.  Returns the blocks, what was
    skipped (``(tag, elements, characters of text)``, for HT100's hit) and the text of each
    nested hover card left out (``(block index, text)``, for HT119's hits).
    """
    skip = [t for t in rules.skip_tags if t != "head" and t not in read]
    removed = _skipped(root, skip)
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
    link_chars = br_run = breaks = next_id = 0
    muted_parts: list[str] = []  # text of nested hover cards since the last block
    hover_cards: list[tuple[int, str]] = []

    tiny = [0, None]  # the length of the current run of tiny sibling blocks, and their context

    def flush(link_chars: int, breaks: int) -> None:
        raw = "".join(parts)
        parts.clear()
        top = stack[-1]
        indents = ()
        if _LINE_BREAK in raw or (top[_OUTER_I] == "pre" and "\n" in raw):
            text, indents = _lines_of(raw, top)
        else:
            text = " ".join(raw.split())
        if muted_parts:
            # The card's text belongs to the block it sits in (the one about to be made).
            hover_cards.append((len(blocks) - (not text), " ".join(" ".join(muted_parts).split())))
            muted_parts.clear()
        if not text:
            return
        path = _short_path(stack)
        if len(text) <= _TINY_CHARS:
            if _fold_tiny(blocks, tiny, text, top, path, min(link_chars, len(text))):
                return
        elif tiny[0]:
            tiny[0], tiny[1] = 0, None
        blocks.append(new_block((text, top[_ROLE_I], top[_HINTS_I], min(link_chars, len(text)),
                                 path, top[_OWNERS_I], top[_ANCESTORS_I],
                                 top[_LEVEL_I], breaks, top[_OUTER_I], top[_ROW_I], indents)))

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
                if not text:
                    continue
                if parent[_MUTED_I]:
                    muted_parts.append(text)
                    continue
                if not text.isspace():
                    parts.append(text)
                    # A heading's link to itself (a documentation page's section anchor)
                    # leads nowhere: its text is the heading's, not a link away.
                    if parent[_ROLE_I] != "h" or not (el.get("href") or "").startswith("#"):
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
                    parts.append(_LINE_BREAK)
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
                    # Hints and path label depend on the tag and attributes only; an
                    # element of very many is keyed by those hints are read from.
                    attrib = el.attrib
                    key = (tag, tuple(attrib.items()) if len(attrib) <= _MAX_ATTRIBUTES
                           else _hint_attributes(el, index))
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
                    p_role, hints, owners, ancestors, _, p_in_link, p_level, muted, outer, row = parent
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
                    if piece is None:
                        cls = el.get("class")
                        first = cls.split(None, 1) if cls else None
                        piece = f"{tag}.{first[0]}" if first else tag
                    stack.append((role, hints, owners, ancestors + (eid,), piece,
                                  tag == "a" or p_in_link, level, muted,
                                  roles[tag] if tag in _OUTER_TAGS else outer, eid if tag == "tr" else row))
                text = el.text
        if text:
            # Buffer text; whitespace-only runs (indentation between tags) become one space.
            if text.isspace():
                if "\n" in text and stack[-1][_OUTER_I] == "pre":
                    parts.append("\n")  # a line break of preformatted text (between two spans)
                elif parts and parts[-1] != " ":
                    parts.append(" ")
            else:
                top = stack[-1]
                if not top[_MUTED_I]:
                    parts.append(text)
                    if top[_IN_LINK_I]:
                        link_chars += len(text.strip())
                    br_run = 0
                else:
                    muted_parts.append(text)
    flush(link_chars, breaks)
    return blocks, removed, tuple(hover_cards)


def _skipped(root, tags: list[str]) -> tuple[tuple[str, int, int], ...]:
    """``(tag, elements, characters of text)`` of the skipped elements that hold anything,
    outermost ones only (their content goes with them), in the order of ``tags``."""
    found: dict[str, list[int]] = {}
    for el in root.iter(*tags):
        if (el.text or "").strip() or len(el):
            if any(a.tag in tags for a in el.iterancestors()):
                continue
            count = found.setdefault(el.tag, [0, 0])
            count[0] += 1
            if el.tag not in _CODE_TAGS:  # a script's or a style's text is code, not words
                count[1] += len(" ".join("".join(el.itertext()).split()))
    return tuple((t, *found[t]) for t in tags if t in found)


# Skipped elements whose text is code or data, not words a reader was shown.
_CODE_TAGS = frozenset(("script", "style", "template", "svg", "math"))


def _noscript_chars(root) -> int:
    """Characters of text the page's ``<noscript>`` elements hold."""
    return sum(len(" ".join("".join(el.itertext()).split())) for el in root.iter("noscript"))


def _title_from(root, blocks: list[HtmlBlock], rules: HtmlRules) -> str:
    """The headline: the <h1> closest to <title>, else <title> without its site suffix.

    An <h1> is the headline when most of its words are in <title>, or when it holds most
    words of a <title> of at least ``min_title_words`` words (a longer on-page headline
    than the shortened one in <title>)."""
    title_el = root.find(".//title")
    raw = " ".join((title_el.text or "").split()) if title_el is not None else ""
    stripped = _strip_site_name(raw, rules.p("HT205", "separators"), _site_names(root))
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


def _strip_site_name(title: str, separators: Iterable[str], sites: frozenset[str] = frozenset()) -> str:
    """Cut " | Site name" style parts: the parts that are the site's declared name
    (``sites``, lower-cased) go, then the longest part between separators stays."""
    parts = [title]
    for sep in separators:
        parts = [q for p in parts for q in p.split(sep)]
    parts = [p.strip() for p in parts if p.strip()]
    own = [p for p in parts if p.lower() not in sites]
    parts = own or parts
    return max(parts, key=len) if parts else ""


_SITE_NAME_KEYS = frozenset(("og:site_name", "application-name", "apple-mobile-web-app-title"))


def _site_names(root) -> frozenset[str]:
    """The names the page gives its site (``og:site_name``, ``application-name``), lower-cased."""
    head = root.find("head")
    if head is None:
        return frozenset()
    return frozenset(" ".join((m.get("content") or "").split()).lower() for m in head.iter("meta")
                     if (m.get("property") or m.get("name") or "").lower() in _SITE_NAME_KEYS
                     and (m.get("content") or "").strip())


def _page_lang(root) -> str:
    """The primary subtag of ``<html lang>`` ("pt-BR" -> "pt"), or ""."""
    lang = (root.get("lang") or root.get("xml:lang") or "").strip().lower()
    return lang.split("-")[0].split("_")[0][:3] if lang else ""


_SURROGATE = re.compile("[\ud800-\udfff]")
# Noncharacters (Unicode keeps them out of interchange): stand-ins for lone surrogates.
_STAND_INS = [chr(c) for c in range(0xFDD0, 0xFDF0)] + [chr(p << 16 | 0xFFFE) for p in range(1, 17)]


def _shelter_surrogates(html: str | bytes) -> tuple[str | bytes, dict[int, str] | None]:
    """``html`` with each lone surrogate swapped for a noncharacter it does not hold, and
    the table that swaps them back; libxml2 has no UTF-8 for a surrogate and stops reading
    at the first, silently.  Back in the block texts, the repair stage replaces them (with
    a hit) as on the text path.  Past the stand-ins there are, a surrogate is U+FFFD here."""
    if isinstance(html, bytes) or html.isascii() or not _SURROGATE.search(html):
        return html, None
    free = iter([c for c in _STAND_INS if c not in html])
    swap: dict[str, str] = {}
    for surrogate in dict.fromkeys(_SURROGATE.findall(html)):
        swap[surrogate] = next(free, "\ufffd")
    html = _SURROGATE.sub(lambda m: swap[m.group()], html)
    return html, {ord(stand_in): s for s, stand_in in swap.items() if stand_in != "\ufffd"}


def parse_html(html: str | bytes, rules: HtmlRules | None = None) -> HtmlPage:
    """Markup of a page (``str``, or UTF-8 ``bytes`` from :func:`markup_of`) to blocks;
    block 0 is the headline (tag ``title``) when there is one."""
    rules = rules or default_rules()
    html, sheltered = _shelter_surrogates(html)
    root = _build_tree(html)
    if root is None:
        return HtmlPage(text="", blocks=[], title="")
    declared = _declared_types(root)
    url = _page_url(root)
    held = _noscript_chars(root) if "noscript" in rules.skip_tags else 0
    blocks, removed, hover_cards = _walk(root, rules)
    noscript = 0
    if held >= int(rules.p("HT100", "noscript_min_chars")) and \
            sum(len(b.text) for b in blocks) < int(rules.p("HT100", "noscript_max_visible")):
        # A page served to readers without scripts (a forum thread): its <noscript> is the
        # page.  The first walk took the tree apart, so it is parsed again (rare).
        root = _build_tree(html)
        blocks, removed, hover_cards = _walk(root, rules, read=frozenset(("noscript",)))
        noscript = held
    title = _title_from(root, blocks, rules)
    if title:
        blocks.insert(0, HtmlBlock(text=title, tag="title", path="title"))
        hover_cards = tuple((i + 1, t) for i, t in hover_cards)
    if sheltered:
        blocks = [b._replace(text=b.text.translate(sheltered)) for b in blocks]
        title = title.translate(sheltered)
        hover_cards = tuple((i, t.translate(sheltered)) for i, t in hover_cards)
    return HtmlPage(
        text="\n\n".join(b.text for b in blocks), blocks=blocks, title=title,
        lang=_page_lang(root), removed_elements=sum(n for _, n, _ in removed), hover_cards=len(hover_cards),
        declared=declared, url=url, skipped=removed, hover_texts=hover_cards, noscript_read=noscript,
        source_size=len(html),
    )


def parse_time_hits(page: HtmlPage) -> list[tuple[str, int, int, str]]:
    """``(code, start, end, detail)`` of what the parse left out of ``page.text``: the
    skipped elements (HT100, one hit for the page, at its start) and each nested hover
    card's text (HT119, at the block it sat in), and a page read from its <noscript>."""
    out = []
    if page.skipped:
        parts = [f"{tag} ×{n}" + (f" ({chars:,} characters of text)" if chars else "") for tag, n, chars in page.skipped]
        out.append(("HT100", 0, 0, "left out before the page was read: " + ", ".join(parts)))
    if page.noscript_read:
        out.append(("HT100", 0, 0, f"the visible page was nearly empty: read its <noscript> "
                                   f"({page.noscript_read:,} characters of text)"))
    if page.hover_texts:
        offsets = page.block_offsets()
        for i, text in page.hover_texts:
            start, end = offsets[min(max(i, 0), len(offsets) - 1)] if offsets else (0, 0)
            out.append(("HT119", start, end, f"left out of this block: {text!r}"))
    return out


def _page_url(root) -> str:
    """The page's own address, as it declares it: ``<link rel=canonical>``, else ``og:url``
    (absolute http(s) addresses only; a relative or scripted one says nothing)."""
    head = root.find("head")
    if head is None:
        return ""
    for el in head.iter("link", "meta"):
        if el.tag == "link" and "canonical" in (el.get("rel") or "").lower().split():
            value = el.get("href")
        elif el.tag == "meta" and (el.get("property") or el.get("name") or "").lower() == "og:url":
            value = el.get("content")
        else:
            continue
        value = (value or "").strip()
        if value.lower().startswith(("http://", "https://")) and len(value) <= 2048 and not any(c.isspace() for c in value):
            return value
    return ""


_LD_TYPE = re.compile(r'"@type"\s*:\s*(\[[^\]]{0,2000}\]|"[^"]{1,200}")')
_LD_NAME = re.compile(r'"([^"]{1,200})"')
_LD_MAX = 200_000  # characters of JSON-LD read per page


def _declared_types(root) -> frozenset[str]:
    """What the page says it is: the schema.org ``@type`` values of its JSON-LD (read with
    a bounded pattern, so broken JSON costs nothing) and its ``og:type`` as "og:<type>"."""
    found: set[str] = set()
    budget = _LD_MAX
    for script in root.iter("script"):
        if budget <= 0:
            break
        if "ld+json" not in (script.get("type") or "").lower():
            continue
        text = (script.text or "")[:budget]
        budget -= len(text)
        for m in _LD_TYPE.finditer(text):
            found.update(t.rsplit("/", 1)[-1] for t in _LD_NAME.findall(m.group(1)))
    for meta in root.iter("meta"):
        if (meta.get("property") or meta.get("name") or "").lower() == "og:type":
            found.add("og:" + (meta.get("content") or "").strip().lower())
            break
    return frozenset(found)


# --------------------------------------------------------------------------- language


@lru_cache(maxsize=1)
def _default_detector():
    """The seeded langdetect wrapper of :mod:`cleaner.stages.lang`, for callers that bring none."""
    return LanguageDetector(fast_langs=())


def detect_language(page: HtmlPage, rules: HtmlRules, sample_chars: int = 1500, detector=None) -> str:
    """``<html lang>`` if its stoplist covers the longest blocks (templates often declare
    a wrong language); else what the text path's detector reads in them; else
    ``<html lang>``."""
    longest = sorted((t for b in page.blocks if b.tag != "title" and (t := without_escapes(b.text).strip())),
                     key=len, reverse=True)
    sample, n = [], 0
    for t in longest:
        sample.append(t)
        n += len(t)
        if n >= sample_chars:
            break
    if page.lang in rules.stopwords:
        words = _WORD.findall(" ".join(sample).lower())
        stops = rules.stopwords[page.lang]
        if words and sum(map(stops.__contains__, words)) / len(words) >= 0.15:  # declared, and the text agrees
            return page.lang
    # Otherwise the text path's detector reads the sample: a stopword vote with its floor,
    # then langdetect.  (A bare vote at a 15% share read an English paragraph as French:
    # the "s" of "Ukraine's" is a French stopword, s'.)
    text = "\n".join(sample)[:sample_chars]
    lang = (detector or _default_detector()).detect(text) if text.strip() else "und"
    if lang == "und":
        return page.lang or ""
    return lang


def select_main(page: HtmlPage, rules: HtmlRules | None = None, lang: str | None = None,
                page_type: str = "") -> list[Decision]:
    """Keep or drop each block of ``page`` (:func:`cleaner.content.dom.select_main`), the
    language detected from the page when ``lang`` is not given."""
    rules = rules or default_rules()
    return dom.select_main(page, rules, lang if lang is not None else detect_language(page, rules), page_type)


@lru_cache(maxsize=1)
def _builtin_page_type_params() -> dict:
    rule = next(r for r in load_pack(builtin_rules_dir() / "metadata.toml") if r.code == "PT001")
    return dict(rule.params)


def page_type_of(page: HtmlPage) -> str:
    """The page's type by the built-in PT001 parameters (for examples and tools; the
    pipeline uses its own rules' parameters)."""
    return pagetype.classify(pagetype.measure(**dom.page_units(page), declared=page.declared),
                             _builtin_page_type_params())[0]


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
    codes = {d.code for d in select_main(page, rules, page_type=page_type_of(page))}
    return codes | {code for code, *_ in parse_time_hits(page)}


def block_lines(blocks: list[HtmlBlock], kept: set[int]) -> list[int]:
    """The line of the page's text (after the DOM's drops) where each block starts: a
    kept block holds as many lines as its text, a dropped one an empty line."""
    out, line = [], 0
    for i, b in enumerate(blocks):
        out.append(line)
        line += (b.text.count("\n") + 1 if i in kept else 1) + 1
    return out


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



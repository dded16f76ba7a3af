"""Main-content detection: score blocks, revise by neighbours, keep the main body.

Passes over the blocks the keyword rules left undecided (after jusText):

1. a context-free label from the block's own features: length, stopword density,
   sentence-likeness (a language-free stand-in for stopwords: the unit ends in sentence
   punctuation and its words are mostly lower case), link density, boilerplate words,
   and lines repeated within the page (navigation) -> ``good``, ``neargood``, ``short``
   or ``bad``;
2. a context pass: ``short`` and ``neargood`` blocks take the class of their nearest
   decided neighbours, so a subheading between paragraphs stays and a "Photo: ..." line
   among menus goes; blocks a keyword rule dropped are skipped as neighbours;
3. the main-body window: the maximum-sum run of blocks (good counts plus, bad minus, every
   bad unit at least a fixed penalty), which drops prose-like strays far from the article
   (newsletter blurbs, bios, comment threads).  Good text in the page foot weighs less (a
   long legal footer must not win), and so does good text before the headline's repeat
   (title anchoring: the headline, line 1, usually repeats just before the article);
4. inside the window, a run of short units between two prose units is a list or a table
   of the article and stays;
5. the over-prune guard: when the window would leave almost nothing although prose exists,
   the wider selection (every block the context pass kept) is used instead.

Every decision names its rule code and the measured value against the threshold.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from operator import itemgetter
from typing import Mapping, Sequence

from cleaner import native
from cleaner.content.chars import CJK as _CJK, SENTENCE_END as _SENTENCE_END, SPACELESS as _SPACELESS
from cleaner.content.textkey import key as _key
from cleaner.content.window import max_sum_run
from cleaner.model import DROP, KEEP, Block
from cleaner.rules import builtin_rules_dir, load_pack

_WORD = re.compile(r"\w+")
_LETTER = re.compile(r"[^\W\d_]")
_SPACES = re.compile(r"\s+")
_LONG_TEXT = 100_000  # longer blocks are measured with iterators, never lists of words
_INITIAL = re.compile(r"\b([^\W\d_])")
_INNER_BREAK = re.compile(r"\w\w[.!?][\"'\u201d\u2019)]?\s+[\"'\u201c\u2018(]?[^\W\d_]")


@dataclass(frozen=True)
class ScoreParams:  # noqa: PLW1641 (frozen dataclass with a cached derived pattern)
    """Thresholds of the scorer.  No defaults: the values come from the BS101 rule of the
    packs, checked against :data:`cleaner.schema.SCORE` when the pack loads."""

    length_low: int
    length_high: int
    stopwords_low: float
    stopwords_high: float
    sentence_lower_share: float
    sentence_density: float
    max_link_density: float
    boilerplate_words: tuple[str, ...]
    boilerplate_max_chars: int
    foot_weight: float
    foot_share: float
    bad_weight_min: float
    ruled_weight_min: float
    pre_title_weight: float
    repeat_max_chars: int
    list_min_items: int
    guard_min_chars: int
    join_long_line: int
    section_end_codes: tuple[str, ...]
    section_end_weight: float
    section_end_after_chars: int
    window_off_types: tuple[str, ...]

    @cached_property
    def boilerplate_re(self) -> re.Pattern | None:
        """One pattern for the boilerplate words, as whole words, compiled once."""
        if not self.boilerplate_words:
            return None
        return re.compile(r"\b(?:" + "|".join(re.escape(w) for w in self.boilerplate_words) + r")\b", re.IGNORECASE)

    @cached_property
    def boilerplate_lower(self) -> tuple[str, ...] | None:
        """The words lower-cased, for a substring prefilter; None when a word is not ASCII
        (case-insensitive matching then has more equivalents than lower-casing shows)."""
        words = tuple(w.lower() for w in self.boilerplate_words)
        return words if all(w.isascii() for w in words) else None

    @classmethod
    def from_params(cls, params: Mapping) -> "ScoreParams":
        """From a BS101 rule's validated ``params`` (every field is required)."""
        known = {k: v for k, v in params.items() if k in cls.__dataclass_fields__}
        for key in ("boilerplate_words", "section_end_codes", "window_off_types"):
            if key in known:
                known[key] = tuple(known[key])
        return cls(**known)

    @classmethod
    def builtin(cls) -> "ScoreParams":
        """The values of the built-in scoring pack."""
        rule = next(r for r in load_pack(builtin_rules_dir() / "scoring.toml") if r.code == "BS101")
        return cls.from_params(rule.params)


def lowers_by_word(text: str) -> bool:
    """Are the words of ``text.lower()`` the lower-cased words of ``text``?  Yes, unless a
    character grows when lower-cased ("İ" gives "i" and a combining dot, which is no word
    character) or a capital sigma takes its word-final form from the next word.
    (``tests/test_score.py`` checks that no other character changes word-ness.)"""
    return text.isascii() or (len(text.lower()) == len(text) and "\u03a3" not in text)


def features(block: Block, stopwords: frozenset[str], p: ScoreParams) -> dict:
    """Length (CJK characters count as words), stopword density, lower-case share, sentence.

    >>> f = features(Block(0, 0, "The vote came late on Monday, after hours of debate."), frozenset({"the", "on", "of"}),
    ...              ScoreParams.builtin())
    >>> f["sentence"], round(f["stop"], 2)
    (True, 0.3)
    """
    # Layout is not content: runs of whitespace count as one space, so a block and the same
    # block in the cleaned output (lines re-spaced by assemble) measure the same.
    text = block.text
    if "\n" in text or "  " in text or "\t" in text:
        text = _SPACES.sub(" ", text)
    text = text.strip()
    if len(text) > _LONG_TEXT:
        return _features_streaming(block, text, stopwords, p)
    cjk = 0 if text.isascii() else len(_CJK.findall(text))
    # One scan: the initials (first letters of words that start with one) are among the
    # words' first characters, and the words lower-case one by one (mostly).
    words = _WORD.findall(text)
    initials = _LETTER.findall("".join(map(itemgetter(0), words)))
    if lowers_by_word(text):
        words = list(map(str.lower, words))
    else:
        words = _WORD.findall(text.lower())
    length = len(text) if cjk < len(text) / 4 else cjk * 3  # a CJK character carries a word
    stop = sum(map(stopwords.__contains__, words)) / len(words) if words else 0.0
    n_lower = sum(map(str.islower, initials))
    n_cased = n_lower + sum(map(str.isupper, initials))
    if n_cased:
        lower = n_lower / n_cased
    else:
        lower = 1.0 if initials else 0.0  # a script without case reads like lower-case prose
    ends = bool(_SENTENCE_END.search(text)) or bool(_INNER_BREAK.search(text)) or _long_spaceless(text, p)
    sentence = ends and (lower >= p.sentence_lower_share or cjk > 10)
    link = block.link_chars / len(text) if text else 0.0
    return {"length": length, "stop": stop, "lower": lower, "sentence": sentence, "link": link}


def block_features(blocks: Sequence[Block], stopwords: frozenset[str], p: ScoreParams,
                   memo: dict | None = None) -> list[dict | None]:
    """:func:`features` of every block no keyword rule dropped (None for those), taken
    from ``memo`` where measured and stored there.  The native core measures the rest
    of the page in one call; :func:`features` is its reference (and measures any text
    the core declines)."""
    out: list[dict | None] = [None] * len(blocks)
    todo = []
    for i, b in enumerate(blocks):
        if b.final != DROP:
            f = memo.get((b.text, b.link_chars)) if memo is not None else None
            if f is None:
                todo.append(i)
            else:
                out[i] = f
    fresh = [None] * len(todo)
    if todo and native.ACTIVE:
        fresh = native.CORE.features_many(native.stopword_set(stopwords), [blocks[i].text for i in todo],
                                          [blocks[i].link_chars for i in todo], p.length_low,
                                          p.sentence_lower_share)
    for i, f in zip(todo, fresh):
        b = blocks[i]
        if f is None:
            f = features(b, stopwords, p)
        if memo is not None:
            memo[(b.text, b.link_chars)] = f
        out[i] = f
    return out


def _long_spaceless(text: str, p: ScoreParams) -> bool:
    """Is the block a long run of a script without word spaces (Thai, Lao, Khmer,
    Myanmar)?  Such text marks no sentence end a line test could see, so its length
    in characters stands for it."""
    if text.isascii() or len(text) < p.length_low:
        return False
    return 2 * len(_SPACELESS.findall(text)) > len(text)


def _features_streaming(block: Block, text: str, stopwords: frozenset[str], p: ScoreParams) -> dict:
    """:func:`features` for a huge block (a page that is one 50 MB line): counted over match
    iterators, so no list of millions of words is ever held."""
    n_words = n_stop = 0
    for m in _WORD.finditer(text.lower()):
        n_words += 1
        n_stop += m.group() in stopwords
    cjk = sum(1 for _ in _CJK.finditer(text))
    length = len(text) if cjk < len(text) / 4 else cjk * 3
    n_cased = n_lower = 0
    for m in _INITIAL.finditer(text):
        c = m.group()
        n_lower += c.islower()
        n_cased += c.islower() or c.isupper()
    lower = n_lower / n_cased if n_cased else 1.0
    ends = (bool(_SENTENCE_END.search(text[-200:])) or bool(_INNER_BREAK.search(text))
            or _long_spaceless(text[:10_000], p))
    sentence = ends and (lower >= p.sentence_lower_share or cjk > 10)
    link = block.link_chars / len(text) if text else 0.0
    return {"length": length, "stop": n_stop / n_words if n_words else 0.0, "lower": lower,
            "sentence": sentence, "link": link}


def _has_boilerplate(text: str, p: "ScoreParams") -> str:
    """The first boilerplate word or phrase standing in ``text`` as whole words, or ""."""
    pattern = p.boilerplate_re
    if pattern is None:
        return ""
    words = p.boilerplate_lower
    if words is not None and text.isascii():
        # ASCII text matches an ASCII word case-insensitively only where its lower case holds it.
        low = text.lower()
        if not any(map(low.__contains__, words)):
            return ""
    m = pattern.search(text)
    return m.group(0).lower() if m else ""


def label(block: Block, f: dict, p: ScoreParams) -> tuple[str, str]:
    """Context-free class of a block and the reason.

    The language-free sentence-likeness counts as a stopword density of
    ``sentence_density``; the block's density is the higher of the two.
    """
    text = block.text
    if f["link"] > p.max_link_density:
        return "bad", f"link density {f['link']:.2f} > {p.max_link_density}"
    bp = _has_boilerplate(text, p) if f["length"] <= p.boilerplate_max_chars else ""
    if bp and not (f["sentence"] and f["length"] >= p.length_low):
        return "bad", f"boilerplate word {bp!r} in a short block"
    if bp:
        return "neargood", f"boilerplate word {bp!r} in a short sentence"
    density = max(f["stop"], p.sentence_density if f["sentence"] else 0.0)
    if f["length"] < p.length_low:
        return "short", f"{f['length']} chars < {p.length_low}"
    if f["sentence"]:
        return "good", f"reads as sentences ({f['lower']:.0%} lower-case words)"
    if density >= p.stopwords_high:
        if f["length"] >= p.length_high:
            return "good", f"stopword density {f['stop']:.2f}, {f['length']} chars"
        return "neargood", f"{f['length']} chars < {p.length_high}"
    if density >= p.stopwords_low:
        return "neargood", f"stopword density {density:.2f} >= {p.stopwords_low}"
    return "bad", f"stopword density {f['stop']:.2f} < {p.stopwords_low}, not a sentence"


RULED = "ruled"  # dropped by a keyword rule: boilerplate, but never a neighbour that counts


def _nearest(labels: Sequence[str], step: int) -> list[str]:
    """For each position, the nearest ``good`` or ``bad`` label in direction ``step``
    (``bad`` past the page edge), in one linear pass."""
    out = ["bad"] * len(labels)
    last = "bad"
    order = range(len(labels)) if step > 0 else range(len(labels) - 1, -1, -1)
    for i in order:
        out[i] = last
        if labels[i] in ("good", "bad"):
            last = labels[i]
    return out


def revise(labels: list[str]) -> list[str]:
    """jusText's context pass: short and near-good blocks follow their neighbours.

    Blocks dropped by keyword rules are skipped when looking for neighbours: a subheading
    after a "Read also:" line still sits between two paragraphs.

    >>> revise(["good", "short", "good", "short", "bad"])
    ['good', 'good', 'good', 'bad', 'bad']
    >>> revise(["good", "ruled", "short", "good"])
    ['good', 'ruled', 'good', 'good']
    """
    before, after = _nearest(labels, 1), _nearest(labels, -1)
    out = list(labels)
    for i, lab in enumerate(labels):
        if lab == "short":
            out[i] = "good" if before[i] == after[i] == "good" else "bad"
        elif lab == "neargood":
            out[i] = "good" if "good" in (before[i], after[i]) else "bad"
    return out


def repeated_lines(blocks: Sequence[Block], p: ScoreParams, skip: str = "") -> dict[int, int]:
    """Blocks whose short text stands more than once in the page: ``{index: count}``.

    Menus, section names and widget labels repeat ("Home", "Reply", "says:"); article
    prose does not.  Blocks without letters (table numbers) and the headline (``skip``) do
    not count; nor do blocks the dedupe stage already decided.
    """
    if p.repeat_max_chars <= 0:
        return {}
    keys: dict[int, str] = {}
    counts: dict[str, int] = {}
    for i, b in enumerate(blocks):
        if len(b.text) > p.repeat_max_chars or b.code.startswith("DU") or not _LETTER.search(b.text):
            continue
        k = _key(b.text)
        if not k or k == skip:
            continue
        keys[i] = k
        counts[k] = counts.get(k, 0) + 1
    return {i: counts[k] for i, k in keys.items() if counts[k] > 1}


def is_title_repeat(title: str, text: str) -> bool:
    """Does ``text`` repeat the headline (maybe without the site name after it)?

    >>> is_title_repeat("Storm hits the coast - Example News", "Storm hits the coast")
    True
    >>> is_title_repeat("Storm hits the coast", "Storm")
    False
    """
    t, k = _key(title), _key(text)
    if not t or not k:
        return False
    if t == k:
        return True
    return len(k) >= 15 and len(k) >= 0.5 * len(t) and (t.startswith(k) or t.endswith(k))


def title_repeats(blocks: Sequence[Block], title: int) -> list[int]:
    """Indexes of the blocks after the headline that repeat it."""
    if title < 0:
        return []
    text = blocks[title].text
    low = text.lower()
    longest, shortest = 2 * len(text) + 20, min(15, len(text) // 2)
    out = []
    for i in range(title + 1, len(blocks)):
        other = blocks[i].text
        # A repeat is about as long as the headline and shares its first or last word:
        # cheap tests before the key (a page has thousands of short menu lines).
        if not shortest <= len(other) <= longest or not _shares_edge_word(low, other):
            continue
        if is_title_repeat(text, other):
            out.append(i)
    return out


def _shares_edge_word(title_low: str, other: str) -> bool:
    """Is the first or last word of the line's first or last 40 characters in the title?"""
    if other.isascii():  # lower-case only the ends (a line may be a long paragraph)
        parts = (other[:40].lower(),) if len(other) <= 40 else (other[:40].lower(), other[-40:].lower())
    else:
        low = other.lower()
        parts = (low[:40], low[-40:])
    for part in parts:
        words = _WORD.findall(part)
        if words and (words[0] in title_low or words[-1] in title_low):
            return True
    return False


def find_anchor(blocks: Sequence[Block], labels: Sequence[str], repeats: Sequence[int]) -> int:
    """The headline's repeat where the article starts, or -1.

    A teaser carousel above the article may carry the headline too, so the anchor is the
    last repeat that still has at least half of the good text after the first repeat
    behind it (a repeat in a share line or a comment heading at the foot has little).
    """
    if not repeats:
        return -1
    after = [0] * (len(blocks) + 1)
    for i in range(len(blocks) - 1, -1, -1):
        after[i] = after[i + 1] + (len(blocks[i].text) if labels[i] == "good" else 0)
    need = 0.5 * after[repeats[0]]
    return max((i for i in repeats if after[i] >= need), default=repeats[0])


def section_end(blocks: Sequence[Block], labels: Sequence[str], p: ScoreParams) -> int:
    """Index of the first block a keyword rule of ``section_end_codes`` dropped ("12
    comments", "Leave a reply") after at least ``section_end_after_chars`` of good text, or
    -1.  What follows such a marker is a comment thread, so its good text weighs less."""
    if not p.section_end_codes:
        return -1
    good = 0
    for i, b in enumerate(blocks):
        if labels[i] == "good" and b.tag != "title":
            good += len(b.text)
        elif b.final == DROP and b.code in p.section_end_codes and good >= p.section_end_after_chars:
            return i
    return -1


def unit_weight(b: Block, lab: str, i: int, n: int, anchor: int, p: ScoreParams, end: int = -1) -> float:
    """The weight of one block in the main-body window."""
    size = min(len(b.text), 1000) ** 0.5
    if lab == RULED:
        return -max(size * 0.5, p.ruled_weight_min)
    if lab != "good":
        return -max(size, p.bad_weight_min)
    w = size
    if n > 5 and i > (1 - p.foot_share) * n:
        w *= p.foot_weight
    if 0 <= i < anchor:
        w *= p.pre_title_weight
    if 0 <= end < i:
        w *= p.section_end_weight
    return w


def body_window(blocks: Sequence[Block], revised: Sequence[str], p: ScoreParams,
                anchor: int = -1, end: int = -1, shaped: Sequence[bool] | None = None) -> tuple[int, int]:
    """Maximum-sum run of blocks (first and last index), weighting good text plus and bad
    text minus; ``(0, -1)`` when there is none.

    Blocks in the page foot (the last ``foot_share``) and good text before the headline's
    repeat weigh less, so neither a long legal footer nor a teaser above the article wins.
    The items of a list-shaped run (:func:`list_shaped`) cost nothing (prose among them still
    counts): a list or a table
    in the middle of the article does not cut the body in two.
    """
    n = len(blocks)
    if shaped is None:
        shaped = list_shaped(blocks, p)
    weights = [unit_weight(b, RULED if b.final == DROP else lab, i, n, anchor, p, end)
               for i, (b, lab) in enumerate(zip(blocks, revised))]
    lo, hi = max_sum_run([0.0 if shaped[i] and w < 0 else w for i, w in enumerate(weights)])
    return lo, hi - 1


def list_shaped(blocks: Sequence[Block], p: ScoreParams) -> list[bool]:
    """Which blocks are items of a list-shaped run: at least ``list_min_items`` short
    units (keyword-dropped ones between them skipped), each numbered or bulleted, or
    sharing its first two punctuation marks with a unit at most two places away.  A row
    of links split by bars is a menu, not a list item."""
    n = len(blocks)
    out = [False] * n
    if p.list_min_items <= 0:
        return out
    heads: dict[int, str] = {}
    for k, b in enumerate(blocks):
        text = b.text
        if b.final != DROP and b.tag != "title" and len(text) < p.length_high and text.count("|") < 2:
            heads[k] = "*" if _ENUM.match(text) else skeleton(text.replace("\n", " "))[:2]
    item = [False] * n
    for k, head in heads.items():
        if head == "*":
            item[k] = True
        elif len(head) == 2:
            item[k] = any(heads.get(j) == head for j in (k - 2, k - 1, k + 1, k + 2))
    k = 0
    while k < n:
        if not item[k]:
            k += 1
            continue
        j = k
        while j < n and (item[j] or blocks[j].final == DROP):
            j += 1
        if sum(item[k:j]) >= p.list_min_items:
            for x in range(k, j):
                out[x] = item[x]
        k = j
    return out


def list_runs(labels: Sequence[str], revised: Sequence[str], blocks: Sequence[Block], lo: int, hi: int,
              repeated: Mapping[int, int], p: ScoreParams) -> list[tuple[int, int]]:
    """Runs of short units inside the window with a prose unit on each side: lists, tables.

    Blocks a keyword rule dropped interrupt nothing (they are skipped); a repeated line or
    a long bad block ends the run.
    """
    if p.list_min_items <= 0 or hi < lo:
        return []
    runs: list[tuple[int, int]] = []
    start, items, prev_good = -1, 0, False
    for i in range(lo, hi + 1):
        if labels[i] == RULED:
            continue
        if revised[i] == "good":
            if start >= 0 and prev_good and items >= p.list_min_items:
                runs.append((start, i))
            start, items, prev_good = -1, 0, labels[i] == "good"
            continue
        if labels[i] in ("short", "bad") and i not in repeated and len(blocks[i].text) < p.length_low:
            if start < 0:
                start = i
            items += 1
        else:
            start, items, prev_good = -1, 0, False
    return runs


_ENUM = re.compile(r"^\s*(?:\d{1,3}[.)]|[\u2022\u00b7*\u2013-])\s")
_SKELETON_DROP = re.compile(r"[\w\s'\u2019]+")


def skeleton(text: str) -> str:
    """The punctuation of a line in order, the shape list items share.

    >>> skeleton("June 10 -- Coral Sky Amphitheatre, Tampa, FL")
    '--,,'
    >>> skeleton("England (Group A): 10th appearance")
    '():'
    """
    return _SKELETON_DROP.sub("", text)


def list_extension(blocks: Sequence[Block], labels: Sequence[str], repeated: Mapping[int, int],
                   lo: int, hi: int, p: ScoreParams) -> list[int]:
    """A list or table that continues the article past the window's edge.

    Articles that end (or start) with a list, such as tour dates, results or deal lists,
    have units too short to read as prose.  The window grows over a run of at least
    ``list_min_items`` units next to it when every unit is short, not repeated in the
    page, and shaped like a list item: numbered or bulleted, or sharing its first two
    punctuation marks (``--``, ``():``) with a unit at most two places away.  Keyword-dropped units are
    skipped; prose (a good unit) ends the run; one heading before the run may stand
    between it and the window (it is not kept).
    """
    if p.list_min_items <= 0 or hi < lo:
        return []
    out: list[int] = []
    for start, step in ((hi + 1, 1), (lo - 1, -1)):
        cand: list[int] = []
        i = start
        while 0 <= i < len(blocks) and len(cand) < 500:
            b = blocks[i]
            if labels[i] != RULED:
                if (labels[i] == "good" or i in repeated or len(b.text) >= p.length_high
                        or b.tag == "title"):
                    break
                cand.append(i)
            i += step
        if step < 0:
            cand.reverse()
        shapes = [skeleton(blocks[i].text.replace("\n", " ")) for i in cand]

        def item(k: int) -> bool:
            if _ENUM.match(blocks[cand[k]].text):
                return True
            near = [x[:2] for x in shapes[max(k - 2, 0):k] + shapes[k + 1:k + 3]]
            return len(shapes[k]) >= 2 and shapes[k][:2] in near

        order = range(len(cand)) if step > 0 else range(len(cand) - 1, -1, -1)
        run: list[int] = []
        for n, k in enumerate(order):
            if item(k):
                run.append(cand[k])
            elif n == 0:
                continue  # a heading between the window and the list
            else:
                break
        if len(run) >= p.list_min_items:
            out.extend(run)
    return out


def score_blocks(blocks: Sequence[Block], stopwords: frozenset[str], p: ScoreParams,
                 codes: Mapping[str, str], memo: dict | None = None, page_type: str = "") -> str:
    """Decide every block no rule has decided; return a note when the over-prune guard fired.

    ``codes`` maps ``low``, ``context``, ``window``, ``repeat``, ``headline`` to rule codes.
    ``memo`` keeps the features of block texts already measured (a block's features
    depend on its text and link characters alone), for the next pass over the same page.
    On a page of a type in ``window_off_types`` (a thread: every post is content, however
    far from the first) no main-body window is drawn.
    """
    title = next((i for i, b in enumerate(blocks) if b.tag == "title"), -1)
    repeated = repeated_lines(blocks, p, _key(blocks[title].text) if title >= 0 else "")
    repeats = set(title_repeats(blocks, title))
    labels: list[str] = []
    reasons: list[str] = []
    measured = block_features(blocks, stopwords, p, memo)
    for i, b in enumerate(blocks):
        if b.final == DROP:
            labels.append(RULED)
            reasons.append("")
            continue
        f = measured[i]
        b.features.update(f)
        if b.tag == "title":
            lab, why = "good", "headline"
        elif i in repeats:
            lab, why = "bad", f"repeats the headline (block {title})"
        elif i in repeated:
            lab, why = "bad", f"line stands {repeated[i]} times in the page"
        else:
            lab, why = label(b, f, p)
        b.label = lab
        labels.append(lab)
        reasons.append(why)
    anchor = find_anchor(blocks, labels, sorted(repeats))
    revised = revise(labels)
    shaped = list_shaped(blocks, p)
    if page_type and page_type in p.window_off_types:
        lo, hi = 0, len(blocks) - 1
    else:
        lo, hi = body_window(blocks, revised, p, anchor, section_end(blocks, labels, p), shaped)
    listed: set[int] = set()
    for start, end in list_runs(labels, revised, blocks, lo, hi, repeated, p):
        listed.update(range(start, end))
    listed.update(list_extension(blocks, labels, repeated, lo, hi, p))
    if hi >= lo:  # a list-shaped run inside the body is the article's list or table
        listed.update(i for i in range(lo, hi + 1) if shaped[i] and i not in repeated)
    kept = 0
    for i, b in enumerate(blocks):
        if b.final:
            continue
        if b.tag == "title":
            b.final = KEEP
            continue
        if i in repeats and codes.get("headline"):
            b.final, b.code, b.reason = DROP, codes["headline"], f"repeats the headline (block {title})"
        elif i in listed:
            b.final = KEEP
        elif revised[i] == "bad":
            b.final = DROP
            if i in repeated and codes.get("repeat"):
                b.code, b.reason = codes["repeat"], reasons[i]
            elif labels[i] == "bad":
                b.code, b.reason = codes["low"], reasons[i]
            else:
                b.code, b.reason = codes["context"], f"{labels[i]} block among boilerplate ({reasons[i]})"
        elif not lo <= i <= hi:
            b.final, b.code, b.reason = DROP, codes["window"], f"outside the main body (blocks {lo}-{hi})"
        else:
            b.final = KEEP
            kept += len(b.text)
    _headline_without_site(blocks, title, anchor, codes)
    return _guard(blocks, labels, revised, kept, p, codes)


def _headline_without_site(blocks: Sequence[Block], title: int, anchor: int, codes: Mapping[str, str]) -> None:
    """Line 1 is often the page title, "Headline | Site"; the headline proper repeats
    where the article starts.  When nothing between them is kept, the repeat becomes the
    headline and the page title goes, so the output still starts with the headline."""
    if title < 0 or anchor < 0 or not codes.get("headline"):
        return
    t, a = blocks[title], blocks[anchor]
    if _key(t.text) == _key(a.text) or any(blocks[j].kept for j in range(title + 1, anchor)):
        return
    t.final, t.code, t.reason = DROP, codes["headline"], f"page title with the site name; the headline repeats at block {anchor}"
    a.final, a.code, a.reason, a.tag = KEEP, "", "", "title"


def _guard(blocks: Sequence[Block], labels: Sequence[str], revised: Sequence[str], kept: int,
           p: ScoreParams, codes: Mapping[str, str]) -> str:
    """Over-prune guard: never emit (almost) nothing when the page has prose.

    When the window keeps fewer than ``guard_min_chars`` characters besides the headline,
    every block dropped only for lying outside the window comes back; failing that, every
    near-good block the context pass dropped does; failing that, every short block that
    reads as a sentence (a page of a few short paragraphs has no good block to anchor it).
    """
    if kept >= p.guard_min_chars:
        return ""
    for wide in ("window", "near-good", "sentence"):
        if wide == "window":
            chosen = [b for b in blocks if b.code == codes["window"]]
        elif wide == "near-good":
            chosen = [b for i, b in enumerate(blocks) if labels[i] in ("good", "neargood")
                      and b.final == DROP and b.code == codes["context"]]
        else:
            chosen = [b for b in blocks if b.final == DROP and b.code in (codes["context"], codes["low"])
                      and b.features.get("sentence")]
        if chosen:
            for b in chosen:
                b.final, b.code, b.reason = KEEP, "", ""
            return f"kept {kept} chars < {p.guard_min_chars}: {len(chosen)} blocks restored ({wide} selection)"
    return ""

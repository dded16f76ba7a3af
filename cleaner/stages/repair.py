"""Character-level repairs on the whole text, before it is split into blocks.

Two kinds of repair, both returning edits so each change is a hit:

* :func:`unicode_edits` runs ftfy, configured to keep the source's typography (curly quotes
  stay curly, line breaks stay), only on lines that show something ftfy can fix: ftfy costs
  about 2 µs a character, so running it on every line would dominate the pipeline.
* :func:`pattern_edits` applies the ``repair`` rules of the packs (invisible characters,
  literal escapes, spacing), one rule after another.
"""
from __future__ import annotations

import re
import unicodedata
from difflib import SequenceMatcher
from typing import Iterable, Iterator

import ftfy
import ftfy.fixes
from ftfy.badness import BADNESS_RE, MOJIBAKE_CATEGORIES, is_bad
from ftfy.chardata import LIGATURES, WIDTH_MAP

from cleaner.journal.edits import Edit, apply_edits
from cleaner.rules import Rule

# ftfy changes typography by default; a cleaner must not rewrite the source's quotes.
# Character width is handled by :func:`width_edits`: fullwidth punctuation and the
# ideographic space are correct typography in CJK text, which ftfy would flatten.
FTFY_CONFIG = ftfy.TextFixerConfig(
    uncurl_quotes=False,
    fix_line_breaks=False,
    fix_character_width=False,
    remove_control_chars=False,  # done by the unicode pack's repair rules, with their own codes
    normalization="NFC",
    explain=True,
)


def _mojibake_chars() -> str:
    """Characters of which every match of ftfy's mojibake detector contains at least one.

    ftfy fixes an encoding only when ``ftfy.badness.is_bad`` finds a suspicious sequence;
    each of its alternatives needs a character of these categories (accented letters,
    C1 controls, currency and numeric signs, box drawing, Greek and Cyrillic letters,
    MacRoman and cp125x specials). The typographic characters ("common", curly quotes,
    guillemets, bullets, trade marks) never make a match on their own, so they are left
    out: clean typographic English skips ftfy. ``tests/test_repair_gate.py`` checks the
    claim against ``is_bad`` on generated strings.
    """
    typographic = set("‘‚“„”•™®©«»‹›\uf8ff")
    chars = set()
    for name, spec in MOJIBAKE_CATEGORIES.items():
        if name == "common":
            continue
        i = 0
        while i < len(spec):
            if i + 2 < len(spec) and spec[i + 1] == "-":
                chars.update(chr(c) for c in range(ord(spec[i]), ord(spec[i + 2]) + 1))
                i += 3
            else:
                chars.add(spec[i])
                i += 1
    chars -= typographic
    chars.update("√≈‚βвЂГўВΒΓΞΟā×°µ")  # literals of the detector's own alternatives
    return "".join(sorted(chars))


_LIGATURE_CHARS = "".join(chr(c) for c in LIGATURES)

# The cheap gate, level 1: a line goes on only when it holds a character ftfy could act
# on (see :func:`_mojibake_chars`), a lone surrogate, a Latin ligature, an ANSI escape
# or an HTML entity. Plain ASCII and typographic text never match.
_FTFY_SUSPECT = re.compile(
    "[" + re.escape(_mojibake_chars() + _LIGATURE_CHARS) + "\ud800-\udfff\x1b]"
    r"|&#?[0-9A-Za-z]{1,24};"
)
# Level 2: what makes ftfy act for sure, besides its own mojibake detector.
_FTFY_DIRECT = re.compile(
    "[" + re.escape(_LIGATURE_CHARS) + "\x80-\x9f\ud800-\udfff]|\x1b\\[|&#?[0-9A-Za-z]{1,24};"
)


def _badness_width() -> int:
    """The longest match of ftfy's mojibake detector, when every one of its alternatives
    needs a non-ASCII character (true of ftfy 6; checked, not assumed); else 0."""
    from re import _constants as C  # type: ignore[attr-defined]  # as in cleaner.rules
    from re import _parser as P  # type: ignore[attr-defined]

    tree = P.parse(BADNESS_RE.pattern, BADNESS_RE.flags)
    if BADNESS_RE.flags & (re.IGNORECASE | re.MULTILINE) or len(tree) != 1 or tree[0][0] != C.BRANCH:
        return 0

    def non_ascii_only(op, av) -> bool:
        if op == C.LITERAL:
            return av >= 128
        if op == C.IN:
            return all((o == C.LITERAL and a >= 128) or (o == C.RANGE and a[0] >= 128) for o, a in av)
        return False

    def context_free(op, av) -> bool:  # no lookaround, group or unbounded repeat
        if op in (C.MAX_REPEAT, C.MIN_REPEAT):
            return av[1] <= 4 and all(context_free(*x) for x in av[2])
        if op == C.AT:  # "^" reads no neighbour: search(line, pos) matches it at 0 only
            return av in (C.AT_BEGINNING, C.AT_BEGINNING_STRING)
        return op in (C.LITERAL, C.NOT_LITERAL, C.IN, C.ANY)

    for branch in tree[0][1][1]:
        if not all(context_free(*x) for x in branch) or not any(non_ascii_only(*x) for x in branch):
            return 0
    width = tree.getwidth()[1]
    return width if width <= 32 else 0


_BAD_WIDTH = _badness_width()
_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def _is_bad(line: str) -> bool:
    """``ftfy.badness.is_bad(line)``, searched only near non-ASCII characters.

    Every match of the detector is at most ``_BAD_WIDTH`` characters long and holds a
    non-ASCII character, so it lies within ``_BAD_WIDTH - 1`` characters of one.  A line
    of German or French prose has a few such characters, and the detector costs about a
    microsecond a character (Cyrillic text, all non-ASCII, is searched whole).
    """
    w = _BAD_WIDTH
    # UTF-8 bytes beyond one a character: a cheap count of non-ASCII text.  A line mostly
    # in another script is searched whole.
    if not w or len(line.encode("utf-8", "surrogatepass")) - len(line) > len(line) // (2 * w):
        return is_bad(line)
    budget = len(line) // (4 * w)  # windows cover at most about half the line
    start = end = -1
    for m in _NON_ASCII.finditer(line):
        i = m.start()
        if i - w + 1 <= end:
            end = i + w
            continue
        if end >= 0 and BADNESS_RE.search(line, start, end):
            return True
        budget -= 1
        if budget < 0:
            return is_bad(line)
        start, end = max(0, i - w + 1), i + w
    return end >= 0 and BADNESS_RE.search(line, start, end) is not None


def needs_ftfy(line: str) -> bool:
    """Whether ftfy (as configured) may change ``line``; cheap checks first.

    >>> needs_ftfy("It didn’t rain, “luckily” – not once…"), needs_ftfy("It didnâ€™t rain")
    (False, True)
    """
    if line.isascii():
        return "&" in line and ";" in line and _FTFY_SUSPECT.search(line) is not None or "\x1b[" in line
    if not unicodedata.is_normalized("NFC", line):
        return True
    if not _FTFY_SUSPECT.search(line):
        return False
    return _FTFY_DIRECT.search(line) is not None or _is_bad(line)


# ftfy's step names, grouped into the codes of the unicode pack.
FTFY_STEP_CODES = {
    "unescape_html": "UC102",
    "fix_latin_ligatures": "UC103",
    "fix_character_width": "UC103",
    "normalize": "UC104",
    "remove_terminal_escapes": "UC105",
}
FTFY_DEFAULT_CODE = "UC101"  # mojibake: encode/decode steps and their helpers
WIDTH_CODE = "UC103"

# Fullwidth letters and digits in Latin text (“Ｔｏｋｙｏ”) and halfwidth katakana are
# width oddities; fullwidth punctuation beside CJK text is typography and stays.
# A maximal run of fullwidth ASCII forms, and the letters and digits one must hold to be
# repaired.  (One pattern "[forms]*[alnum][forms]*" says the same, but a long run of
# fullwidth punctuation made it quadratic: it was rescanned from every position.)
_FULLWIDTH_FORMS = re.compile(r"[\uff01-\uff5e]+")
_FULLWIDTH_ALNUM = re.compile(r"[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]")
_HALFWIDTH_KANA = re.compile(r"[\uff66-\uff9f]+")
_CJK = re.compile(r"[\u2e80-\u303f\u3040-\u30ff\u3100-\u31ff\u3400-\u4dbf\u4e00-\u9fff"
                  r"\ua960-\ua97f\uac00-\ud7ff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef]")


def _trim(before: str, after: str) -> tuple[int, int, int]:
    """Common prefix and suffix lengths, so a hit covers only what changed."""
    n = min(len(before), len(after))
    p = 0
    while p < n and before[p] == after[p]:
        p += 1
    s = 0
    while s < n - p and before[-1 - s] == after[-1 - s]:
        s += 1
    return p, len(before) - s, len(after) - s


def _code_of(explanation) -> str:
    """The unicode pack's code for what ftfy did; re-decoding (mojibake) comes first."""
    if any(step.action in ("encode", "decode", "transcode") for step in explanation):
        return FTFY_DEFAULT_CODE
    for step in explanation:
        name = "normalize" if step.action == "normalize" else step.parameter
        if name in FTFY_STEP_CODES:
            return FTFY_STEP_CODES[name]
    return FTFY_DEFAULT_CODE


def _piece_code(before: str, after: str, line_code: str) -> str:
    """The code of one changed piece of a line: which single fix explains it, if one does."""
    if ftfy.fixes.unescape_html(before) == after and "&" in before:
        return "UC102"
    if ftfy.fixes.fix_latin_ligatures(before) == after:
        return "UC103"
    if unicodedata.normalize("NFC", before) == after:
        return "UC104"
    if ftfy.fixes.remove_terminal_escapes(before) == after and "\x1b" in before:
        return "UC105"
    return line_code


def _pieces(before: str, after: str, max_len: int = 4000) -> list[tuple[int, int, int, int]]:
    """Changed pieces ``(b0, b1, a0, a1)`` of a line, so one hit covers one repair.

    Changes closer than 3 unchanged characters stay one piece; long lines are one piece.
    """
    if len(before) > max_len or len(after) > max_len:
        return [(0, len(before), 0, len(after))]
    ops = [op for op in SequenceMatcher(None, before, after, autojunk=False).get_opcodes() if op[0] != "equal"]
    out: list[list[int]] = []
    for _, b0, b1, a0, a1 in ops:
        if out and b0 - out[-1][1] < 3 and a0 - out[-1][3] < 3:
            out[-1][1], out[-1][3] = b1, a1
        else:
            out.append([b0, b1, a0, a1])
    return [tuple(x) for x in out]


def width_edits(line: str) -> Iterator[tuple[int, int, str]]:
    """Fullwidth Latin runs outside CJK text, and halfwidth katakana, to their usual width.

    >>> list(width_edits("Ｔｏｋｙｏ stocks rose")), list(width_edits("商標登録Ｑ＆Ａシリーズ"))
    ([(0, 5, 'Tokyo')], [])

    A neighbour counts only where it will stand in the output: an ideographic space
    (U+3000, in the CJK range) at the line's edge is stripped by assembly, and deciding by
    it would leave the run for a second cleaning to repair.
    """
    bounds = None
    for m in _FULLWIDTH_FORMS.finditer(line):
        if not _FULLWIDTH_ALNUM.search(m.group(0)):
            continue
        s, e = m.span()
        if bounds is None:  # where the stripped line starts and ends, once per line
            bounds = (len(line) - len(line.lstrip()), len(line.rstrip()))
        if (s > bounds[0] and _CJK.match(line, s - 1)) or (e < bounds[1] and _CJK.match(line, e)):
            continue
        yield s, e, m.group(0).translate(WIDTH_MAP)
    for m in _HALFWIDTH_KANA.finditer(line):
        yield m.start(), m.end(), unicodedata.normalize("NFKC", m.group(0))


_WIDTH_ANY = re.compile(r"[\uff01-\uff5e\uff66-\uff9f]")


def _suspect_lines(text: str) -> set[int]:
    """Numbers of the lines the gate or the width fix may act on, found on the whole text
    at once: most documents have none, and checking line by line costs more than ftfy saves.
    """
    if not unicodedata.is_normalized("NFC", text):
        return {i for i, line in enumerate(text.split("\n")) if not line.isascii()}
    found: set[int] = set()
    for pattern in (_FTFY_SUSPECT, _WIDTH_ANY):
        line, last, pos = 0, 0, 0
        while (m := pattern.search(text, pos)) is not None:
            line += text.count("\n", last, m.start())  # positions only grow: linear overall
            last = m.start()
            found.add(line)
            end = text.find("\n", m.end())  # one hit is enough for a line: go to the next
            if end < 0:
                break
            pos = end + 1
    return found


def unicode_edits(text: str) -> Iterator[tuple[Edit, str, str]]:
    """Yield ``(edit, code, detail)`` for every repair ftfy (and the width fix) makes.

    Only lines that pass the gate (:func:`needs_ftfy`) go to ftfy; each changed piece of a
    line is its own edit, coded by the single fix that explains it.
    """
    if text.isascii() and "&" not in text and "\x1b" not in text:
        return
    suspects = _suspect_lines(text)
    if not suspects:
        return
    pos = 0
    for number, line in enumerate(text.split("\n")):
        if number not in suspects:
            pos += len(line) + 1
            continue
        fixed = line
        # ftfy (and its badness gate) read a line's edges as context ("Ã " may be "à"); the
        # output's lines are stripped, so the stripped line gives the same answer on both passes.
        core = line.strip()
        if needs_ftfy(core):
            lead = len(line) - len(line.lstrip())
            core_fixed, explanation = ftfy.fix_and_explain(core, FTFY_CONFIG)
            if "\n" not in core_fixed:
                fixed = line[:lead] + core_fixed + line[lead + len(core):]
        width = [] if fixed.isascii() else list(width_edits(fixed))
        if fixed != line and not width:
            explanation = explanation or ()
            code = _code_of(explanation)
            detail = "ftfy: " + ", ".join(f"{s.action} {s.parameter}" for s in explanation)
            for b0, b1, a0, a1 in _pieces(line, fixed):
                yield (Edit(pos + b0, pos + b1, fixed[a0:a1]), _piece_code(line[b0:b1], fixed[a0:a1], code),
                       detail)
        elif width and fixed == line:
            for s, e, after in width:
                yield Edit(pos + s, pos + e, after), WIDTH_CODE, "width"
        elif width:
            # Both on one line: one edit for the line, coded by ftfy's main fix.
            wide, _ = apply_edits(fixed, [Edit(*w) for w in width])
            a, b_end, a_end = _trim(line, wide)
            detail = "ftfy: " + ", ".join(f"{s.action} {s.parameter}" for s in explanation or ()) + "; width"
            yield Edit(pos + a, pos + b_end, wide[a:a_end]), _code_of(explanation or ()), detail
        pos += len(line) + 1


def pattern_edits(text: str, rule: Rule) -> list[Edit]:
    """Edits of one ``repair`` rule over the whole text (never across a line break)."""
    edits = []
    for pattern in rule.compiled:
        for m in pattern.finditer(text):
            before = m.group(0)
            if not before or "\n" in before:
                continue
            after = rule.expand(m)
            if after != before:
                edits.append(Edit(m.start(), m.end(), after))
    if len(rule.compiled) > 1:
        edits.sort()
        edits = _drop_overlaps(edits)
    return edits


def _drop_overlaps(edits: Iterable[Edit]) -> list[Edit]:
    out: list[Edit] = []
    for e in edits:
        if out and e.start < out[-1].end:
            continue
        out.append(e)
    return out

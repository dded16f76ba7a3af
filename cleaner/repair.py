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
from typing import Iterable, Iterator

import ftfy

from cleaner.edits import Edit
from cleaner.rules import Rule

# ftfy changes typography by default; a cleaner must not rewrite the source's quotes.
FTFY_CONFIG = ftfy.TextFixerConfig(
    uncurl_quotes=False,
    fix_line_breaks=False,
    remove_control_chars=False,  # done by the unicode pack's repair rules, with their own codes
    normalization="NFC",
    explain=True,
)

# Signs of what ftfy repairs: mojibake lead characters of UTF-8 read as Latin-1/cp1252,
# C1 controls, HTML entities, fullwidth forms and Latin ligatures, lone surrogates,
# decomposed accents (NFC). Clean text rarely has any, so most lines skip ftfy.
_FTFY_SUSPECT = re.compile(
    r"[\u00c2-\u00c3\u00c5\u00ce\u00d0-\u00d1\u00d8-\u00d9\u00e2\u0080-\u009f\ufb00-\ufb06\uff01-\uff5e\ud800-\udfff\u0300-\u036f]"
    r"|&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z][a-zA-Z0-9]{1,31});"
)

# ftfy's step names, grouped into the codes of the unicode pack.
FTFY_STEP_CODES = {
    "unescape_html": "UC102",
    "fix_latin_ligatures": "UC103",
    "fix_character_width": "UC103",
    "normalize": "UC104",
}
FTFY_DEFAULT_CODE = "UC101"  # mojibake: encode/decode steps and their helpers


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


def unicode_edits(text: str) -> Iterator[tuple[Edit, str, str]]:
    """Yield ``(edit, code, detail)`` for every line ftfy changes."""
    if not _FTFY_SUSPECT.search(text):
        return
    pos = 0
    for line in text.split("\n"):
        if _FTFY_SUSPECT.search(line):
            fixed, explanation = ftfy.fix_and_explain(line, FTFY_CONFIG)
            if fixed != line and "\n" not in fixed:
                code = _code_of(explanation or ())
                a, b_end, a_end = _trim(line, fixed)
                detail = "ftfy: " + ", ".join(f"{s.action} {s.parameter}" for s in explanation or ())
                yield Edit(pos + a, pos + b_end, fixed[a:a_end]), code, detail
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

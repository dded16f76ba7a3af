"""Unified diff of a document's input and output, each hunk labelled with its rules.

A plain diff shows what changed; the labels say why.  Each hunk header carries the codes
of the hits whose input span falls in the hunk, so a reviewer reading ``--diff`` output
can go straight from a surprising change to the rule that made it.
"""
from __future__ import annotations

import difflib
import json
import os
import zlib
from typing import Any, Iterable, Mapping, TextIO

from cleaner.review import triage
from cleaner.terminal import printable

RED = "\x1b[31m"
GREEN = "\x1b[32m"
CYAN = "\x1b[36m"
BOLD = "\x1b[1m"
RESET = "\x1b[0m"


def want_color(stream: TextIO) -> bool:
    """Colour only for a terminal, and never when the user set ``NO_COLOR`` (no-color.org)."""
    if os.environ.get("NO_COLOR"):
        return False
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty and isatty())
    except (ValueError, OSError):  # a closed or odd stream is not a terminal
        return False


def _range(start: int, length: int) -> str:
    """A hunk range as ``unified_diff`` writes it (1-based; an empty range names the line before)."""
    first = start + 1
    if length == 1:
        return f"{first}"
    if not length:
        first -= 1
    return f"{first},{length}"


def _line_starts(lines: list[str]) -> list[int]:
    """Offset of each line in the text, plus the text's length, to map lines to spans."""
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))
    return starts


def _hunk_codes(spans: list[tuple[int, int, str]], lo: int, hi: int) -> list[str]:
    """Codes of the hits whose input span overlaps ``[lo, hi)``, in the order they occur.

    An empty span (an insertion) counts when it sits inside the range or at its start,
    and an empty range (a hunk that only adds lines) takes the hits at its position.
    """
    codes: list[str] = []
    for start, end, code in spans:
        if hi > lo:
            inside = start < hi and end > lo if end > start else lo <= start < hi
        else:
            inside = start <= lo <= end
        if inside and code not in codes:
            codes.append(code)
    return codes


def _spans(hits: Iterable[Mapping[str, Any] | Any]) -> list[tuple[int, int, str]]:
    """``(start, end, code)`` of each hit with a usable input span, sorted by position."""
    out = []
    for hit in hits:
        h = hit.to_dict() if hasattr(hit, "to_dict") else hit
        try:
            start, end = int(h["start"]), int(h["end"])
        except (KeyError, TypeError, ValueError):
            continue
        if 0 <= start <= end:
            out.append((start, end, str(h.get("code", "?"))))
    out.sort()
    return out


def _with_newline(line: str) -> list[str]:
    """A diff body line; a last line without newline gets diff's usual marker after it."""
    if line.endswith("\n"):
        return [line]
    return [line + "\n", "\\ No newline at end of file\n"]


def format_diff(
    doc_id: str,
    input_text: str,
    output_text: str,
    hits: Iterable[Mapping[str, Any] | Any],
    color: bool = False,
    *,
    context: int = 3,
    escape: bool = False,
) -> str:
    """A unified diff of input vs output lines with the rule codes on each hunk header.

    ``hits`` are ``Hit.to_dict()`` dicts (or ``Hit`` objects) with spans in the input.
    With ``escape`` (output to a terminal), control characters of the text (escape
    sequences, carriage returns) are shown as ``\\xNN`` instead of reaching the terminal.
    Returns ``""`` when nothing changed, like :func:`difflib.unified_diff`.
    """
    a = input_text.splitlines(keepends=True)
    b = output_text.splitlines(keepends=True)
    a_starts = _line_starts(a)  # offsets in the input as it is, for the hits' spans
    if escape:
        a, b, doc_id = _escaped(a), _escaped(b), printable(doc_id)
    spans = _spans(hits)
    paint = _painter(color)
    out: list[str] = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for group in matcher.get_grouped_opcodes(context):
        if not out:
            out.append(paint(BOLD, f"--- {doc_id} (input)\n"))
            out.append(paint(BOLD, f"+++ {doc_id} (output)\n"))
        i1, i2 = group[0][1], group[-1][2]
        j1, j2 = group[0][3], group[-1][4]
        codes = _hunk_codes(spans, a_starts[i1], a_starts[i2])
        label = (" " + " ".join(codes)) if codes else ""
        out.append(paint(CYAN, f"@@ -{_range(i1, i2 - i1)} +{_range(j1, j2 - j1)} @@{label}\n"))
        for tag, ai1, ai2, bj1, bj2 in group:
            if tag == "equal":
                for line in a[ai1:ai2]:
                    out.extend(_with_newline(" " + line))
                continue
            for line in a[ai1:ai2]:
                first, *marker = _with_newline("-" + line)
                out.extend([paint(RED, first), *marker])
            for line in b[bj1:bj2]:
                first, *marker = _with_newline("+" + line)
                out.extend([paint(GREEN, first), *marker])
    return "".join(out)


def _escaped(lines: list[str]) -> list[str]:
    """Each line with its control characters shown (tabs kept) and its line end (of any
    kind: ``\\r``, ``\\x0c``, ...) as a newline, so the terminal sees text only."""
    out = []
    for line in lines:
        body = line.rstrip("\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")
        out.append(printable(body, tabs=True) + ("\n" if len(body) < len(line) else ""))
    return out


def _painter(color: bool):
    """Wrap a line in an ANSI colour, keeping the newline outside so terminals reset cleanly."""
    if not color:
        return lambda _code, line: line

    def paint(code: str, line: str) -> str:
        body = line[:-1] if line.endswith("\n") else line
        return f"{code}{body}{RESET}" + line[len(body):]

    return paint


class WorstDiffs:
    """``--diff --worst N``: the diffs of the N most suspicious documents, in triage order.

    The order needs the whole batch (a rule is rare only against all documents), so each
    document's texts wait here, compressed, until :meth:`diffs` ranks them with the
    report's suspicion score (:mod:`cleaner.review.triage`).
    """

    def __init__(self, worst: int):
        self.worst = worst
        self._docs: list[tuple] = []
        self._rule_docs: dict[str, int] = {}

    def add(self, doc_id: str, input_text: str, output_text: str, hits, removed_share: float,
            metadata: Mapping[str, Any] | None = None) -> None:
        hit_dicts = [h.to_dict() if hasattr(h, "to_dict") else dict(h) for h in hits]
        page_type = str((metadata or {}).get("page_type") or "")
        codes = {str(h.get("code", "?")) for h in hit_dicts}
        for code in codes:
            self._rule_docs[code] = self._rule_docs.get(code, 0) + 1
        packed = zlib.compress(json.dumps([input_text, output_text, hit_dicts], ensure_ascii=False)
                               .encode("utf-8", "surrogatepass"))
        self._docs.append((doc_id, float(removed_share or 0.0), triage.signals(input_text, hit_dicts, page_type),
                           codes, packed))

    def ranked(self) -> list[tuple[str, float, list[str], bytes]]:
        rare = triage.rare_rules(self._rule_docs, len(self._docs))
        scored = [(doc_id, *triage.score(sig, codes, rare), share, packed)
                  for doc_id, share, sig, codes, packed in self._docs]
        scored.sort(key=lambda t: triage.order_key(t[1], t[3], t[0]))
        return [(doc_id, points, why, packed) for doc_id, points, why, _, packed in scored[: self.worst]]

    def diffs(self, color: bool = False, *, escape: bool = False) -> Iterable[str]:
        """Each document's diff, headed by its score and reasons."""
        for doc_id, points, why, packed in self.ranked():
            input_text, output_text, hits = json.loads(zlib.decompress(packed).decode("utf-8", "surrogatepass"))
            name = printable(doc_id) if escape else doc_id
            head = f"# {name}: suspicion {points:g}" + (f" ({'; '.join(why)})" if why else "") + "\n"
            yield _painter(color)(BOLD, head) + format_diff(doc_id, input_text, output_text, hits, color=color,
                                                            escape=escape)

"""Output formats of a clean: plain text, Markdown and a JSON record, all built from the
same kept lines (``CleanResult.text`` and its line roles), so the hits and the review
report are true of every format.

* ``text``: the clean text as it is.
* ``markdown``: the same lines, with the headline as ``#``, headings as ``##``.. by their
  level, list items, block quotes, tables (cells of one row side by side) and fenced
  preformatted text line by line, indented as written; the lines of one paragraph end in hard breaks; a
  paragraph line that would read as Markdown syntax is escaped.
* ``json``: :func:`record`, one object with a fixed set of fields (see :data:`FIELDS`).
"""
from __future__ import annotations

import json
import re
from collections import Counter
from typing import Any, Iterator

from cleaner.model import CleanResult

OUTPUTS = ("text", "markdown", "json")
SUFFIXES = {"text": ".txt", "markdown": ".md", "json": ".json"}

# The fields of a JSON record, always all of them (None where unknown), in this order.
FIELDS = ("text", "title", "byline", "date", "url", "language", "page_type", "removed_share", "rule_hits")

# A paragraph line Markdown would read as syntax: a heading, a quote, a list item, a
# fence, a table row, a thematic break, an HTML tag.
_MARKDOWN_START = re.compile(r"(?:#{1,6}(?:\s|$)|>|[-*+](?:\s|$)|\d{1,9}[.)](?:\s|$)|```|~~~|\||={3,}|-{3,}|<)")
# A bulleted line of scraped text: a bullet sign, then a space ("-" and "*" count only
# before a space, so a hyphenated word or an emphasis mark is no bullet).
BULLET = re.compile(r"[\u2022\u00b7\u25aa\u25cf\u25e6\u2023\u2219\u2013\u2014*+-]\s+(?=\S)")


def lines_with_roles(result: CleanResult) -> Iterator[tuple[str, str, bool]]:
    """``(line, role, starts_paragraph)`` for each non-blank line of the clean text."""
    roles = result.structure
    new_paragraph = True
    i = 0
    for line in result.text.split("\n"):
        if not line.strip():
            new_paragraph = True
            continue
        yield line.strip(), roles[i] if i < len(roles) else "p", new_paragraph
        new_paragraph = False
        i += 1


def _escape(line: str) -> str:
    return "\\" + line if _MARKDOWN_START.match(line) else line


def _cell(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|")


def _table(rows: list[list[str]]) -> list[str]:
    width = max(len(r) for r in rows)
    rows = [r + [""] * (width - len(r)) for r in rows]
    out = ["| " + " | ".join(_cell(c) for c in rows[0]) + " |", "|" + "---|" * width]
    out += ["| " + " | ".join(_cell(c) for c in r) + " |" for r in rows[1:]]
    return out


def to_markdown(result: CleanResult) -> str:
    """The clean text as Markdown (see the module docstring); "" for an empty text."""
    groups: list[tuple[str, list]] = []  # (kind, items): consecutive lines of one kind
    for line, role, starts in lines_with_roles(result):
        kind = "td" if role.startswith("td:") else role
        if role.startswith("pre:"):  # an indented line of preformatted text: indented as written
            kind, line = "pre", " " * int(role[4:]) + line
        same = groups and groups[-1][0] == kind
        if kind == "td":
            row = role[3:]
            if same:
                rows = groups[-1][1]
                if rows[-1][0] == row:
                    rows[-1][1].append(line)
                else:
                    rows.append((row, [line]))
            else:
                groups.append(("td", [(row, [line])]))
        elif same and (kind in ("li", "ol", "quote", "pre", "title") or (kind == "p" and not starts)):
            groups[-1][1].append(line)
        else:
            groups.append((kind, [line]))
    out: list[str] = []
    for kind, items in groups:
        if kind == "title":
            block = ["# " + " ".join(items)]
        elif kind[0] == "h" and kind[1:].isdigit():
            block = ["#" * int(kind[1:]) + " " + " ".join(items)]
        elif kind == "li":
            block = ["- " + BULLET.sub("", item, count=1) for item in items]
        elif kind == "ol":
            block = list(items)  # numbered as written: "3." and "3)" are Markdown list items
        elif kind == "quote":
            block = ["> " + item for item in items]
        elif kind == "pre":
            fence = "~~~" if any(item.startswith("```") for item in items) else "```"
            block = [fence, *items, fence]
        elif kind == "td":
            block = _table([cells for _, cells in items])
        elif kind == "caption":
            block = ["*" + item.replace("*", "\\*") + "*" for item in items]
        else:
            # Lines of one paragraph (``<br>`` lines, an address, verse) stay lines: a hard break.
            block = ["\\\n".join(_escape(item) for item in items)]
        out.append("\n".join(block))
    return "\n\n".join(out) + "\n" if out else ""


def record(result: CleanResult, **extra: Any) -> dict:
    """The JSON output of one document: every field of :data:`FIELDS` (None where the
    page did not say), ``rule_hits`` as counts per rule code, then ``extra`` (such as the
    input's name)."""
    meta = result.metadata
    out = {
        "text": result.text,
        "title": meta.get("title"),
        "byline": meta.get("byline"),
        "date": meta.get("date"),
        "url": meta.get("url"),
        "language": result.language or None,
        "page_type": meta.get("page_type"),
        "removed_share": meta.get("removed_share", 0.0),
        "rule_hits": dict(sorted(Counter(h.code for h in result.hits).items())),
    }
    out.update(extra)
    return out


def render(result: CleanResult, output: str, **extra: Any) -> str:
    """The document in the format ``output`` (one of :data:`OUTPUTS`)."""
    if output == "text":
        return result.text
    if output == "markdown":
        return to_markdown(result)
    if output == "json":
        return json.dumps(record(result, **extra), ensure_ascii=False, indent=1) + "\n"
    raise ValueError(f"output must be one of {', '.join(OUTPUTS)} (got {output!r})")

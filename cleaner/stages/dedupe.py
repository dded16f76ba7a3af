"""Repeated paragraphs: a block whose text already stood in the document goes.

A standfirst repeated in the body is the common case: the copy in the lead (right after
the headline) goes and the body keeps its sentence where it belongs; any other repeat keeps
its first occurrence.

In HTML (``repeats=False``) only the standfirst case applies: the DOM pass already drops
repeated link texts (HT206), and a plain paragraph that recurs inside the chosen article
is the article's own structure (a meal plan's rows, the same question put to each guest
of an interview), not a scraping artefact.  In scraped text the same holds for a
paragraph recurring three times or more on a page whose kept blocks read as an article.
"""
from __future__ import annotations

from typing import Callable, Mapping, Sequence

from cleaner.content.textkey import keys_where_shared as _keys
from cleaner.model import DROP, Block

def mark_repeats(blocks: Sequence[Block], params: Mapping, codes: Mapping[str, str],
                 repeats: bool = True, page_type_of: Callable[[list[str]], str] | None = None) -> None:
    """Drop repeated kept blocks of at least ``min_chars`` characters (with ``repeats``
    false, only a lead copy of a paragraph repeated in the body).  In an article (where
    ``page_type_of`` the kept blocks' texts is a ``row_page_types`` type) a paragraph
    standing ``row_min_count`` times or more is a recurring row of it (a meal plan's day,
    an interview's question) and stays; a duplicated block stands twice.

    The type is read from the kept blocks, not from the input: the cruft a first cleaning
    removes can change how a page reads, and the output cleaned again must decide its
    rows as the last pass of the first cleaning did, on the same lines."""
    min_chars = params["min_chars"]
    lead_blocks = params["lead_blocks"]
    seen: dict[str, int] = {}
    # A standfirst stands twice (lead and body); a text recurring more often is a row.
    keys = _keys([b.text if b.kept and b.tag != "title" and len(b.text) >= min_chars else None
                  for b in blocks])
    counts: dict[str, int] = {}
    for k in keys:
        if k is not None:
            counts[k] = counts.get(k, 0) + 1
    rows = params["row_min_count"]
    if not (page_type_of is not None and any(n >= rows for n in counts.values())
            and page_type_of([b.text for b in blocks if b.kept]) in params["row_page_types"]):
        rows = 0
    kept_index = 0
    lead: dict[int, int] = {}
    for i, b in enumerate(blocks):
        if not b.kept:
            continue
        lead[i] = kept_index
        kept_index += 1
        k = keys[i]
        if k is None:
            continue
        if k not in seen:
            seen[k] = i
            continue
        first = seen[k]
        if 0 < lead[first] <= lead_blocks and kept_index - 1 > lead_blocks and counts[k] == 2:
            target, code = blocks[first], codes["standfirst"]
            target.reason = f"repeated later in the body (block {i})"
            seen[k] = i
        elif not repeats or 0 < rows <= counts[k]:
            continue
        else:
            target, code = b, codes["repeat"]
            target.reason = f"repeats block {first}"
        target.final = DROP
        target.code = code

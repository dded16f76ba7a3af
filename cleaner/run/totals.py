"""What a run counts, and the summary it prints: one type for folders and JSONL alike.

A :class:`Totals` adds up documents, the text in and out, removed blocks and hits per
rule; chunks cleaned in worker processes return their own and are merged in order.  The
``--hits`` record of a document is :func:`hit_record`, whatever the input.
"""
from __future__ import annotations

import json
import math
from collections import Counter
from dataclasses import dataclass, field
from typing import Mapping

from cleaner.model import DROP, CleanResult


@dataclass
class Totals:
    """Counts of a run (or of one chunk of it)."""

    docs: int = 0
    size_in: int = 0
    size_out: int = 0
    blocks_removed: int = 0
    per_rule: Counter = field(default_factory=Counter)

    def add(self, result: CleanResult | None, size_in: int, size_out: int) -> None:
        """Count one document (sizes in the run's unit: bytes or characters); ``None`` for
        an output already up to date, whose sizes count but which was not cleaned."""
        self.size_in += size_in
        self.size_out += size_out
        if result is None:
            return
        self.docs += 1
        for h in result.hits:
            self.per_rule[h.code] += 1
            self.blocks_removed += h.action == DROP

    def merge(self, other: "Totals") -> None:
        self.docs += other.docs
        self.size_in += other.size_in
        self.size_out += other.size_out
        self.blocks_removed += other.blocks_removed
        self.per_rule.update(other.per_rule)

    def summary(self, head: str, unit: str, rules: Mapping) -> list[str]:
        """The summary lines: ``head``, the text in and out, then hits per rule (named from
        ``rules``, code -> rule)."""
        lines = [head]
        if self.size_in:
            lines.append(f"{unit} in {self.size_in:,}, out {self.size_out:,} "
                         f"({1 - self.size_out / self.size_in:.0%} removed), blocks removed {self.blocks_removed:,}")
        for code, n in self.per_rule.most_common():
            lines.append(f"  {n:6d}  {code}  {rules[code].name if code in rules else ''}")
        return lines


def hit_record(source: str, doc_id, result: CleanResult) -> str:
    """One ``--hits`` line: where the document came from (a file, or ``FILE:LINE`` of a
    JSONL input), its id, its language and every hit."""
    return dumps({"source": source, "id": doc_id, "language": result.language,
                  "hits": [h.to_dict() for h in result.hits]}) + "\n"


def dumps(doc: dict) -> str:
    """One output line (without the newline): the same bytes in every process.

    A string that UTF-8 cannot carry (a lone surrogate from a ``\\ud800`` escape in the
    input) is written as the JSON escape it came as, so the line stays valid and lossless.
    NaN and the infinities, which strict JSON has not, are written as ``null``.

    >>> dumps({"id": "a", "text": "Café"})
    '{"id": "a", "text": "Café"}'
    >>> dumps({"id": "\\ud800"})
    '{"id": "\\\\ud800"}'
    """
    try:
        line = json.dumps(doc, ensure_ascii=False, separators=(", ", ": "), allow_nan=False)
    except ValueError:  # NaN or an infinity: strict JSON has no token for them
        doc = _finite(doc)
        line = json.dumps(doc, ensure_ascii=False, separators=(", ", ": "))
    try:
        line.encode("utf-8")
    except UnicodeEncodeError:
        return json.dumps(doc, ensure_ascii=True, separators=(", ", ": "))
    return line


def _finite(value):
    """``value`` with every NaN and infinity as None (JSON ``null``), as JavaScript's
    ``JSON.stringify`` writes them."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(v) for v in value]
    return value

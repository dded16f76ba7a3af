"""Stopword lists, data of the packs: ``rules/stopwords/<lang>.txt``, one word a line."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from cleaner.rules.pack import builtin_rules_dir


@lru_cache(maxsize=None)
def stopwords(lang: str, rules_dir: Path | None = None) -> frozenset[str]:
    """Stopwords of ``lang`` from ``rules/stopwords/<lang>.txt`` (empty when none ship)."""
    path = (rules_dir or builtin_rules_dir()) / "stopwords" / f"{lang}.txt"
    if not path.is_file():
        return frozenset()
    words = (w.strip().lower() for w in path.read_text(encoding="utf-8").splitlines())
    return frozenset(w for w in words if w and not w.startswith("#"))


def stopword_languages(rules_dir: Path | None = None) -> tuple[str, ...]:
    return tuple(sorted(p.stem for p in ((rules_dir or builtin_rules_dir()) / "stopwords").glob("*.txt")))

"""Hugging Face ``datasets``: a function for ``Dataset.map``, batched or not.

``pip install 'clean-articles[datasets]'``::

    from datasets import load_dataset
    from cleaner.integrations.hf import clean_function

    ds = load_dataset("json", data_files="pages.jsonl.gz", split="train")
    ds = ds.map(clean_function(), batched=True, num_proc=4)

The text column is cleaned in place (HTML or scraped text by its content, or as ``input``
says; with ``html_field`` the page is read from that column and the clean text goes to
``text_field``), every other column passes through, and the fixed columns of
:mod:`cleaner.integrations.fields` are added, of one type in every row, so shards and
processes concatenate.  A row whose page is not a string, or over a budget, raises
:class:`cleaner.pipeline.BadDocument` naming the row, or with ``errors="empty"`` comes out
empty, to be filtered.

The function keeps only the cleaner's :class:`~cleaner.pipeline.Config`: it pickles small to
``num_proc`` workers, each of which builds the Cleaner once, and it hashes the same in every
session, so ``datasets`` finds its cached result.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from cleaner.integrations.fields import FIELDS, article_fields, budget_of, clean, config_of, empty_fields, input_kind
from cleaner.pipeline import BadDocument, Cleaner, Config
from cleaner.run.work import MAX_BYTES, TIMEOUT, Budget


@dataclass(frozen=True)
class CleanMap:
    """The ``map`` function: called with one row (a dict of values) or a batch (a dict of
    lists), it returns the same shape: the clean text and the added fields."""

    config: Config = field(default_factory=Config)
    text_field: str = "text"
    input: str = "auto"
    html_field: str | None = None
    budget: Budget = field(default_factory=Budget)
    errors: str = "raise"

    def __call__(self, rows: dict) -> dict:
        cleaner = self.config.build()  # once per process: Config.build caches
        source = self.html_field or self.text_field
        if isinstance(rows[source], list):  # batched=True: a column of pages
            ids = rows.get("id") or [None] * len(rows[source])
            cleaned = [self._one(cleaner, page, f"row {i} of the batch" if doc_id is None else f"row id {doc_id!r}")
                       for i, (page, doc_id) in enumerate(zip(rows[source], ids))]
            return {name: [row[name] for row in cleaned] for name in (self.text_field, *FIELDS)}
        doc_id = rows.get("id")
        return self._one(cleaner, rows[source], "the row" if doc_id is None else f"row id {doc_id!r}")

    def _one(self, cleaner: Cleaner, page, where: str) -> dict:
        try:
            result = clean(cleaner, page, input=self.input, budget=self.budget, html_field=self.html_field,
                           text_field=self.text_field)
        except Exception as exc:
            if self.errors == "empty":
                return {self.text_field: "", **empty_fields()}
            why = str(exc) if isinstance(exc, BadDocument) else f"{type(exc).__name__}: {exc}"
            raise BadDocument(f"{where}: {why}") from exc
        return {self.text_field: result.text, **article_fields(result)}


def clean_function(cleaner: Cleaner | Config | None = None, *, text_field: str = "text", input: str = "auto",
                   html_field: str | None = None, max_bytes: int = MAX_BYTES, timeout: float = TIMEOUT,
                   errors: str = "raise") -> CleanMap:
    """A :class:`CleanMap` for ``Dataset.map`` (``batched=True`` or not, any ``num_proc``).

    ``cleaner``: a :class:`~cleaner.pipeline.Cleaner` built from rule folders, or its
    :class:`~cleaner.pipeline.Config` (default: the built-in packs).  ``max_bytes`` and
    ``timeout`` are the per-document budgets (0: no limit).  A row that cannot be cleaned
    (no string page, over a budget): ``errors="raise"`` raises :class:`BadDocument` naming
    it (by its ``id`` column, else its place in the batch); ``errors="empty"`` gives it an
    empty text and empty fields, for ``ds.filter(lambda r: r["text"])`` to drop."""
    if errors not in ("raise", "empty"):
        raise ValueError(f"errors must be 'raise' or 'empty' (got {errors!r})")
    return CleanMap(config_of(cleaner), text_field, input_kind(input), html_field, budget_of(max_bytes, timeout),
                    errors)

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
processes concatenate.  A row whose page is not a string raises
:class:`cleaner.pipeline.BadDocument` (``ds.filter`` such rows first).

The function keeps only the cleaner's :class:`~cleaner.pipeline.Config`: it pickles small to
``num_proc`` workers, each of which builds the Cleaner once, and it hashes the same in every
session, so ``datasets`` finds its cached result.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from cleaner.integrations.fields import FIELDS, article_fields, config_of, input_kind
from cleaner.pipeline import Cleaner, Config


@dataclass(frozen=True)
class CleanMap:
    """The ``map`` function: called with one row (a dict of values) or a batch (a dict of
    lists), it returns the same shape: the clean text and the added fields."""

    config: Config = field(default_factory=Config)
    text_field: str = "text"
    input: str = "auto"
    html_field: str | None = None

    def __call__(self, rows: dict) -> dict:
        cleaner = self.config.build()  # once per process: Config.build caches
        source = self.html_field or self.text_field
        if isinstance(rows[source], list):  # batched=True: a column of pages
            cleaned = [self._one(cleaner, page) for page in rows[source]]
            return {name: [row[name] for row in cleaned] for name in (self.text_field, *FIELDS)}
        return self._one(cleaner, rows[source])

    def _one(self, cleaner: Cleaner, page) -> dict:
        doc = {self.html_field or self.text_field: page}
        result = cleaner.clean_doc(doc, self.text_field, input=self.input, html_field=self.html_field)[1]
        return {self.text_field: result.text, **article_fields(result)}


def clean_function(cleaner: Cleaner | Config | None = None, *, text_field: str = "text", input: str = "auto",
                   html_field: str | None = None) -> CleanMap:
    """A :class:`CleanMap` for ``Dataset.map`` (``batched=True`` or not, any ``num_proc``).

    ``cleaner``: a :class:`~cleaner.pipeline.Cleaner` built from rule folders, or its
    :class:`~cleaner.pipeline.Config` (default: the built-in packs)."""
    return CleanMap(config_of(cleaner), text_field, input_kind(input), html_field)

"""A datatrove pipeline step: ``CleanArticles()`` cleans each document's text in place.

``pip install 'clean-articles[datatrove]'``::

    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.readers import JsonlReader, WarcReader
    from datatrove.pipeline.writers import ParquetWriter
    from cleaner.integrations.datatrove import CleanArticles

    if __name__ == "__main__":  # the executor's worker processes import the script again
        LocalPipelineExecutor([WarcReader("crawl/"), CleanArticles(), ParquetWriter("clean/")], tasks=2).run()

The text is cleaned as HTML or as scraped text by its content (WarcReader leaves the
page's HTML in ``text``), or as ``input`` says.  The document keeps its metadata and gains
the fixed fields of :mod:`cleaner.integrations.fields` (``article_language``,
``article_rule_hits`` as JSON, ...), so ParquetWriter's schema holds for every document.

A document that comes out empty is dropped (stat ``dropped_empty``); one that cannot be
cleaned (its text is no string, it is over ``max_bytes`` or ``timeout``, or the clean
raised) is dropped too (stat ``clean_error``, logged once with its id), and the pipeline
goes on.  Each rule's hits are summed in the step's stats
as ``hits_<CODE>``, beside datatrove's ``total``/``forwarded``/``dropped``.
"""
from __future__ import annotations

import json

from datatrove.data import DocumentsPipeline
from datatrove.pipeline.base import PipelineStep
from datatrove.utils.typeshelper import StatHints
from loguru import logger  # datatrove's own logger

from cleaner.integrations.fields import article_fields, budget_of, clean, config_of, input_kind
from cleaner.pipeline import Cleaner, Config
from cleaner.run.work import MAX_BYTES, TIMEOUT


class CleanArticles(PipelineStep):
    """Clean each document's text (see the module docstring).

    ``cleaner``: a :class:`~cleaner.pipeline.Cleaner` built from rule folders, or its
    :class:`~cleaner.pipeline.Config` (default: the built-in packs); only its config is
    kept, so the step pickles to datatrove's worker processes.  ``input``: ``auto``,
    ``html`` or ``text``."""

    name = "📰 clean-articles"
    type = "✂️ - CLEAN"

    def __init__(self, cleaner: Cleaner | Config | None = None, *, input: str = "auto", max_bytes: int = MAX_BYTES,
                 timeout: float = TIMEOUT):
        super().__init__()
        self.config = config_of(cleaner)
        self.input = input_kind(input)
        self.budget = budget_of(max_bytes, timeout)
        self._warned = False

    def run(self, data: DocumentsPipeline, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        cleaner = self.config.build()
        for doc in data:
            self.stat_update(StatHints.total)
            with self.track_time():
                try:
                    result = clean(cleaner, doc.text, input=self.input, budget=self.budget)
                except Exception as exc:  # one bad document never stops the pipeline
                    self._error(doc, exc)
                    continue
            fields = article_fields(result)
            for code, n in json.loads(fields["article_rule_hits"]).items():
                self.stat_update(f"hits_{code}", value=n)
            if not result.text.strip():
                self.stat_update(StatHints.dropped, "dropped_empty")
                continue
            doc.text = result.text
            doc.metadata.update(fields)
            self.stat_update(StatHints.forwarded)
            self.update_doc_stats(doc)
            yield doc

    def _error(self, doc, exc: Exception) -> None:
        self.stat_update(StatHints.dropped, "clean_error")
        if not self._warned:
            logger.warning(f"clean-articles: document {doc.id!r} dropped: {type(exc).__name__}: {exc} "
                           "(this message appears once; the stat clean_error counts them)")
            self._warned = True

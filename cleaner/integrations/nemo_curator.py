"""NeMo Curator: ``CleanArticle()``, a ``DocumentModifier`` that cleans a text column.

``pip install 'clean-articles[nemo]'`` (NeMo Curator itself pulls torch and Ray)::

    from nemo_curator.pipeline import Pipeline
    from nemo_curator.stages.text.io.reader import JsonlReader
    from nemo_curator.stages.text.io.writer import JsonlWriter
    from nemo_curator.stages.text.modifiers import Modify
    from cleaner.integrations.nemo_curator import CleanArticle

    pipeline = Pipeline(name="clean", stages=[
        JsonlReader("pages/"), Modify(CleanArticle(), input_fields="text"), JsonlWriter("clean/")])
    pipeline.run()

A modifier maps one value to one value, so this one gives the clean text only (HTML or
scraped text by its content, or as ``input`` says); a page that comes out empty stays as
``""`` for a filter stage to drop.  A value that is not a string raises
:class:`cleaner.pipeline.BadDocument`.  For the added fields (language, rule hits...) use
the datatrove or ``datasets`` adapter, or the command's JSONL or Parquet output.

The modifier keeps only the cleaner's :class:`~cleaner.pipeline.Config`, so it pickles
small to Ray's workers, each of which builds the Cleaner once.  Works with NeMo Curator
1.x (``nemo_curator.stages.text.modifiers``) and 0.x (``nemo_curator.modifiers``).
"""
from __future__ import annotations

try:
    from nemo_curator.stages.text.modifiers.doc_modifier import DocumentModifier
except ImportError:  # NeMo Curator 0.x
    from nemo_curator.modifiers import DocumentModifier

from cleaner.integrations.fields import budget_of, clean, config_of, input_kind
from cleaner.pipeline import Cleaner, Config
from cleaner.run.work import MAX_BYTES, TIMEOUT


class CleanArticle(DocumentModifier):
    """Clean one page into article text.  ``cleaner``: a Cleaner built from rule folders or
    its Config (default: the built-in packs); ``input``: ``auto``, ``html`` or ``text``;
    ``max_bytes`` and ``timeout``: the per-document budgets (0: no limit), over which the
    page raises :class:`cleaner.pipeline.BadDocument`."""

    def __init__(self, cleaner: Cleaner | Config | None = None, *, input: str = "auto", max_bytes: int = MAX_BYTES,
                 timeout: float = TIMEOUT):
        super().__init__()
        self.config = config_of(cleaner)
        self.input = input_kind(input)
        self.budget = budget_of(max_bytes, timeout)

    def modify_document(self, text: str) -> str:
        return clean(self.config.build(), text, input=self.input, budget=self.budget).text

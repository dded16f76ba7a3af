"""The fields every adapter adds to a cleaned document: one fixed set of names and types.

They are the columns of :mod:`cleaner.run.schema` (the names of the JSONL metadata too),
each prefixed ``article_`` so a crawl's own ``url``, ``date`` or ``language`` (set by a
reader or an earlier language filter) is never overwritten.  Engines that write Parquet infer a schema from the first document (or
batch) they see, so every document has every field and each field one type, always:

* ``article_removed_share`` is a float; ``article_rule_hits`` a JSON string (``{"BP101":2}``,
  ``{}`` for none), never a dict whose keys vary by document;
* every other field is a string, ``""`` where the page did not say -- a ``None`` in the
  first document would fix the column's type as null and fail on the first real value.

Each adapter takes the command's per-document budgets, ``max_bytes`` (default
:data:`cleaner.run.work.MAX_BYTES`) and ``timeout`` (seconds, default
:data:`cleaner.run.work.TIMEOUT`; 0: no limit), so one
huge or pathological page costs its own failure, not the job.
"""
from __future__ import annotations

import pyarrow as pa

from cleaner.model import CleanResult
from cleaner.pipeline import BadDocument, Cleaner, Config
from cleaner.run.schema import ADDED, added_values
from cleaner.run.work import NO_BUDGET, Budget, DocumentTimeout, time_limit
from cleaner.stages.decode import INPUTS

FIELDS: tuple[str, ...] = tuple(ADDED.names)
FLOAT_FIELDS = frozenset(f.name for f in ADDED if pa.types.is_floating(f.type))


def article_fields(result: CleanResult) -> dict:
    """The :data:`FIELDS` of one clean, in their order (none is ever ``None``)."""
    return added_values(result)


def empty_fields() -> dict:
    """:data:`FIELDS` with their empty values (for a row that could not be cleaned)."""
    return {name: (0.0 if name in FLOAT_FIELDS else "") for name in FIELDS}


def config_of(cleaner: Cleaner | Config | None) -> Config:
    """What an adapter keeps of a cleaner: its picklable :class:`Config` (each worker
    process builds the Cleaner once from it, see :meth:`Config.build`)."""
    if cleaner is None:
        return Config()
    if isinstance(cleaner, Config):
        return cleaner
    if cleaner.config is None:
        raise TypeError("an adapter needs a Cleaner built from rule folders (Cleaner(rule_dirs, ...)), "
                        "not from loaded rules: it is rebuilt in each worker process")
    return cleaner.config


def input_kind(kind: str) -> str:
    """``kind`` when it is one of ``auto``, ``html``, ``text``: checked when an adapter is
    made, since a wrong one found per document would drop every document as a failure."""
    if kind not in INPUTS:
        raise ValueError(f"input must be one of {', '.join(INPUTS)} (got {kind!r})")
    return kind


def clean(cleaner: Cleaner, text, *, input: str = "auto", budget: Budget = NO_BUDGET, html_field: str | None = None,
          text_field: str = "text"):
    """Clean one page (HTML or text by content, or as ``input`` says) as the JSONL command
    does (:meth:`Cleaner.clean_doc`), within the command's per-document ``budget``
    (``max_bytes``, ``timeout``); a page that is not a string, or over its budget, is a
    ``BadDocument`` saying why."""
    source = html_field or text_field
    if isinstance(text, str) and budget.max_bytes:
        too_large = budget.too_large(len(text.encode("utf-8", "surrogatepass")))
        if too_large:
            raise BadDocument(too_large.replace("--max-bytes", "max_bytes"))
    try:
        with time_limit(budget.timeout):
            return cleaner.clean_doc({source: text}, text_field, input=input, html_field=html_field)[1]
    except DocumentTimeout:
        raise BadDocument(f"took longer than timeout={budget.timeout:g}s") from None


def budget_of(max_bytes: int, timeout: float) -> Budget:
    """The per-document budget an adapter was given (0: no limit), checked when it is made."""
    if max_bytes < 0 or timeout < 0:
        raise ValueError(f"max_bytes and timeout must be 0 (no limit) or more (got {max_bytes}, {timeout})")
    return Budget(max_bytes, timeout)
